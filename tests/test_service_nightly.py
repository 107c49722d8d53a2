"""The proof of the service: two nights of the real pipeline against a sample farm whose clock moves on.

Night 1 sees the farm in mid-February (the departments' deadline has passed, the governments' has
not); night 2 sees it at the end of June. The job functions are called with explicit run times, one
day apart, so nothing waits for cron. The events of night 2 must be exactly the farm's ground
truth: every report published between the two farm days appeared, and those published after their
deadline turned the agency late. While night 2 crawls (the farm holds its requests meanwhile, so the
crawl cannot end early), a second process on the same database asks for a crawl and is refused by
the pipeline lock.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from collector.sample.portal import SamplePortal
from collector.sample.portal.protocol import Request, Response
from collector.service.config import load_config
from collector.service.events import BECAME_LATE, REPORT_APPEARED
from collector.service.jobs import CRAWL, OK, JobReport, Pipeline
from collector.service.lock import NAME as LOCK_NAME
from service_support import COLLECTOR, FAST_CRAWL, write_config
from storage.db import open_database
from storage.events import list_events
from storage.locks import lock_state
from storage.runs import first_crawl_after, last_run_id
from storage_checks import wait_until

YEAR = 2024
NIGHT_1_FARM_DAY = date(2025, 2, 15)
NIGHT_2_FARM_DAY = date(2025, 6, 30)


class Gate:
    """While closed, the farm holds every request it gets, so a crawl in progress cannot end."""

    def __init__(self, portal: SamplePortal) -> None:
        self.opened = threading.Event()
        self.opened.set()
        self.holding = threading.Event()  # a request is being held
        handle = portal.farm.handle

        def gated(request: Request) -> Response:
            if not self.opened.is_set():
                self.holding.set()
                self.opened.wait(timeout=120)
            return handle(request)

        portal.farm.handle = gated  # before start(): connections bind the handler when they open


@pytest.fixture
def gated_farm() -> Iterator[tuple[SamplePortal, Gate]]:
    portal = SamplePortal(agencies=12, seed=7, as_of=NIGHT_1_FARM_DAY, fault_rate=0)
    gate = Gate(portal)
    with portal:
        yield portal, gate


def _expected(portal: SamplePortal) -> tuple[set[str], set[str]]:
    """From the manifest: agencies whose report of YEAR was published between the two farm days, and those of
    them published late."""
    appeared, late = set(), set()
    for row in portal.manifest():
        if row["row"] == "timeline" and row["report_year"] == YEAR and row["pub_date"]:
            if NIGHT_1_FARM_DAY < date.fromisoformat(row["pub_date"]) <= NIGHT_2_FARM_DAY:
                appeared.add(row["agency"])
                if row["status"] == "late":
                    late.add(row["agency"])
    return appeared, late


def test_two_nights_record_the_changes_while_a_second_process_is_kept_out(gated_farm, tmp_path: Path) -> None:
    farm, gate = gated_farm
    farm.write_registry(tmp_path / "agencies.yaml")
    config_path = write_config(tmp_path / "service.yaml", {
        "database": f"sqlite:///{tmp_path / 'collector.db'}", "archive": str(tmp_path / "archive"),
        "registry": str(tmp_path / "agencies.yaml"), "log_file": str(tmp_path / "var" / "collector.log"),
        "crawl": {"years": str(YEAR), "settings": FAST_CRAWL, "time_limit": "5m"},
        "compliance": {"years": [YEAR]}})
    config = load_config(config_path)
    database = open_database(config.database)
    pipeline = Pipeline(config, database)
    first_night = datetime.now(config.timezone).replace(hour=2, minute=0, second=0, microsecond=0)

    night_1 = pipeline.run(CRAWL, first_night)
    assert night_1.status == OK, night_1.message
    assert night_1.events == []  # the first judgment of each agency-year is the baseline

    farm.as_of = NIGHT_2_FARM_DAY
    runs_before = last_run_id(database)
    outcome: list[JobReport] = []
    night_2 = threading.Thread(target=lambda: outcome.append(pipeline.run(CRAWL, first_night + timedelta(days=1))))
    gate.opened.clear()
    night_2.start()
    try:
        wait_until(gate.holding.is_set, timeout=60, what="night 2's crawl to ask the farm for a page")
        assert first_crawl_after(database, runs_before) is not None
        second = subprocess.run([str(COLLECTOR), "schedule", "run-now", "crawl", "--config", str(config_path)],
                                capture_output=True, text=True, timeout=120, cwd=tmp_path)
        held = lock_state(database, LOCK_NAME)
    finally:
        gate.opened.set()
        night_2.join(timeout=300)
    assert second.returncode == 75, second.stdout + second.stderr
    assert "another process holds the pipeline lock" in second.stdout
    assert held is not None and f":{os.getpid()}:" in held.holder  # night 2 still held it when the second ended
    assert last_run_id(database) == runs_before + 1  # only night 2 crawled

    report = outcome[0]
    assert report.status == OK, report.message
    appeared, late = _expected(farm)
    assert appeared and late  # the farm's timeline makes both kinds of change
    by_kind = {kind: {event.agency_id for event in report.events if event.kind == kind}
               for kind in (REPORT_APPEARED, BECAME_LATE)}
    assert by_kind == {REPORT_APPEARED: appeared, BECAME_LATE: late}
    assert {event.kind for event in report.events} == {REPORT_APPEARED, BECAME_LATE}
    assert all(event.crawl_run_id == report.crawl_run_id and event.year == YEAR
               and event.occurred_at == first_night + timedelta(days=1) for event in report.events)
    late_event = next(event for event in report.events if event.kind == BECAME_LATE)
    assert late_event.detail["previous_status"] == "missing" and late_event.detail["days_late"] > 0

    listed = subprocess.run([str(COLLECTOR), "events", "--since", (first_night + timedelta(days=1)).date().isoformat(),
                             "--config", str(config_path)], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                            env={**os.environ, "COLUMNS": "200"})
    assert listed.returncode == 0, listed.stderr
    assert f"{len(report.events)} events" in listed.stdout
    assert all(agency in listed.stdout for agency in late)
    assert list_events(database, since=first_night + timedelta(days=2)) == []
    database.close()
