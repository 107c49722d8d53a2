"""One crawl of the coverage farm: every family and pagination, tree, layout, encoding and fault on its own host.

The crawl runs once (``collector crawl`` in a subprocess, parsing included); each test then checks
one family, layout, encoding or fault against the farm's manifest.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from crawl_support import SLOW_SECONDS, ServerProbe, Workspace, truth
from sample_portal_support import COVERAGE, FAMILY_PAGING, coverage_index, coverage_portal

from collector.sample.portal.bodies import REPORT_LAYOUTS
from collector.sample.portal.chrome import ENCODINGS
from collector.sample.portal.families import FAMILY_CLASSES
from collector.sample.portal.faults import FAULTS

YEARS = range(2018, 2025)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    portal = coverage_portal(slow_seconds=SLOW_SECONDS)
    probe = ServerProbe()
    probe.install(portal)
    with portal:
        workspace = Workspace(tmp_path_factory.mktemp("coverage"))
        portal.write_registry(workspace.registry)
        result = workspace.crawl("--years", f"{YEARS[0]}-{YEARS[-1]}")
        yield portal, workspace, result, truth(portal, YEARS), probe


@pytest.fixture(scope="module")
def documents(crawl):
    return crawl[1].documents()


def site(crawl, index: int) -> str:
    return crawl[0].farm.roster[index].id


def missing(crawl, documents, agency: str) -> list[str]:
    return [row["url"] for row in crawl[3].wanted() if row["site"] == agency and row["url"] not in documents]


def test_the_crawl_finishes_and_prints_its_summary(crawl):
    _, _, result, _, _ = crawl
    assert result.returncode == 0, result.stderr[-3000:]
    assert "ok: " in result.stdout and "blocked: " in result.stdout


@pytest.mark.parametrize(("family", "paging"), FAMILY_PAGING, ids=[f"{f}-{p}" for f, p in FAMILY_PAGING])
def test_every_pagination_style(crawl, documents, family, paging):
    agency = site(crawl, coverage_index(family=family, paging=paging))
    assert crawl[1].outcomes()[agency][0] == "ok"
    assert not missing(crawl, documents, agency)


@pytest.mark.parametrize("family", list(FAMILY_CLASSES))
def test_year_sub_columns(crawl, documents, family):
    assert not missing(crawl, documents, site(crawl, coverage_index(family=family, tree="years")))


def test_unit_sub_trees_and_their_reports_belong_to_the_units(crawl, documents):
    government = site(crawl, 0)
    assert COVERAGE[0]["tree"] == "units" and not missing(crawl, documents, government)
    owners = {row["url"]: row["agency"] for row in crawl[3].wanted() if row["site"] == government}
    mirrored = [document for document in documents.values() if document["found_on"] == government
                and document["url"] in owners and owners[document["url"]] != government]
    assert mirrored, "a government's portal lists its units' reports"
    assert all(document["agency"] == owners[document["url"]] for document in mirrored)


@pytest.mark.parametrize("layout", REPORT_LAYOUTS)
def test_every_report_layout_and_its_files(crawl, documents, layout):
    agency = site(crawl, coverage_index(layouts=tuple(layout if n == 1 else "html_clean" for n in range(9))))
    rows = [row for row in crawl[3].wanted() if row["site"] == agency and row["report_year"] == 2019]
    assert {row["kind"] for row in rows} >= {"report"}
    for row in rows:
        assert row["url"] in documents, row
        stored = documents[row["url"]]
        assert stored["role"] == ("report_page" if row["kind"] == "report" else "attachment")
        assert stored["year"] == 2019
        if row["kind"] != "report":
            assert stored["parent_url"] in documents


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_every_encoding_keeps_titles_readable(crawl, documents, encoding):
    agency = site(crawl, coverage_index(family="hanweb", encoding=encoding))
    assert not missing(crawl, documents, agency)
    titles = {row["url"]: row["title"] for row in crawl[3].wanted()
              if row["site"] == agency and row["kind"] == "report"}
    assert titles and all(documents[url]["link_text"] == title for url, title in titles.items())


@pytest.mark.parametrize("fault", FAULTS)
def test_every_fault(crawl, documents, fault):
    index = coverage_index(faults=(fault,))
    agency_row = crawl[3].agencies[site(crawl, index)]
    status, reason = crawl[1].outcomes()[agency_row["agency"]]
    assert status == crawl[3].expected_status(agency_row), reason
    if status == "blocked":
        assert reason and ("HTTP" in reason)
        assert not [document for document in documents.values() if document["found_on"] == agency_row["agency"]]
    elif status == "ok":
        assert not missing(crawl, documents, agency_row["agency"])
    if fault.startswith("attachment"):
        files = [document for document in documents.values()
                 if document["found_on"] == agency_row["agency"] and document["role"] == "attachment"]
        names = [json.loads(document["headers"]).get("filename") for document in files]
        assert names and all(name and "/" not in name and "\\" not in name for name in names)
        if fault != "attachment_octet":
            assert all("年" in name for name in names), names  # GBK and RFC 5987 names decoded


def test_no_distractor_and_no_report_outside_the_years_is_stored(crawl, documents):
    unwanted = {row["url"] for row in crawl[3].unwanted()}
    assert not unwanted & set(documents)


def test_list_dates_and_link_texts_are_kept_as_evidence(crawl, documents):
    listed = [row for row in crawl[3].wanted() if row["kind"] == "report" and row["date_sources"].get("list")
              and row["url"] in documents]
    assert listed
    assert all(documents[row["url"]]["list_date"] == row["date_sources"]["list"] for row in listed)


def test_legacy_reports_are_flagged(crawl, documents):
    legacy = [document for document in documents.values() if document["year"] == 2018]
    assert legacy and all(document["legacy"] for document in legacy)
    assert not any(document["legacy"] for document in documents.values() if document["year"] >= 2019)


def test_text_and_image_versions_are_both_kept(crawl, documents):
    images = [row for row in crawl[3].wanted() if row["kind"] == "report" and row["title"].endswith("（图片版）")]
    assert images and all(documents[row["url"]]["variant"] == "image" for row in images)


def test_every_stored_document_was_parsed_once(crawl, documents):
    workspace = crawl[1]
    parsed = dict(workspace.query("SELECT document_id, year FROM reports"))
    assert set(parsed) == {document["id"] for document in documents.values()}
    payloads = {row["url"]: row["report_year"] for row in crawl[3].wanted() if row["payload"]}
    years = Counter(parsed[documents[url]["id"]] == year for url, year in payloads.items())
    assert years[True] >= 0.95 * len(payloads), years  # the parser reads the year of (nearly) every payload


def test_the_hostile_title_is_stored_as_text(crawl, documents):
    hostile = [row for row in crawl[3].wanted() if row.get("hostile") and row["kind"] == "report"]
    assert all(documents[row["url"]]["link_text"] == row["title"] for row in hostile)


def test_one_request_at_a_time_per_host(crawl):
    peaks = crawl[4].max_concurrency()
    assert peaks and max(peaks.values()) == 1, crawl[4].overlaps()


