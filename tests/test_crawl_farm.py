"""A 200-agency farm with every family and the faults drawn at their real rates, crawled once without delays.

Recall of the reports in the years is complete on every host the crawler can read, no distractor or
out-of-years report is stored, blocked and robots-closed hosts are reported as such, and the server
never holds two requests for one host at a time. Parsing is left out here (the coverage test parses);
this test is about finding and fetching.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import urlsplit

import pytest
from crawl_support import SLOW_SECONDS, ServerProbe, Workspace, truth

from collector.sample.portal import SamplePortal
from collector.sample.portal.families import FAMILY_CLASSES

YEARS = range(2019, 2025)


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    portal = SamplePortal(agencies=200, seed=7, slow_seconds=SLOW_SECONDS)
    probe = ServerProbe()
    probe.install(portal)
    with portal:
        workspace = Workspace(tmp_path_factory.mktemp("farm"))
        portal.write_registry(workspace.registry)
        result = workspace.crawl("--years", f"{YEARS[0]}-{YEARS[-1]}", COLLECTOR_PARSE_AFTER_CRAWL="0")
        yield workspace, result, truth(portal, YEARS), probe


def test_the_crawl_warns_of_nothing_in_its_own_configuration(crawl):
    """Scrapy warns when its redirect middlewares find no RefererMiddleware; ours keep the Referer instead."""
    assert "RefererMiddleware" not in crawl[1].stderr


def test_the_farm_has_every_family_and_blocked_hosts(crawl):
    agencies = crawl[2].agencies.values()
    assert {agency["family"] for agency in agencies} == set(FAMILY_CLASSES)
    assert any(agency["blocked"] for agency in agencies)


def test_the_crawl_finishes(crawl):
    assert crawl[1].returncode == 0, crawl[1].stderr[-3000:]


def test_every_report_in_the_years_is_found(crawl):
    stored = crawl[0].documents()
    missing = [(row["site"], row["kind"], row["url"]) for row in crawl[2].wanted() if row["url"] not in stored]
    assert not missing
    assert len(stored) >= len(crawl[2].wanted())


def test_no_distractor_is_stored(crawl):
    assert not {row["url"] for row in crawl[2].unwanted()} & set(crawl[0].documents())


def test_every_agency_gets_the_status_it_deserves(crawl):
    outcomes = crawl[0].outcomes()
    expected = {agency: crawl[2].expected_status(row) for agency, row in crawl[2].agencies.items()}
    assert {agency: status for agency, (status, _) in outcomes.items()} == expected
    assert Counter(expected.values())["blocked"] >= 3
    assert all(reason for status, reason in outcomes.values() if status != "ok")


def test_the_server_never_sees_two_requests_for_one_host_at_once(crawl):
    peaks = crawl[3].max_concurrency()
    assert len(peaks) >= 190
    assert max(peaks.values()) == 1, crawl[3].overlaps()



def test_files_are_requested_with_the_page_that_links_them_as_referer(crawl):
    """Download endpoints check the Referer; the spider sets it itself (settings.py)."""
    sent = {(host, target): headers for host, _, target, headers in crawl[3].requests}
    checked = 0
    for url, row in crawl[0].documents().items():
        parts = urlsplit(url)
        headers = sent.get((parts.hostname, parts.path + (f"?{parts.query}" if parts.query else "")))
        if row["parent_url"] and headers is not None:
            assert headers.get("referer") == row["parent_url"], url
            checked += 1
    assert checked >= 20
