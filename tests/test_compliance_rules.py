"""Deadlines, publication-date evidence and agency-year status: the legal rules, case by case."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from collector.compliance.deadlines import deadline_for
from collector.compliance.engine import ReportCopy, taken_down
from collector.compliance.evidence import Evidence, decide, url_date
from collector.compliance.status import judge


@pytest.mark.parametrize("kind, year, override, due, assumed", [
    ("department", 2021, None, date(2022, 1, 31), False),
    ("government", 2021, None, date(2022, 3, 31), False),
    ("department", 2018, None, date(2019, 3, 31), False),   # 2007 条例: 31 March for everyone
    ("township", 2022, None, date(2023, 3, 31), True),
    ("other", 2022, None, date(2023, 3, 31), True),
    ("department", 2022, "02-20", date(2023, 2, 20), False),
])
def test_deadlines(kind, year, override, due, assumed):
    deadline = deadline_for(kind, year, override)
    assert (deadline.due, deadline.assumed) == (due, assumed)


def test_township_deadline_from_registry_defaults():
    assert deadline_for("township", 2022, township_deadline="02-20").due == date(2023, 2, 20)


def test_bad_override_is_a_clear_error():
    with pytest.raises(ValueError, match="MM-DD"):
        deadline_for("department", 2022, "Jan 31")


DUE = date(2024, 1, 31)


@pytest.mark.parametrize("as_of, published, health, status, days", [
    (date(2024, 1, 10), None, "no_report_found", "not_yet_due", None),
    (date(2024, 1, 10), date(2024, 1, 5), "ok", "on_time", 0),
    (date(2024, 6, 1), date(2024, 1, 31), "ok", "on_time", 0),
    (date(2024, 6, 1), date(2024, 2, 10), "ok", "late", 10),
    (date(2024, 2, 5), date(2024, 2, 10), "ok", "missing", None),    # not published yet as of that date
    (date(2024, 6, 1), None, "no_report_found", "missing", None),
    (date(2024, 6, 1), None, "blocked", "unknown", None),
    (date(2024, 6, 1), None, "unreachable", "unknown", None),
    (date(2024, 6, 1), None, "robots_denied", "unknown", None),
    (date(2024, 6, 1), None, None, "unknown", None),
])
def test_status(as_of, published, health, status, days):
    judged = judge(DUE, as_of, published, health)
    assert (judged.status, judged.days_late) == (status, days)


def test_evidence_ranking_and_conflicts():
    decision = decide([Evidence("url_date", date(2024, 1, 20)), Evidence("list_date", date(2024, 1, 25)),
                       Evidence("page_meta", date(2024, 1, 26)), Evidence("first_seen", date(2024, 2, 1))])
    assert (decision.date, decision.source, decision.no_later_than) == (date(2024, 1, 26), "page_meta", False)
    assert any(c.startswith("list_date") for c in decision.conflicts)
    assert any(c.startswith("url_date") for c in decision.conflicts)
    assert [e.source for e in decision.evidence] == ["page_meta", "list_date", "url_date", "first_seen"]


def test_first_seen_only_says_no_later_than():
    decision = decide([Evidence("first_seen", date(2024, 2, 1))])
    assert decision.no_later_than and decision.date == date(2024, 2, 1)


@pytest.mark.parametrize("url, found", [
    ("http://x.gov.cn/zwgk/zfxxgknb/202401/t20240125_123456.html", date(2024, 1, 25)),
    ("http://x.gov.cn/art/2024/1/25/art_1229_123.html", date(2024, 1, 25)),
    ("https://shanghai.gov.cn/nw12344/20240329/d777.html", date(2024, 3, 29)),
    ("http://x.gov.cn/col/col123/index.html", None),
    ("http://x.gov.cn/202413/t20241399_1.html", None),
])
def test_url_dates(url, found):
    assert url_date(url) == found


def _copy(url: str, parent: str | None = None) -> ReportCopy:
    return ReportCopy(1, 1, url, datetime(2025, 2, 1, tzinfo=UTC), None, {}, None, parent)


PAGE, FILE, MOVED = "http://a.gov.cn/nb/2024.html", "http://a.gov.cn/nb/2024.pdf", "http://a.gov.cn/new/2024.html"


@pytest.mark.parametrize("copies, gone, removed", [
    ([_copy(PAGE), _copy(FILE, PAGE)], {PAGE}, True),             # the page is gone, its file with it
    ([_copy(PAGE), _copy(FILE, PAGE)], {FILE}, False),            # only the file: the page still stands
    ([_copy(PAGE), _copy(MOVED)], {PAGE}, False),                 # moved: a copy at a new address is there
    ([_copy(PAGE)], set(), False),
])
def test_a_report_is_removed_when_every_copy_is_gone(copies, gone, removed):
    assert taken_down(copies, frozenset(gone)) is removed
