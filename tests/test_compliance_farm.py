"""Compliance driven by the sample portal's timeline: crawl a farm once, judge as of several dates.

Every status and days-late figure must equal what the farm's manifest says was true on that date:
on time, late (by how many days), missing, not yet due, and unknown for the hosts a polite crawler
cannot read (blocked, robots-closed). The farm's hostile title must stay inert in the HTML report.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from crawl_support import SLOW_SECONDS, Workspace, truth

from collector.compliance.engine import Filters
from collector.compliance.html_report import write_html
from collector.compliance.outputs import write_csv
from collector.compliance.run import run_compliance
from collector.sample.portal import SamplePortal
from storage.db import open_database

YEAR = 2024
AS_OF_DATES = (date(2025, 1, 15), date(2025, 2, 10), date(2025, 6, 30))  # before, just after, months after


@pytest.fixture(scope="module")
def farm(tmp_path_factory):
    portal = SamplePortal(agencies=40, seed=21, as_of=date(2025, 6, 30), slow_seconds=SLOW_SECONDS,
                          first_year=YEAR - 1)  # the farm's hostile title lands in the crawled years
    with portal:
        workspace = Workspace(tmp_path_factory.mktemp("compliance-farm"))
        portal.write_registry(workspace.registry)
        result = workspace.crawl("--years", f"{YEAR - 1}-{YEAR}")
        assert result.returncode == 0, result.stderr[-2000:]
        yield workspace, truth(portal, range(YEAR - 1, YEAR + 1))


def _expected(agency: dict, timeline: dict, unreadable: bool, as_of: date) -> tuple[str, int | None]:
    deadline = date.fromisoformat(timeline["deadline"])
    published = date.fromisoformat(timeline["pub_date"]) if timeline["pub_date"] else None
    if not unreadable and published is not None and published <= as_of:
        return ("on_time", 0) if published <= deadline else ("late", (published - deadline).days)
    if as_of <= deadline:
        return "not_yet_due", None
    return ("unknown" if unreadable else "missing"), None


def _comparable(timeline: dict) -> bool:
    """Agency-years whose truth a single crawl on the farm's day can see: not removed or revised by then."""
    return not timeline.get("removed_on") and not timeline.get("revised_on")


@pytest.mark.parametrize("as_of", AS_OF_DATES, ids=str)
def test_statuses_and_days_late_equal_the_timeline(farm, as_of):
    workspace, manifest = farm
    database = open_database(workspace.db_url)
    try:
        rows = {row["agency_id"]: row for row in run_compliance(database, Filters(YEAR, as_of), store=False).rows}
    finally:
        database.close()
    timelines = {row["agency"]: row for row in manifest.rows if row["row"] == "timeline" and row["report_year"] == YEAR}
    compared = 0
    mismatches = []
    for agency_id, agency in manifest.agencies.items():
        timeline = timelines.get(agency_id)
        if timeline is None or not _comparable(timeline):
            continue
        expected = _expected(agency, timeline, manifest.unreadable(agency), as_of)
        got = (rows[agency_id]["status"], rows[agency_id]["days_late"])
        compared += 1
        if got != expected:
            mismatches.append((agency_id, expected, got, rows[agency_id]["evidence"], timeline.get("date_sources")))
    assert compared >= 30
    assert not mismatches


def test_every_status_occurs(farm):
    workspace, _ = farm
    database = open_database(workspace.db_url)
    try:
        statuses = {row["status"] for as_of in AS_OF_DATES
                    for row in run_compliance(database, Filters(YEAR, as_of), store=False).rows}
    finally:
        database.close()
    assert {"on_time", "late", "missing", "unknown", "not_yet_due"} <= statuses


def test_the_farms_hostile_title_stays_inert(farm, tmp_path):
    workspace, manifest = farm
    hostile = next(row for row in manifest.rows if row["row"] == "url" and row.get("hostile"))
    database = open_database(workspace.db_url)
    try:
        result = run_compliance(database, Filters(hostile["report_year"], date(2025, 6, 30)), store=False)
    finally:
        database.close()
    row = next(row for row in result.rows if row["agency_id"] == hostile["agency"])
    assert row["report_title"].startswith("=HYPERLINK")  # the crawl stored the title as printed
    page = tmp_path / "report.html"
    write_html(result.rows, result.rollups, result.records, page, "hostile")
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    stream = io.StringIO()
    write_csv(result.rows, stream)
    cells = next(line for line in csv.DictReader(io.StringIO(stream.getvalue())) if line["agency_id"] == hostile["agency"])
    assert cells["report_title"].startswith("'=HYPERLINK")
