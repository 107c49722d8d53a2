"""A crawl run spread over Scrapyd nodes, as rows: its plan, its shards and what each attempt reported.

The controller (``collector.scaleout.controller``) creates the run, the plan and the shards, and moves
each shard through ``planned`` → ``submitted`` → ``done`` or ``failed``. A shard's job reads its part
of the plan (:func:`load_shard`) and writes one :class:`ShardOutcome` as its last act; the controller
decides success from that row and the agencies' outcomes, never from Scrapyd's job list, which lists
a job that crashed as "finished".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select

from storage.db import Database, upsert_insert
from storage.errors import StorageError
from storage.models import CrawlOutcome, CrawlPage, CrawlPlan, CrawlRun, CrawlShard, ShardOutcome

PLANNED, SUBMITTED, DONE, FAILED = "planned", "submitted", "done", "failed"


@dataclass(frozen=True)
class ShardWork:
    """What one shard's job needs: the registry the controller read, the years, its agencies."""

    registry: dict[str, Any]
    years: str | None
    agency_ids: list[str]


def create_plan(database: Database, registry: dict[str, Any], years: str | None,
                shards: Sequence[tuple[list[str], float]], notes: dict[str, Any]) -> int:
    """A new crawl run with its plan and its shards (agency ids and expected weight); returns the run id."""
    now = datetime.now(UTC)
    with database.session() as session, session.begin():
        run = CrawlRun(kind="crawl", started_at=now, status="running", stats={"scale_out": notes})
        session.add(run)
        session.flush()
        session.add(CrawlPlan(crawl_run_id=run.id, registry_document=registry, years=years, created_at=now))
        session.add_all(CrawlShard(crawl_run_id=run.id, shard=number, shards=len(shards), agency_ids=agencies,
                                   weight=weight, status=PLANNED, attempt=0, history=[])
                        for number, (agencies, weight) in enumerate(shards, start=1))
        return run.id


def resumable_run(database: Database) -> int | None:
    """The newest distributed crawl run that did not finish (``collector crawl --nodes … --resume``)."""
    with database.reading() as connection:
        return connection.execute(select(func.max(CrawlRun.id)).join(CrawlPlan, CrawlPlan.crawl_run_id == CrawlRun.id)
                                  .where(CrawlRun.status != "finished")).scalar()


def reopen_shards(database: Database, run_id: int) -> None:
    """Make a resumed run's unfinished shards ready to submit again (their attempts keep counting)."""
    with database.session() as session, session.begin():
        session.get_one(CrawlRun, run_id).status = "running"
        for shard in session.scalars(select(CrawlShard).where(CrawlShard.crawl_run_id == run_id,
                                                              CrawlShard.status != DONE)):
            shard.status, shard.node, shard.job_id = PLANNED, None, None


def load_shards(database: Database, run_id: int) -> list[CrawlShard]:
    with database.session() as session:
        return list(session.scalars(select(CrawlShard).where(CrawlShard.crawl_run_id == run_id)
                                    .order_by(CrawlShard.shard)))


def save_shard(database: Database, shard: CrawlShard) -> None:
    """Store the controller's view of one shard (its status, attempt, node, job and history)."""
    with database.session() as session, session.begin():
        session.merge(shard)


def load_shard(database: Database, run_id: int, number: int) -> ShardWork:
    """A shard job's work; a clear error when the node's database is not the controller's."""
    with database.session() as session:
        plan = session.get(CrawlPlan, run_id)
        shard = session.get(CrawlShard, (run_id, number))
    if plan is None or shard is None:
        raise StorageError(f"crawl run {run_id} has no shard {number} in {database.display_url}: the node's "
                           "COLLECTOR_DB_URL must name the controller's database")
    return ShardWork(plan.registry_document, plan.years, list(shard.agency_ids))


def agencies_done(database: Database, run_id: int, agency_ids: Sequence[str]) -> frozenset[str]:
    """Which of these agencies already have an outcome in the run (a retried shard skips them)."""
    with database.reading() as connection:
        return frozenset(connection.execute(select(CrawlOutcome.agency_id).where(
            CrawlOutcome.crawl_run_id == run_id, CrawlOutcome.agency_id.in_(list(agency_ids)))).scalars())


def current_attempt(database: Database, run_id: int, number: int) -> int:
    """The attempt the controller last sent for a shard (0 when there is no such shard)."""
    with database.reading() as connection:
        return connection.execute(select(CrawlShard.attempt).where(CrawlShard.crawl_run_id == run_id,
                                                                   CrawlShard.shard == number)).scalar() or 0


def forget_partial_pages(database: Database, run_id: int, agency_ids: Sequence[str]) -> int:
    """Drop the list pages an earlier attempt stored for agencies it did not finish: the retry reads them
    again, so each stays recorded once. (Documents are kept: the retry finds them known and unchanged.)"""
    if not agency_ids:
        return 0
    with database.engine.begin() as connection:
        return connection.execute(delete(CrawlPage).where(CrawlPage.crawl_run_id == run_id,
                                                          CrawlPage.agency_id.in_(list(agency_ids)))).rowcount


def record_shard_outcome(database: Database, run_id: int, number: int, attempt: int, *, host: str,
                         finish_reason: str, stats: dict[str, Any], started_at: datetime) -> None:
    """A shard attempt's own report, written last; a second write for the same attempt changes nothing."""
    with database.engine.begin() as connection:
        statement = upsert_insert(connection, ShardOutcome).values(
            crawl_run_id=run_id, shard=number, attempt=attempt, host=host, finish_reason=finish_reason,
            stats=stats, started_at=started_at, finished_at=datetime.now(UTC))
        connection.execute(statement.on_conflict_do_nothing())


def shard_outcome(database: Database, run_id: int, number: int, attempt: int) -> ShardOutcome | None:
    with database.session() as session:
        return session.get(ShardOutcome, (run_id, number, attempt))


def finish_run(database: Database, run_id: int, status: str, stats: dict[str, Any]) -> None:
    """Close a distributed run: ``finished`` when every shard is done, else ``interrupted`` (resumable)."""
    with database.session() as session, session.begin():
        run = session.get_one(CrawlRun, run_id)
        run.status, run.finished_at = status, datetime.now(UTC)
        run.stats = {**(run.stats or {}), **stats}
