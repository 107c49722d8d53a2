"""The compliance snapshot after a crawl or reparse: judge, store the judgments, record what changed as events."""

from __future__ import annotations

from datetime import datetime

from collector.compliance.engine import Filters
from collector.compliance.run import run_compliance
from collector.registry import township_deadline
from collector.service.config import ServiceConfig
from collector.service.events import FAILURES, Change, failure_changes, status_changes
from storage.db import Database
from storage.events import StoredEvent, add_events, failure_streaks, list_events


def snapshot(database: Database, config: ServiceConfig, now: datetime, crawl_run_id: int | None) -> list[StoredEvent]:
    """Judge the configured report years as of ``now``'s date and store the events the changes make.

    ``crawl_run_id`` is the crawl just finished, whose failing portals may have reached the threshold
    (None after a reparse: no portal was visited).
    """
    deadline = township_deadline(config.registry)
    changes: list[Change] = []
    for year in config.judged_years(now.year):
        result = run_compliance(database, Filters(year, now.date(), township_deadline=deadline))
        changes += status_changes(result.rows, result.previous)
    with database.engine.begin() as connection:
        if crawl_run_id is not None:
            streaks = failure_streaks(connection, crawl_run_id, tuple(FAILURES), config.failure_nights + 1)
            changes += failure_changes(streaks, config.failure_nights)
        ids = add_events(connection, [{"kind": change.kind, "agency_id": change.agency_id, "year": change.year,
                                       "occurred_at": now, "crawl_run_id": crawl_run_id, "detail": change.detail}
                                      for change in changes])
    return list_events(database, ids=ids) if ids else []
