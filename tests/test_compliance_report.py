"""``collector compliance`` on stored reports and crawl outcomes: statuses as of several dates, outputs."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

from openpyxl import load_workbook
from typer.testing import CliRunner

from collector.cli import app
from collector.compliance.engine import Filters
from collector.compliance.run import run_compliance
from compliance_support import HOSTILE_URL

def _statuses(db, as_of: date) -> dict[str, tuple]:
    rows = run_compliance(db, Filters(2022, as_of)).rows
    return {row["agency_id"]: (row["status"], row["days_late"]) for row in rows}


def test_before_the_deadlines_nothing_is_due_yet(stored):
    assert set(_statuses(stored, date(2023, 1, 10)).values()) == {("not_yet_due", None)}


def test_just_after_the_department_deadline(stored):
    assert _statuses(stored, date(2023, 2, 15)) == {
        "dept-on-time": ("on_time", 0), "dept-missing": ("missing", None), "dept-blocked": ("unknown", None),
        "gov-late": ("not_yet_due", None), "town": ("not_yet_due", None)}


def test_months_after(stored):
    assert _statuses(stored, date(2023, 6, 30)) == {
        "dept-on-time": ("on_time", 0), "dept-missing": ("missing", None), "dept-blocked": ("unknown", None),
        "gov-late": ("late", 10), "town": ("on_time", 0)}


def test_evidence_and_assumed_deadline_are_reported(stored):
    rows = {row["agency_id"]: row for row in run_compliance(stored, Filters(2022, date(2023, 6, 30))).rows}
    assert rows["dept-on-time"]["evidence"] in ("page_meta", "page_line")
    assert rows["dept-on-time"]["published_at"] == "2023-01-20"
    assert rows["town"]["deadline_assumed"] is True and rows["dept-on-time"]["deadline_assumed"] is False


def test_region_and_kind_filters(stored):
    rows = run_compliance(stored, Filters(2022, date(2023, 6, 30), region="410782", kind="department")).rows
    assert {row["agency_id"] for row in rows} == {"dept-missing", "dept-blocked"}


def test_json_csv_and_xlsx_outputs(stored, db_url, tmp_path):
    runner = CliRunner()
    base = ["compliance", "--year", "2022", "--as-of", "2023-06-30", "--db", db_url, "--agencies", str(tmp_path / "agencies.yaml")]
    rows = json.loads(runner.invoke(app, [*base, "--format", "json"]).stdout)
    assert {"agency_id", "agency", "year", "deadline", "status", "published_at", "days_late", "report_url",
            "findings"} <= set(rows[0])
    table = list(csv.DictReader(io.StringIO(runner.invoke(app, [*base, "--format", "csv"]).stdout)))
    town = next(row for row in table if row["agency_id"] == "town")
    assert town["report_url"] == "'" + HOSTILE_URL  # a spreadsheet shows it as text, never runs it
    workbook_path = tmp_path / "c.xlsx"
    assert runner.invoke(app, [*base, "--format", "xlsx", "--out", str(workbook_path)]).exit_code == 0
    workbook = load_workbook(workbook_path)
    assert workbook.sheetnames == ["agencies", "by_region", "by_level", "by_kind"]
    urls = [cell.value for cell in workbook["agencies"]["Q"]]
    assert "'" + HOSTILE_URL in urls and HOSTILE_URL not in urls


def test_html_escapes_portal_text(stored, db_url, tmp_path):
    path = tmp_path / "c.html"
    result = CliRunner().invoke(app, ["compliance", "--year", "2022", "--as-of", "2023-06-30", "--db", db_url,
                                      "--format", "html", "--out", str(path)])
    assert result.exit_code == 0, result.output
    html = path.read_text(encoding="utf-8")
    assert 'href="=HYPERLINK' not in html  # only http(s) URLs become links
    assert "&lt;script&gt;alert(&quot;owned&quot;)" in html  # the portal's title is shown, inert
    assert "<script>alert" not in html
    assert "甲市人民政府" in html and "late" in html
