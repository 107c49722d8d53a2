"""Crawl runs seen from outside the crawl: which run a child process created, how far it got, and
what the process that started it has to add (exit, counts, log tail)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from storage.db import Database
from storage.models import CrawlOutcome, CrawlRun

#: A crawl run still marked ``running`` after its process ended was cut short: ``collector crawl --resume``
#: continues runs in this status.
INTERRUPTED = "interrupted"
FINISHED, FAILED = "finished", "failed"


def last_run_id(database: Database) -> int:
    """The newest crawl run's id (0 when there is none): runs created later have larger ids."""
    with database.reading() as connection:
        return connection.execute(select(func.max(CrawlRun.id))).scalar() or 0


def first_crawl_after(database: Database, run_id: int) -> int | None:
    """The id of the first crawl run created after ``run_id``, if any."""
    with database.reading() as connection:
        return connection.execute(select(func.min(CrawlRun.id))
                                  .where(CrawlRun.id > run_id, CrawlRun.kind == "crawl")).scalar()


def outcome_counts(database: Database, run_id: int) -> Counter[str]:
    """How many agencies of the run ended in each status."""
    with database.reading() as connection:
        return Counter(dict(connection.execute(select(CrawlOutcome.status, func.count())
                                               .where(CrawlOutcome.crawl_run_id == run_id)
                                               .group_by(CrawlOutcome.status)).all()))


def annotate_run(database: Database, run_id: int | None, *, succeeded: bool, started_at: datetime,
                 finished_at: datetime, notes: dict[str, Any]) -> int:
    """Add ``notes`` to the run's stats (under ``service``) and return its id.

    Without a run (the process failed before creating one, or is not ``collector crawl``) a run is
    created to carry the notes, ``finished`` or ``failed`` by the process's success, so every attempt
    is on record. A run its process left ``running`` and that did not succeed becomes ``interrupted``.
    """
    with database.session() as session, session.begin():
        run = session.get(CrawlRun, run_id) if run_id is not None else None
        if run is None:
            run = CrawlRun(kind="crawl", started_at=started_at, finished_at=finished_at,
                           status=FINISHED if succeeded else FAILED, stats={})
            session.add(run)
        elif run.status == "running" and not succeeded:
            run.status, run.finished_at = INTERRUPTED, finished_at
        run.stats = {**(run.stats or {}), "service": notes}
        session.flush()
        return run.id
