"""Events as rows: append the changes a snapshot found, list them, track which notifier delivered which.

Also the one question about crawl history that events ask: how many crawls in a row an agency's
portal has ended the same bad way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from storage.db import Database, as_utc
from storage.models import Agency, CrawlOutcome, CrawlRun, Event


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: int
    kind: str
    agency_id: str
    agency: str
    year: int | None
    occurred_at: datetime
    crawl_run_id: int | None
    detail: dict[str, Any]
    delivered_to: tuple[str, ...]


def add_events(connection: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Append events (kind, agency_id, year, occurred_at, crawl_run_id, detail); returns their ids."""
    if not rows:
        return []
    return list(connection.execute(insert(Event).returning(Event.id),
                                   [{**row, "occurred_at": as_utc(row["occurred_at"]), "delivered_to": []}
                                    for row in rows]).scalars())


def list_events(database: Database, *, since: datetime | None = None, kinds: Sequence[str] = (),
                ids: Sequence[int] = ()) -> list[StoredEvent]:
    """Events oldest first, at or after ``since``, of the given kinds and ids (empty: all)."""
    query = (select(Event.id, Event.kind, Event.agency_id, Agency.name, Event.year, Event.occurred_at,
                    Event.crawl_run_id, Event.detail, Event.delivered_to)
             .join(Agency, Agency.id == Event.agency_id).order_by(Event.occurred_at, Event.id))
    if since is not None:
        query = query.where(Event.occurred_at >= as_utc(since))
    if kinds:
        query = query.where(Event.kind.in_(kinds))
    if ids:
        query = query.where(Event.id.in_(ids))
    with database.reading() as connection:
        return [StoredEvent(row.id, row.kind, row.agency_id, row.name, row.year, as_utc(row.occurred_at),
                            row.crawl_run_id, row.detail, tuple(row.delivered_to or ()))
                for row in connection.execute(query)]


def mark_delivered(database: Database, events: Sequence[StoredEvent], notifier: str) -> None:
    """Remember that ``notifier`` sent these events, so it never sends them again."""
    with database.engine.begin() as connection:
        for event in events:
            connection.execute(update(Event).where(Event.id == event.id)
                               .values(delivered_to=sorted({*event.delivered_to, notifier})))


def failure_streaks(connection: Connection, crawl_run_id: int, statuses: Sequence[str],
                    longest: int) -> dict[str, tuple[str, int, str | None]]:
    """For each agency whose outcome in the run is one of ``statuses``: that status, how many of its
    crawls in a row (counted up to ``longest``) ended with it, and the latest reason.

    Runs that did not crawl the agency (``collector crawl --agency …`` of others) do not break a streak.
    """
    failing = dict(connection.execute(select(CrawlOutcome.agency_id, CrawlOutcome.status)
                                      .where(CrawlOutcome.crawl_run_id == crawl_run_id,
                                             CrawlOutcome.status.in_(statuses))).all())
    if not failing:
        return {}
    history = connection.execute(
        select(CrawlOutcome.agency_id, CrawlOutcome.status, CrawlOutcome.reason)
        .join(CrawlRun, CrawlRun.id == CrawlOutcome.crawl_run_id)
        .where(CrawlOutcome.agency_id.in_(list(failing)), CrawlOutcome.crawl_run_id <= crawl_run_id,
               CrawlRun.kind == "crawl")
        .order_by(CrawlOutcome.agency_id, CrawlOutcome.crawl_run_id.desc()))
    streaks: dict[str, tuple[str, int, str | None]] = {}
    broken: set[str] = set()
    for agency_id, status, reason in history:
        if agency_id in broken:
            continue
        _, count, latest = streaks.get(agency_id, (status, 0, reason))
        if status != failing[agency_id] or count >= longest:
            broken.add(agency_id)
            continue
        streaks[agency_id] = (status, count + 1, latest)
    return streaks
