"""What the latest crawl up to a date said about each agency's portal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, select

from storage.db import as_utc
from storage.models import CrawlOutcome


@dataclass(frozen=True, slots=True)
class PortalHealth:
    """The outcome of an agency's latest crawl (``ok``, ``no_report_found``, ``column_not_found``,
    ``unreachable``, ``blocked``, ``robots_denied``), why, and the report URLs it found gone."""

    status: str
    reason: str | None = None
    gone_urls: frozenset[str] = field(default_factory=frozenset)


def load_health(connection: Connection, as_of: date) -> dict[str, PortalHealth]:
    """Each agency's latest crawl outcome on or before ``as_of``, else its first one after.

    Judging a past date from a later crawl is sound: a report published by then is still listed,
    and a portal readable now was readable for that question.
    """
    cutoff = datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC)
    query = select(CrawlOutcome.agency_id, CrawlOutcome.status, CrawlOutcome.reason, CrawlOutcome.gone,
                   CrawlOutcome.finished_at)
    before: dict[str, PortalHealth] = {}
    after: dict[str, PortalHealth] = {}
    for agency_id, status, reason, gone, finished in connection.execute(query.order_by(CrawlOutcome.finished_at)):
        health = PortalHealth(status, reason, frozenset(gone or ()))
        if as_utc(finished) < cutoff:
            before[agency_id] = health
        else:
            after.setdefault(agency_id, health)
    return {**after, **before}
