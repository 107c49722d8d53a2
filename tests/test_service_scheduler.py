"""The scheduler and the job plumbing, with a fake crawl command: catch-up, SIGTERM, time limits, run-now, the lock.

``collector serve`` runs as a real process here. The "service was down for three nights" state is
made by moving the stored job's next run time back, so the catch-up happens at once, without
waiting for any cron time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from apscheduler.schedulers.background import BackgroundScheduler

from collector.service.command import run_command
from collector.service.config import CrawlConfig, ReparseConfig, ServiceConfig, load_config
from collector.service.jobs import OK, REPARSE, Pipeline
from collector.service.lock import NAME as LOCK_NAME
from collector.service.scheduler import build_scheduler, job_store, scheduled_jobs, sync_jobs
from service_support import COLLECTOR, fake_crawl_command, recorded_calls, webhook_receiver, write_config
from storage.archive import Archive
from storage.db import Database, open_database
from storage.locks import release, try_acquire
from storage.models import CrawlRun
from storage_checks import wait_until


@pytest.fixture
def service(tmp_path: Path):
    """A service configuration with the fake crawl, its database, and the environment the fake needs."""
    path = write_config(tmp_path / "service.yaml", {
        "database": f"sqlite:///{tmp_path / 'collector.db'}", "registry": str(tmp_path / "agencies.yaml"),
        "log_file": str(tmp_path / "var" / "collector.log"), "misfire_grace": "4d",
        "crawl": {"command": fake_crawl_command(tmp_path), "years": "2024"}, "compliance": {"years": [2024]}})
    config = load_config(path)
    database = open_database(config.database)
    yield path, config, database, {**os.environ, "FAKE_CRAWL_RECORD": str(tmp_path / "calls.jsonl")}
    database.close()


def _log(config: ServiceConfig) -> list[dict]:
    path = config.log_file
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


def _logged(config: ServiceConfig, event: str) -> list[dict]:
    return [entry for entry in _log(config) if entry["event"] == event]


def _miss_three_nights(config: ServiceConfig, database: Database) -> None:
    """Store the jobs as a service would, with the crawl's next run three nights ago (the service was down)."""
    scheduler = build_scheduler(config, database, BackgroundScheduler)
    scheduler.start(paused=True)
    sync_jobs(scheduler, config)
    scheduler.shutdown(wait=False)
    # Straight to the store: a scheduler would run the job, which is the service's part.
    store = job_store(database)
    store.start(BackgroundScheduler(timezone=config.timezone), "default")
    job = store.lookup_job("crawl")
    job.next_run_time = (datetime.now(config.timezone) - timedelta(days=3)).replace(hour=2, minute=0, second=0,
                                                                                   microsecond=0)
    store.update_job(job)


def _collector(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(COLLECTOR), *args], capture_output=True, text=True, timeout=120, env=env, cwd=cwd)


def _runs(database: Database) -> list[CrawlRun]:
    with database.session() as session:
        return list(session.query(CrawlRun).order_by(CrawlRun.id))


def test_stored_jobs_keep_a_missed_run_unless_their_schedule_changed(db: Database) -> None:
    config = ServiceConfig(reparse=ReparseConfig(schedule="0 4 * * 0"))
    scheduler = build_scheduler(config, db, BackgroundScheduler)
    scheduler.start(paused=True)
    try:
        sync_jobs(scheduler, config)
        assert {job.id for job in scheduler.get_jobs()} == {"crawl", "reparse"}
        missed = (datetime.now(config.timezone) - timedelta(days=2)).replace(microsecond=0)
        scheduler.modify_job("crawl", next_run_time=missed)
        sync_jobs(scheduler, config)  # the service starts again with the same configuration
        assert scheduler.get_job("crawl").next_run_time == missed
        sync_jobs(scheduler, replace(config, crawl=CrawlConfig(schedule="30 3 * * *"), reparse=ReparseConfig()))
        [crawl] = scheduler.get_jobs()
        assert crawl.next_run_time > datetime.now(config.timezone)
        assert (crawl.next_run_time.hour, crawl.next_run_time.minute) == (3, 30)
        assert crawl.coalesce and crawl.max_instances == 1 and crawl.misfire_grace_time == 20 * 3600
    finally:
        scheduler.remove_all_jobs()  # a stopping scheduler would still run a due job once
        scheduler.shutdown(wait=False)


