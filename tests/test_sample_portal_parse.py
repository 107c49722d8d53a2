"""Served report bytes parse back, with the project's parser, to the manifest's expected tables."""

from __future__ import annotations

import pytest
from sample_portal_support import Client, coverage_portal

from parsers import parse_bytes

#: Text layouts the portal prints one ``<p>`` per line, as mirror sites flatten tables (portals.md §5).
LINE_LAYOUTS = ("pipes",)


@pytest.fixture(scope="module")
def portal():
    with coverage_portal() as running:
        yield running


@pytest.fixture(scope="module")
def payloads(portal) -> list[dict]:
    """One payload URL per (layout, encoding, template, publisher error, script) combination of the coverage farm."""
    chosen: dict[tuple, dict] = {}
    for row in portal.manifest():
        if row["row"] == "url" and row["payload"] and not row["faults"]:
            key = (row["layout"], row["encoding"], row["template"], row["publisher_error"], row["traditional"])
            chosen.setdefault(key, row)
    return list(chosen.values())


def mismatches(portal, rows: list[dict]) -> list[tuple]:
    """(layout, encoding, what differs, url) for every row whose served bytes do not parse to its truth."""
    client = Client(portal.port)
    failures = []
    for row in rows:
        reply = client.get_url(row["url"], method=row["method"])
        assert reply.status == 200, row["url"]
        record = parse_bytes(reply.body, url=row["url"])
        if record["tables"] != row["tables"]:
            differs = sorted(key for key in row["tables"] if record["tables"].get(key) != row["tables"][key])
            failures.append((row["layout"], row["encoding"], differs, row["url"]))
            continue
        produced = {(finding["code"], finding["where"]) for finding in record["findings"]}
        expected = {(finding["code"], finding["where"]) for finding in row["expected_internal_errors"]}
        if not expected <= produced:
            failures.append((row["layout"], row["encoding"], sorted(expected - produced), row["url"]))
    client.close()
    return failures


def test_payloads_cover_every_readable_layout_and_encoding(payloads):
    assert {row["layout"] for row in payloads} == {"html_clean", "html_word", "html_script", "pdf", "docx", *LINE_LAYOUTS}
    assert {row["encoding"] for row in payloads if row["media"] == "text/html"} == {
        "utf-8", "gbk", "gb18030", "utf-8-bom", "header_mismatch", "undeclared_gbk"}
    assert any(row["publisher_error"] for row in payloads)
    assert any(row["traditional"] for row in payloads)


def test_html_pdf_and_docx_reports_parse_to_the_expected_tables(portal, payloads):
    assert not mismatches(portal, [row for row in payloads if row["layout"] not in LINE_LAYOUTS])


def test_pipe_flattened_copies_parse_to_the_expected_tables(portal, payloads):
    assert not mismatches(portal, [row for row in payloads if row["layout"] in LINE_LAYOUTS])
