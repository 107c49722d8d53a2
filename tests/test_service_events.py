"""Events: which changes between two judgments make which event, portal failure streaks, and the snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from collector.service.config import ServiceConfig
from collector.service.events import (
    BECAME_LATE,
    BECAME_MISSING,
    PORTAL_BLOCKED,
    PORTAL_UNREACHABLE,
    REPORT_APPEARED,
    REPORT_REMOVED,
    REPORT_REVISED,
    describe,
    failure_changes,
    status_changes,
)
from collector.service.snapshot import snapshot
from storage.db import Database
from storage.events import failure_streaks, list_events
from storage.models import Agency, CrawlOutcome, CrawlRun
from storage.runs import last_run_id

KEY = ("a", 2024)


def _row(status: str, report_id: int | None = None, revised: tuple[str, ...] = (), removed: bool = False) -> dict:
    return {"agency_id": "a", "year": 2024, "status": status, "report_id": report_id, "deadline": "2025-01-31",
            "published_at": "2025-03-02" if report_id else None, "days_late": 30 if status == "late" else None,
            "report_url": "http://a.example/nb.html" if report_id else None, "revised": list(revised),
            "removed": removed}


def _before(status: str, report_id: int | None = None, revised: tuple[str, ...] = (), removed: bool = False) -> dict:
    return {"status": status, "report_id": report_id, "days_late": None, "published_at": None,
            "revised": list(revised), "removed": removed}


def _kinds(row: dict, before: dict | None) -> list[str]:
    return [change.kind for change in status_changes([row], {KEY: before} if before else {})]


def test_the_first_judgment_is_the_baseline() -> None:
    assert _kinds(_row("late", report_id=1), None) == []


@pytest.mark.parametrize(("row", "before", "kinds"), [
    (_row("late", 1), _before("missing"), [REPORT_APPEARED, BECAME_LATE]),
    (_row("on_time", 1), _before("not_yet_due"), [REPORT_APPEARED]),
    (_row("missing"), _before("not_yet_due"), [BECAME_MISSING]),
    (_row("late", 1, revised=("2025-05-01",)), _before("late", 1), [REPORT_REVISED]),
    (_row("late", 1, removed=True), _before("late", 1), [REPORT_REMOVED]),
    (_row("late", 1, revised=("2025-05-01",), removed=True), _before("late", 1, ("2025-05-01",), True), []),
    (_row("missing"), _before("missing"), []),
    (_row("unknown"), _before("missing"), []),
])
def test_changes_make_events(row: dict, before: dict, kinds: list[str]) -> None:
    assert _kinds(row, before) == kinds


def test_an_event_says_what_changed() -> None:
    [change] = status_changes([_row("missing")], {KEY: _before("not_yet_due")})
    assert change.detail["previous_status"] == "not_yet_due" and change.detail["status"] == "missing"
    assert describe(change.kind, change.detail) == "missing: the deadline 2025-01-31 passed and no report was found"
    [appeared, late] = status_changes([_row("late", 1)], {KEY: _before("missing")})
    assert describe(appeared.kind, appeared.detail) == "report appeared, published 2025-03-02 (late, 30 days late)"
    assert describe(late.kind, late.detail) == "late: published 2025-03-02, 30 days after the deadline 2025-01-31"


def _crawls(db: Database, nights: list[dict[str, str]]) -> list[int]:
    """One crawl run per night with the given outcome per agency; returns the run ids."""
    ids = []
    with db.session() as session, session.begin():
        for agency in sorted({agency for night in nights for agency in night}):
            session.add(Agency(id=agency, name=agency, kind="department", level="county", portal="http://x.example/",
                               synced_at=datetime.now(UTC)))
        for day, night in enumerate(nights):
            moment = datetime(2025, 3, 1, 2, tzinfo=UTC) + timedelta(days=day)
            run = CrawlRun(kind="crawl", started_at=moment, finished_at=moment, status="finished")
            session.add(run)
            session.flush()
            ids.append(run.id)
            session.add_all(CrawlOutcome(crawl_run_id=run.id, agency_id=agency, status=status, reason=f"{status} {day}",
                                         started_at=moment, finished_at=moment, duration_s=1.0)
                            for agency, status in night.items())
    return ids


def test_a_failing_portal_makes_one_event_when_the_streak_reaches_the_threshold(db: Database) -> None:
    nights = [{"u": "unreachable", "b": "ok"}, {"u": "unreachable", "b": "blocked"}, {"b": "blocked"},
              {"u": "unreachable", "b": "blocked"}, {"u": "unreachable", "b": "blocked"},
              {"u": "ok", "b": "unreachable"}]
    runs = _crawls(db, nights)
    events = []
    for run_id in runs:
        with db.reading() as connection:
            events.append(failure_changes(failure_streaks(connection, run_id, ("unreachable", "blocked"), 4), 3))
    kinds = [[(change.kind, change.agency_id, change.detail["nights"]) for change in night] for night in events]
    # "u": night 3 did not crawl it, so its streak goes on; "b": blocked three crawls in a row on night 4, once.
    assert kinds == [[], [], [], [(PORTAL_BLOCKED, "b", 3), (PORTAL_UNREACHABLE, "u", 3)], [], []]
    assert events[3][1].detail["reason"] == "unreachable 3"
    assert describe(PORTAL_BLOCKED, events[3][0].detail) == "portal blocked 3 crawls in a row: blocked 3"


def test_the_snapshot_stores_the_changes_since_the_last_one(stored: Database, tmp_path: Path) -> None:  # noqa: F811
    config = ServiceConfig(registry=tmp_path / "agencies.yaml", compliance_years=(2022,), failure_nights=2)
    first = snapshot(stored, config, datetime(2023, 3, 15, 2, tzinfo=UTC), crawl_run_id=None)
    assert first == []
    second_night = datetime(2023, 6, 2, 2, tzinfo=UTC)
    last_crawl = last_run_id(stored)
    second = snapshot(stored, config, second_night, crawl_run_id=last_crawl)
    found = {(event.kind, event.agency_id) for event in second}
    assert found == {(BECAME_LATE, "gov-late"), (PORTAL_BLOCKED, "dept-blocked")}
    late = next(event for event in second if event.kind == BECAME_LATE)
    assert late.agency == "甲市人民政府" and late.year == 2022 and late.crawl_run_id == last_crawl
    assert late.detail["previous_status"] == "not_yet_due" and late.detail["published_at"] == "2023-04-10"
    assert late.occurred_at == second_night
    assert [event.id for event in list_events(stored, since=second_night)] == [event.id for event in second]
    assert snapshot(stored, config, second_night + timedelta(days=1), crawl_run_id=None) == []
