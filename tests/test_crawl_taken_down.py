"""A report taken down between two crawls: the second crawl asks for it again, notes it gone, and compliance
marks the report ``removed``; reports still listed are fetched once, as usual, and nothing is asked twice.

The farm's timeline draws which reports are taken down and when (3 %); seed 1 takes down two 2024
reports on 2025-08-14, one on a government portal and one on a department's. The crawls run the day
before and the day after.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from crawl_support import ServerProbe, Workspace

from collector.compliance.engine import Filters
from collector.compliance.run import run_compliance
from collector.sample.portal import SamplePortal
from storage.db import open_database

SEED, AGENCIES = 1, 12


def _taken_down(portal: SamplePortal) -> list[dict]:
    agencies = {row["agency"]: row for row in portal.manifest() if row["row"] == "agency"}
    return [row for row in portal.manifest() if row["row"] == "url" and row.get("removed_on") and row["is_report"]
            and row["kind"] == "report" and not agencies[row["site"]]["blocked"] and row["report_year"] == 2024]


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    portal = SamplePortal(agencies=AGENCIES, seed=SEED, fault_rate=0)
    probe = ServerProbe()
    probe.install(portal)
    with portal:
        removed = _taken_down(portal)
        assert removed, "the seed no longer takes a 2024 report down: pick another"
        day = date.fromisoformat(removed[0]["removed_on"])
        sites = sorted({row["site"] for row in removed if row["removed_on"] == removed[0]["removed_on"]})
        workspace = Workspace(tmp_path_factory.mktemp("taken-down"))
        portal.write_registry(workspace.registry)
        agencies = [argument for site in sites for argument in ("--agency", site)]
        results, requests = [], []
        for as_of in (day - timedelta(days=1), day + timedelta(days=1)):
            portal.as_of = as_of
            before = len(probe.requests)
            results.append(workspace.crawl("--years", "2023-2024", *agencies))
            requests.append(probe.requests[before:])
        yield workspace, [row for row in removed if row["site"] in sites], results, requests


def _gone(workspace: Workspace, run: int) -> dict[str, list[str] | None]:
    import json

    return {agency: json.loads(gone) if gone else gone for agency, gone in
            workspace.query("SELECT agency_id, gone FROM crawl_outcomes WHERE crawl_run_id = ?", run)}


def test_both_crawls_succeed(crawls):
    assert [result.returncode for result in crawls[2]] == [0, 0], crawls[2][-1].stderr[-3000:]


def test_the_first_crawl_stores_the_report_and_finds_nothing_gone(crawls):
    workspace, removed = crawls[0], crawls[1]
    assert {row["url"] for row in removed} <= set(workspace.documents())
    assert all(gone == [] for gone in _gone(workspace, 1).values())


def test_the_second_crawl_finds_the_report_gone(crawls):
    workspace, removed = crawls[0], crawls[1]
    gone = _gone(workspace, 2)
    assert {url for urls in gone.values() for url in urls} == {row["url"] for row in removed}
    for row in removed:
        assert row["url"] in gone[row["site"]]


def test_the_taken_down_reports_are_asked_for_once_more_and_nothing_twice(crawls):
    removed, requests = crawls[1], crawls[3]
    second = [(host, target) for host, method, target, _ in requests[1] if method == "GET"]
    assert len(second) == len(set(second))
    asked = {(row["host"], row["url"].split(row["host"], 1)[1].split("/", 1)[1]) for row in removed}
    assert {(host, "/" + path) for host, path in asked} <= set(second)


def test_compliance_marks_the_report_removed(crawls):
    workspace, removed = crawls[0], crawls[1]
    database = open_database(workspace.db_url)
    try:  # judged today: after both crawls, whose outcomes carry today's date whatever the farm's day was
        after = {row["agency_id"]: row for row in run_compliance(database, Filters(2024, date.today()),
                                                                   store=False).rows}
        owners = {row["agency"] for row in removed}
        assert owners and all(after[owner]["removed"] for owner in owners)
        assert not any(row["removed"] for agency, row in after.items() if agency not in owners)
    finally:
        database.close()
