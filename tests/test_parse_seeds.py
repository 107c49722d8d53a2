"""The five seed reports, each against a record written by hand from reading the document."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import parse_file

SEEDS = Path(__file__).parent / "fixtures" / "seeds"
# Column order as record.md lists it (written here, not imported from the parser under test).
REQUEST_COLUMNS = ["natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                   "legal_service_org", "other_org", "total"]
REVIEW_COLUMNS = ["upheld", "corrected", "other", "pending", "total"]
PROACTIVE_COLUMNS = {
    "2021": {"regulations": ["issued", "repealed", "in_force"], "normative_documents": ["issued", "repealed", "in_force"],
             "administrative_licensing": ["decisions"], "administrative_penalty": ["decisions"],
             "administrative_coercion": ["decisions"], "administrative_fees": ["amount_yuan"]},
    "2019": {"regulations": ["new_made", "new_published", "total_published"],
             "normative_documents": ["new_made", "new_published", "total_published"],
             "administrative_licensing": ["previous_items", "change", "decisions"],
             "other_external_services": ["previous_items", "change", "decisions"],
             "administrative_penalty": ["previous_items", "change", "decisions"],
             "administrative_coercion": ["previous_items", "change", "decisions"],
             "administrative_fees": ["previous_items", "change"],
             "government_procurement": ["projects", "amount_yuan"]},
}
CASES = sorted(path.stem for path in SEEDS.glob("*.txt"))


def _expected(name: str) -> dict:
    return json.loads((SEEDS / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=CASES)
def case(request) -> tuple[dict, dict]:
    return parse_file(SEEDS / f"{request.param}.txt"), _expected(request.param)


def test_every_seed_has_a_hand_written_record():
    assert CASES and all((SEEDS / f"{name}.expected.json").exists() for name in CASES)


@pytest.mark.parametrize("key", ["title", "agency", "year", "format", "published_at"])
def test_identity(case, key):
    record, expected = case
    assert record[key] == expected[key]


def test_sections(case):
    record, expected = case
    assert sorted(key for key, present in record["sections"].items() if present) == sorted(expected["sections"])


def test_requests_table(case):
    record, expected = case
    rows = {key: dict(zip(REQUEST_COLUMNS, values)) for key, values in expected["requests"].items()}
    assert record["tables"]["requests"] == rows


def test_review_table(case):
    record, expected = case
    groups = {key: dict(zip(REVIEW_COLUMNS, values)) for key, values in expected["review_litigation"].items()}
    assert record["tables"]["review_litigation"] == groups


def test_proactive_table(case):
    record, expected = case
    columns = PROACTIVE_COLUMNS[expected["format"]]
    rows = {key: dict(zip(columns[key], values)) for key, values in expected["proactive"].items()}
    assert record["tables"]["proactive"] == rows


def test_findings(case):
    record, expected = case
    assert sorted((f["code"], f["where"]) for f in record["findings"]) == sorted(map(tuple, expected["findings"]))


def test_every_null_cell_has_a_finding(case):
    record, _ = case
    places = {f["where"] for f in record["findings"]}
    for table, rows in record["tables"].items():
        for row, cells in rows.items():
            for column, value in cells.items():
                where = f"{table}.{row}.{column}"
                if value is None:
                    assert where in places or f"{table}.{row}" in places, where
