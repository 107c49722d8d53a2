"""What the latest crawl up to a date said about each agency's portal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, select

from storage.models import CrawlOutcome


@dataclass(frozen=True, slots=True)
class PortalHealth:
    """The outcome of an agency's latest crawl (``ok``, ``no_report_found``, ``column_not_found``,
    ``unreachable``, ``blocked``, ``robots_denied``), why, and the report URLs it found gone."""

    status: str
    reason: str | None = None
    gone_urls: frozenset[str] = field(default_factory=frozenset)


def load_health(connection: Connection, as_of: date) -> dict[str, PortalHealth]:
    """Each agency's latest crawl outcome finished on or before ``as_of``."""
    query = (select(CrawlOutcome.agency_id, CrawlOutcome.status, CrawlOutcome.reason)
             .where(CrawlOutcome.finished_at < datetime.combine(as_of + timedelta(days=1), time.min, tzinfo=UTC))
             .order_by(CrawlOutcome.finished_at))
    return {agency_id: PortalHealth(status, reason) for agency_id, status, reason in connection.execute(query)}