def test_a_service_that_was_down_catches_up_once_then_stops_on_sigterm(service, tmp_path: Path) -> None:
    path, config, database, env = service
    listed = _collector("schedule", "list", "--config", str(path), env=env, cwd=tmp_path)
    assert "not stored yet" in listed.stdout and "pipeline lock: free" in listed.stdout
    _miss_three_nights(config, database)
    assert "missed: runs once when the service starts" in _collector(
        "schedule", "list", "--config", str(path), env={**env, "COLUMNS": "200"}, cwd=tmp_path).stdout

    process = subprocess.Popen([str(COLLECTOR), "serve", "--config", str(path)], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until(lambda: _logged(config, "job.finished"), timeout=60, what="the missed crawl to run")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    assert len(recorded_calls(tmp_path / "calls.jsonl")) == 1  # three missed nights, one run
    [finished] = _logged(config, "job.finished")
    assert finished["job"] == "crawl" and finished["status"] == "ok"
    assert _logged(config, "service.stopped")
    assert "job.finished job=crawl status=ok" in stderr  # people read key=value on stderr
    [job] = scheduled_jobs(config, database, datetime.now(config.timezone))
    assert job.next_run > datetime.now(config.timezone) and job.next_run.hour == 2  # the next 02:00


def test_sigterm_stops_the_running_crawl_and_no_further_step_runs(service, tmp_path: Path) -> None:
    path, config, database, env = service
    _miss_three_nights(config, database)
    process = subprocess.Popen([str(COLLECTOR), "serve", "--config", str(path)], env={**env, "FAKE_CRAWL_HANG": "1"},
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    crawl_log = config.log_file.parent / "crawl.log"
    try:
        wait_until(lambda: crawl_log.exists() and "waiting" in crawl_log.read_text(), timeout=60,
                   what="the crawl to start")
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 0, stderr
    [finished] = _logged(config, "job.finished")
    assert finished["status"] == "stopped" and "after the current step" in finished["message"]
    assert not _logged(config, "snapshot.finished")
    [run] = _runs(database)
    notes = run.stats["service"]
    assert notes["stopped"] is True and notes["exit_code"] == 0
    assert notes["log_tail"][-1] == "fake crawl stopped by SIGTERM"


def test_run_now_records_the_crawl_and_refuses_while_another_process_holds_the_lock(service, tmp_path: Path) -> None:
    path, config, database, env = service
    with webhook_receiver() as hook:
        write_config(path, {**_document(path), "notifiers": {"webhook": {"url": hook.url}}})
        assert try_acquire(database, LOCK_NAME, "other-host:1234:abcd", timedelta(minutes=5), datetime.now(UTC))
        busy = _collector("schedule", "run-now", "crawl", "--config", str(path), env=env, cwd=tmp_path)
        assert busy.returncode == 75
        assert "another process holds the pipeline lock: other-host:1234:abcd" in busy.stdout
        assert recorded_calls(tmp_path / "calls.jsonl") == [] and _runs(database) == []

        release(database, LOCK_NAME, "other-host:1234:abcd")
        done = _collector("schedule", "run-now", "crawl", "--config", str(path), env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert "crawl: ok (crawl run 1): crawl done; 0 new events" in done.stdout
        failed = _collector("schedule", "run-now", "crawl", "--config", str(path), env={**env, "FAKE_CRAWL_EXIT": "3"},
                            cwd=tmp_path)
        assert failed.returncode == 1 and "crawl exit 3" in failed.stdout
    assert hook.received == []  # nothing changed: nothing is sent
    [call, _] = recorded_calls(tmp_path / "calls.jsonl")
    assert call["argv"] == ["--agencies", str(tmp_path / "agencies.yaml"), "--years", "2024"]
    assert call["db"] == f"sqlite:///{tmp_path / 'collector.db'}"  # by environment, not on the command line
    ok_run, failed_run = _runs(database)
    assert (ok_run.status, failed_run.status) == ("finished", "failed")
    assert ok_run.stats["service"]["exit_code"] == 0 and ok_run.stats["service"]["log_tail"] == ["fake crawl done"]
    assert failed_run.stats["service"]["exit_code"] == 3


def _document(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_reparse_job_reparses_then_judges(stored: Database, archive: Archive, tmp_path: Path) -> None:  # noqa: F811
    config = ServiceConfig(archive=archive.root, registry=tmp_path / "agencies.yaml", compliance_years=(2022,),
                           log_file=tmp_path / "var" / "collector.log")
    report = Pipeline(config, stored).run(REPARSE, datetime(2023, 6, 2, 2, tzinfo=config.timezone))
    assert (report.status, report.crawl_run_id, report.events) == (OK, None, [])
    reparse_log = (tmp_path / "var" / "reparse.log").read_text(encoding="utf-8")
    assert "3 unchanged, 0 failed" in reparse_log, reparse_log  # every document parsed again (--force)
    with stored.reading() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM compliance WHERE year = 2022").scalar() == 5


HANGS = [sys.executable, "-c", "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
         "print('ignoring SIGTERM', flush=True); signal.pause()"]  # a hung crawl: only SIGKILL ends it


def test_a_crawl_over_its_time_limit_is_terminated_then_killed(tmp_path: Path) -> None:
    result = run_command(HANGS, env=os.environ, time_limit=timedelta(seconds=0.5), log_path=tmp_path / "hang.log",
                         stop=threading.Event(), tick=0.05, grace=timedelta(seconds=0.3))
    assert result.timed_out and not result.stopped and not result.ok
    assert result.exit_code == -signal.SIGKILL
    assert result.log_tail == ["ignoring SIGTERM"]
