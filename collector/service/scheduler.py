"""APScheduler 3 wiring: cron triggers from the configuration, jobs kept in the project's database, SIGTERM.

The jobs live in a SQLAlchemy job store (table ``apscheduler_jobs``), so a service that was down
finds the run it missed when it starts again: with ``coalesce`` it runs once however many nights
were missed, and only within ``misfire_grace``. A stored job names :func:`run_scheduled` by its
module path and its job id, nothing else, so what a job does always comes from the running
service's configuration. One worker thread runs the jobs, one after the other; the pipeline lock
(``collector.service.lock``) keeps other processes on the same database out.

SIGTERM or Ctrl-C: no job starts any more, the running job ends after its current step (a crawl is
asked to stop the way Scrapy stops cleanly), then the process exits.
"""

from __future__ import annotations

import signal
import threading
from dataclasses import dataclass
from datetime import datetime

from apscheduler.events import EVENT_SCHEDULER_STARTED, SchedulerEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from collector.service.config import ServiceConfig
from collector.service.jobs import CRAWL, REPARSE, Pipeline
from collector.service.logs import log
from storage.db import Database

JOBSTORE_TABLE = "apscheduler_jobs"

#: The pipeline of the service running in this process; stored jobs reach it through run_scheduled.
_pipeline: Pipeline | None = None


def run_scheduled(job: str) -> None:
    """The callable every stored job names: run ``job`` now on this process's service."""
    if _pipeline is None:
        raise RuntimeError("no service is running in this process")
    _pipeline.run(job, datetime.now(_pipeline.config.timezone))


def schedules(config: ServiceConfig) -> dict[str, str]:
    """Job id → cron expression of the jobs the configuration asks for."""
    return {CRAWL: config.crawl.schedule, **({REPARSE: config.reparse.schedule} if config.reparse.schedule else {})}


def _trigger(config: ServiceConfig, expression: str) -> CronTrigger:
    return CronTrigger.from_crontab(expression, timezone=config.timezone)


def job_store(database: Database) -> SQLAlchemyJobStore:
    return SQLAlchemyJobStore(engine=database.engine, tablename=JOBSTORE_TABLE)


def build_scheduler(config: ServiceConfig, database: Database,
                    kind: type[BaseScheduler] = BlockingScheduler) -> BaseScheduler:
    return kind(jobstores={"default": job_store(database)}, executors={"default": ThreadPoolExecutor(1)},
                timezone=config.timezone)


def sync_jobs(scheduler: BaseScheduler, config: ServiceConfig) -> None:
    """Make the stored jobs what the configuration says, on a started (paused) scheduler.

    A job whose schedule did not change keeps its stored next run time, even one in the past: that is
    the run missed while the service was down, and it must still happen (once). A changed schedule
    starts from now.
    """
    wanted = {job_id: _trigger(config, expression) for job_id, expression in schedules(config).items()}
    options = {"misfire_grace_time": int(config.misfire_grace.total_seconds()), "coalesce": True, "max_instances": 1}
    for job in scheduler.get_jobs():
        if job.id not in wanted:
            scheduler.remove_job(job.id)
            log("schedule.removed", job=job.id)
    for job_id, trigger in wanted.items():
        stored = scheduler.get_job(job_id)
        if stored is None:
            scheduler.add_job(run_scheduled, trigger, args=[job_id], id=job_id, name=job_id, **options)
            continue
        if repr(stored.trigger) != repr(trigger):
            scheduler.reschedule_job(job_id, trigger=trigger)
            log("schedule.changed", job=job_id, trigger=str(trigger))
        scheduler.modify_job(job_id, func=run_scheduled, args=[job_id], **options)


def serve(config: ServiceConfig, database: Database) -> None:
    """Run the scheduler in the foreground until SIGTERM or SIGINT; returns once the running job has stopped."""
    global _pipeline
    pipeline = Pipeline(config, database)
    scheduler = build_scheduler(config, database)
    failures: list[Exception] = []

    def on_started(_: SchedulerEvent) -> None:
        try:
            sync_jobs(scheduler, config)
        except Exception as exc:  # APScheduler would only log it: keep it to raise once start() returns
            failures.append(exc)
            scheduler.shutdown(wait=False)
            return
        for job in scheduler.get_jobs():
            log("schedule.job", job=job.id, trigger=str(job.trigger), next_run=job.next_run_time.isoformat())
        scheduler.resume()

    def on_signal(signum: int, _frame: object) -> None:
        log("service.stopping", signal=signal.Signals(signum).name)
        pipeline.stop.set()
        # Not from inside the handler: the main thread may be in the scheduler, holding its locks.
        threading.Thread(target=_shut_down, args=(scheduler,), name="scheduler-shutdown").start()

    scheduler.add_listener(on_started, EVENT_SCHEDULER_STARTED)
    handlers = {signum: signal.signal(signum, on_signal) for signum in (signal.SIGTERM, signal.SIGINT)}
    _pipeline = pipeline
    log("service.started", database=database.display_url, timezone=str(config.timezone), log_file=str(config.log_file))
    try:
        scheduler.start(paused=True)
        pipeline.idle.wait()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    if failures:
        raise failures[0]
    log("service.stopped")


def _shut_down(scheduler: BaseScheduler) -> None:
    if scheduler.running:
        scheduler.shutdown(wait=False)


@dataclass(frozen=True)
class ScheduledJob:
    id: str
    schedule: str  # the cron expression, or the stored trigger of a job no longer configured
    next_run: datetime | None
    stored: bool  # False: the service has not started since the job was configured
    configured: bool  # False: stored, and removed when the service next starts


def scheduled_jobs(config: ServiceConfig, database: Database, now: datetime) -> list[ScheduledJob]:
    """The configured jobs with their next run (as stored; computed from the schedule if not stored yet)."""
    store = job_store(database)
    store.start(BackgroundScheduler(timezone=config.timezone), "default")  # a reference for loading jobs; not run
    stored = {job.id: job for job in store.get_all_jobs()}
    configured = schedules(config)
    jobs = [ScheduledJob(job_id, expression,
                         stored[job_id].next_run_time if job_id in stored
                         else _trigger(config, expression).get_next_fire_time(None, now),
                         job_id in stored, True)
            for job_id, expression in configured.items()]
    return jobs + [ScheduledJob(job.id, str(job.trigger), job.next_run_time, True, False)
                   for job_id, job in stored.items() if job_id not in configured]
