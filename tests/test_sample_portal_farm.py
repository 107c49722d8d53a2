"""The farm without sockets: agencies, timeline, as-of filtering, determinism, registry, manifest."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sample_portal_support import COVERAGE, COVERAGE_SEED, FAMILY_PAGING

from collector.registry import load_registry
from collector.sample.portal import manifest
from collector.sample.portal.agencies import FAMILIES, Roster
from collector.sample.portal.bodies import REPORT_LAYOUTS
from collector.sample.portal.chrome import ENCODINGS
from collector.sample.portal.config import FarmConfig
from collector.sample.portal.families import FAMILY_CLASSES
from collector.sample.portal.farm import Farm
from collector.sample.portal.faults import FAULTS
from collector.sample.portal.plan import DISTRACTORS, HOSTILE_PREFIX
from collector.sample.portal.protocol import Request
from collector.sample.portal.site import KINDS
from collector.sample.portal.timeline import deadline, template_for

PORT = 8765


def fetch(farm: Farm, url_row: dict) -> tuple[int, bytes]:
    target = url_row["url"].split(f":{PORT}", 1)[1]
    body = (url_row["body"] or "").encode()
    response = farm.handle(Request(url_row["method"], target, {"host": url_row["host"]}, body))
    return response.status, response.body


@pytest.fixture(scope="module")
def coverage_farm() -> Farm:
    return Farm(FarmConfig(agencies=len(COVERAGE), seed=COVERAGE_SEED, fault_rate=0, overrides=COVERAGE))


@pytest.fixture(scope="module")
def coverage_rows(coverage_farm: Farm) -> list[dict]:
    return list(manifest.rows(coverage_farm, PORT))


def test_family_registry_matches_the_agency_draw():
    assert set(FAMILY_CLASSES) == set(FAMILIES)


def test_agencies_route_by_host_and_form_clusters():
    roster = Roster(FarmConfig(agencies=200, seed=3))
    ids = [agency.id for agency in roster]
    assert len(set(ids)) == len(ids)
    for agency in roster:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)?-\d+", agency.id)
        assert roster.for_host(agency.host) is agency
        assert agency.region is None if agency.level == "national" else re.fullmatch(r"\d{6}", agency.region)
        if agency.parent is not None:
            parent = roster[agency.parent]
            assert parent.kind == "government" and agency in roster.children(parent)
    assert roster.for_host("nowhere.sample.test") is None
    assert roster.for_host(roster[5].host.replace(".sample.test", ".example.com")) is None
    assert roster.for_host(roster[5].host.replace("-5.", "-6.")) is None  # the index must match the name
    assert {agency.kind for agency in roster} == {"government", "department", "township"}


def test_deadlines_follow_the_regulation():
    assert deadline("department", 2023) == date(2024, 1, 31)
    assert deadline("government", 2023) == date(2024, 3, 31)
    assert deadline("township", 2023) == date(2024, 3, 31)
    assert deadline("department", 2018) == date(2019, 3, 31)  # 2007 条例: everyone by 31 March
    assert [template_for(year) for year in (2018, 2019, 2020, 2021)] == ["legacy", "2019", "2019", "2021"]


def test_timeline_rows_are_consistent(coverage_rows):
    timeline = [row for row in coverage_rows if row["row"] == "timeline"]
    assert {row["status"] for row in timeline} == {"on_time", "late", "never"}
    for row in timeline:
        if row["status"] == "never":
            assert row["pub_date"] is None and row["url"] is None and not row["listed"]
        elif row["status"] == "late":
            assert row["pub_date"] > row["deadline"] and row["days_late"] > 0
        else:
            assert row["pub_date"] <= row["deadline"] and row["days_late"] is None
        if row["listed"]:
            assert row["pub_date"] <= "2025-06-30"


def test_coverage_farm_has_every_family_paging_layout_encoding_and_fault(coverage_rows):
    agencies = [row for row in coverage_rows if row["row"] == "agency"]
    assert {(row["family"], row["paging"]) for row in agencies} >= set(FAMILY_PAGING)
    assert {row["tree"] for row in agencies} == {"flat", "years", "units"}
    assert {row["encoding"] for row in agencies} == set(ENCODINGS)
    assert {fault for row in agencies for fault in row["faults"]} == set(FAULTS)
    reports = [row for row in coverage_rows if row["row"] == "url" and row["kind"] == "report"]
    assert {row["layout"] for row in reports} >= set(REPORT_LAYOUTS) | {"legacy_html"}
    assert {row["template"] for row in reports} == {"legacy", "2019", "2021"}
    assert {row["date_style"] for row in reports} >= {"meta", "visible", "list", "signature", "url"}
    assert {row["kind"] for row in coverage_rows if row["row"] == "url"} == set(KINDS)
    distractors = {row["distractor"] for row in coverage_rows if row["row"] == "url" and row["kind"] == "distractor"}
    assert distractors == set(DISTRACTORS)
    assert any(row["duplicate_of"] for row in reports) and any(row["mirror_of"] for row in reports)
    assert any(not row["in_window"] for row in reports)  # a 2025 report beside the 2018–2024 window


def test_every_manifest_url_answers(coverage_farm, coverage_rows):
    """Every URL answers as listed; those behind a gate fault are checked in test_sample_portal_faults."""
    answering = {row["agency"] for row in coverage_rows
                 if row["row"] == "agency" and {"deleted_refresh", "soft_404"} & set(row["faults"])}
    for row in coverage_rows:
        if row["row"] != "url" or row["faults"] or row["kind"] in ("attachment", "image"):
            continue  # rendering every file is slow; test_sample_portal_parse fetches them
        status, body = fetch(coverage_farm, row)
        want = {"moved": 301, "trap": None, "gone": 200 if row["site"] in answering else 404}.get(row["kind"], 200)
        assert want is None or status == want, row["url"]
        if status == 200 and row["kind"] in ("report", "distractor"):
            assert body


def test_report_rows_carry_their_truth(coverage_rows):
    for row in coverage_rows:
        if row["row"] != "url" or not row["is_report"]:
            continue
        assert row["report_year"] and row["pub_date"] and row["template"]
        if row["payload"]:
            assert set(row["tables"]) == {"proactive", "requests", "review_litigation"}
            assert row["expected_internal_errors"] is not None
        if row["publisher_error"]:
            assert any(finding["code"] == "identity_mismatch" for finding in row["expected_internal_errors"] or [{"code": "identity_mismatch"}])


def test_one_hostile_title_that_the_portal_serves_escaped(coverage_farm, coverage_rows):
    hostile = [row for row in coverage_rows if row["row"] == "url" and row.get("hostile") and row["kind"] == "report"]
    assert len({row["title"] for row in hostile}) == 1
    row = hostile[0]
    assert row["title"].startswith(HOSTILE_PREFIX) and row["template"] != "legacy"
    _, body = fetch(coverage_farm, row)
    assert b"<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;".encode() in body


def test_same_seed_same_bytes_and_another_seed_differs():
    config = FarmConfig(agencies=16, seed=21, overrides={3: {"family": "trs", "layouts": ("pdf", "html_word")}})
    first, second = Farm(config), Farm(config)
    rows = [row for row in manifest.rows(first, PORT) if row["row"] == "url" and row["site"] in (first.roster[3].id,
                                                                                                 first.roster[4].id)]
    assert rows == [row for row in manifest.rows(second, PORT)
                    if row["row"] == "url" and row["site"] in (first.roster[3].id, first.roster[4].id)]
    for row in rows:
        assert fetch(first, row) == fetch(second, row), row["url"]
    other = Farm(FarmConfig(agencies=16, seed=22))
    assert other.roster[3].id != first.roster[3].id or fetch(other, rows[0]) != fetch(first, rows[0])


def test_as_of_decides_what_is_listed_revised_and_removed():
    farm = Farm(FarmConfig(agencies=120, seed=5, fault_rate=0, as_of=date(2021, 2, 1)))
    early = [row for row in manifest.rows(farm, PORT) if row["row"] == "url" and row["kind"] == "report"]
    assert early and all(row["pub_date"] <= "2021-02-01" for row in early)
    assert {row["report_year"] for row in early} <= {2017, 2018, 2019, 2020}

    farm.set_as_of(date(2026, 6, 30))
    late = {row["url"]: row for row in manifest.rows(farm, PORT) if row["row"] == "url"}
    assert {row["report_year"] for row in late.values() if row["kind"] == "report"} >= {2021, 2024, 2025}
    gone = [row for row in late.values() if row["kind"] == "gone"]
    assert gone and all(row["removed_on"] <= "2026-06-30" for row in gone)
    assert fetch(farm, gone[0])[0] == 404

    revised = next(row for row in late.values() if row["kind"] == "report" and row["version"] == "revised"
                   and row["payload"])
    assert revised["publisher_error"] is None
    farm.set_as_of(date.fromisoformat(revised["revised_on"]) - timedelta(days=1))
    before = {row["url"]: row for row in manifest.rows(farm, PORT) if row["row"] == "url"}[revised["url"]]
    assert before["version"] == "original" and before["publisher_error"]
    assert before["tables"] != revised["tables"]


def test_registry_follows_the_registry_format(tmp_path):
    farm = Farm(FarmConfig(agencies=600, seed=7, overrides={2: {"faults": ("http_only",)},
                                                          3: {"family": "trs", "faults": ("column_moved",)},
                                                          4: {"family": "trs", "faults": ("no_trailing_slash",)}}))
    path = tmp_path / "agencies.yaml"
    assert manifest.write_registry(farm, PORT, path) == 600
    registry = load_registry(path)  # the project's own validator: raises listing every problem
    assert registry.allow_private_hosts is True
    by_id = {entry.id: entry for entry in registry.agencies}
    assert {entry.level for entry in registry.agencies} == {"national", "province", "prefecture", "county", "township"}
    for entry in registry.agencies:
        assert re.fullmatch(rf"https?://{entry.id}\.sample\.test:{PORT}/", entry.portal)
        assert all(page.startswith(entry.portal) for page in entry.report_pages)
    assert by_id[farm.roster[2].id].portal.startswith("https://")
    assert by_id[farm.roster[3].id].report_pages[0].endswith("/zwgk/zfxxgknb/")
    assert not by_id[farm.roster[4].id].report_pages[0].endswith("/")
    assert any(entry.report_pages for entry in registry.agencies[5:])
    assert any(not entry.report_pages for entry in registry.agencies)
