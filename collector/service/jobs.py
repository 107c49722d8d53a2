"""The service's jobs, step by step, callable directly with an explicit "now" (the scheduler only wires them).

``crawl``: crawl → compliance snapshot → events → notifiers. ``reparse``: full reparse → snapshot →
events → notifiers. A job runs under the pipeline lock or not at all (``skipped``); between steps it
checks whether the service was asked to stop (SIGTERM) or lost its lock, and ends there
(``stopped``) rather than start the next step.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from collector.service import steps
from collector.service.config import ServiceConfig
from collector.service.lock import PipelineLock
from collector.service.logs import log
from collector.service.notify import configured_notifiers, deliver
from collector.service.snapshot import snapshot
from storage.db import Database
from storage.events import StoredEvent

CRAWL, REPARSE = "crawl", "reparse"
JOBS = (CRAWL, REPARSE)
OK, FAILED, SKIPPED, STOPPED = "ok", "failed", "skipped", "stopped"


@dataclass(frozen=True)
class JobReport:
    job: str
    status: str  # ok | failed | skipped | stopped
    message: str
    crawl_run_id: int | None = None
    events: list[StoredEvent] = field(default_factory=list)


class Pipeline:
    """Runs jobs for one service (or one ``schedule run-now``): its configuration, database and stop flag."""

    def __init__(self, config: ServiceConfig, database: Database, stop: threading.Event | None = None) -> None:
        self.config = config
        self.database = database
        self.stop = stop or threading.Event()
        self.idle = threading.Event()  # set while no job runs: SIGTERM waits for it
        self.idle.set()

    def run(self, job: str, now: datetime) -> JobReport:
        """Run ``job`` as of ``now`` (timezone-aware), unless stopping or another process holds the lock."""
        if job not in JOBS:
            raise ValueError(f"unknown job {job!r} (jobs: {', '.join(JOBS)})")
        if self.stop.is_set():
            return self._report(JobReport(job, STOPPED, "the service is stopping"))
        lock = PipelineLock(self.database, self.config.lock_expiry)
        if not lock.acquire():
            held = lock.current()
            since = f" since {held.acquired_at:%Y-%m-%d %H:%M:%S} UTC" if held else ""
            return self._report(JobReport(job, SKIPPED, f"another process holds the pipeline lock: "
                                                       f"{held.holder if held else 'unknown'}{since}"))
        self.idle.clear()
        try:
            with lock.held():
                log("job.started", job=job, now=now.isoformat(), holder=lock.holder)
                return self._report(self._steps(job, now, lock))
        except Exception as exc:  # a job must end in a report and a log line, never kill the scheduler thread
            logging.getLogger(__name__).exception("job %s failed", job)
            return self._report(JobReport(job, FAILED, f"{type(exc).__name__}: {exc}"))
        finally:
            self.idle.set()

    def _steps(self, job: str, now: datetime, lock: PipelineLock) -> JobReport:
        run_id, failure = None, None
        if job == CRAWL:
            step = steps.crawl(self.database, self.config, years=self.config.crawl_years(now.year), stop=self.stop)
            run_id, result = step.run_id, step.result
            log("crawl.finished", run=run_id, exit=result.exit_code, timed_out=result.timed_out,
                stopped=result.stopped, seconds=result.duration_s, outcomes=step.outcomes)
        else:
            result = steps.reparse(self.database, self.config, stop=self.stop)
            log("reparse.finished", exit=result.exit_code, timed_out=result.timed_out, stopped=result.stopped,
                seconds=result.duration_s)
        if not result.ok:
            failure = "timed out" if result.timed_out else f"exit {result.exit_code}"
        if halt := self._halt(lock):
            return JobReport(job, STOPPED, halt, run_id)
        events = snapshot(self.database, self.config, now, run_id)
        log("snapshot.finished", events=len(events), kinds=sorted({event.kind for event in events}))
        if halt := self._halt(lock):
            return JobReport(job, STOPPED, halt, run_id, events)
        deliver(self.database, configured_notifiers(self.config), now)
        message = f"{job} {failure}" if failure else f"{job} done"
        return JobReport(job, FAILED if failure else OK, message, run_id, events)

    def _halt(self, lock: PipelineLock) -> str | None:
        """Why the job must not start its next step, if it must not."""
        if self.stop.is_set():
            return "stopped on request after the current step"
        if lock.lost.is_set():
            return "the pipeline lock was lost (it expired and was taken over): stopped after the current step"
        return None

    @staticmethod
    def _report(report: JobReport) -> JobReport:
        level = logging.WARNING if report.status in (FAILED, SKIPPED) else logging.INFO
        log("job.finished", level, job=report.job, status=report.status, message=report.message,
            crawl_run=report.crawl_run_id, events=len(report.events))
        return report
