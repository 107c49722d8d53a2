"""Every family's navigation, from the home page, reaches every report and distractor it lists."""

from __future__ import annotations

import pytest
from sample_portal_support import COVERAGE, FAMILY_PAGING, Client, Walker, coverage_index, coverage_portal

from collector.sample.portal.families import FAMILY_CLASSES


@pytest.fixture(scope="module")
def portal():
    with coverage_portal() as running:
        yield running


@pytest.fixture(scope="module")
def rows(portal):
    return list(portal.manifest())


@pytest.fixture()
def client(portal):
    client = Client(portal.port)
    yield client
    client.close()


def walk(portal, client, index: int, rows: list[dict]) -> tuple[Walker, set[str]]:
    """Walk agency ``index`` and return the walker and the manifest's document URLs missing from the walk."""
    agency = portal.farm.roster[index]
    walker = Walker(client, agency.host).walk()
    seen = {f"http://{agency.host}:{portal.port}{target}" for target in walker.fetched | walker.links}
    wanted = {row["url"] for row in rows
              if row["row"] == "url" and row["site"] == agency.id and row["kind"] in ("report", "distractor")}
    assert wanted, agency
    return walker, wanted - seen


@pytest.mark.parametrize(("family", "paging"), FAMILY_PAGING, ids=[f"{f}-{p}" for f, p in FAMILY_PAGING])
def test_every_pagination_reaches_every_document(portal, client, rows, family, paging):
    index = coverage_index(family=family, paging=paging)
    walker, missing = walk(portal, client, index, rows)
    assert not missing
    lists = [row for row in rows if row["row"] == "url" and row["site"] == portal.farm.roster[index].id
             and row["kind"] in ("list", "api", "column")]
    assert len(lists) > 2, "the column must span several pages (3 items a page)"
    if family in ("trs_dynamic", "hanweb", "ucap"):
        assert walker.posted, "later pages of this family are only reachable by POST"


def test_pagination_urls_have_each_style(portal, client, rows):
    def targets(family: str, paging: str) -> set[str]:
        agency = portal.farm.roster[coverage_index(family=family, paging=paging)]
        return {row["url"].split(f":{portal.port}", 1)[1] for row in rows
                if row["row"] == "url" and row["site"] == agency.id and row["kind"] in ("list", "api")}

    assert any(target.endswith("/index_1.html") for target in targets("trs", "index_n"))
    assert any(target.endswith("/index_1.shtml") for target in targets("trs", "index_n_shtml"))
    assert any(target.endswith("/column-index-2.shtml") for target in targets("trs", "column_index"))
    assert any(target.endswith("/2.html") for target in targets("trs", "n_html"))
    assert any(target.startswith("/xxgk/nb/1.htm") for target in targets("vsb", "count_down"))
    for parameter in FAMILY_CLASSES["aspnet"].PAGING:
        assert any(f"&{parameter}=2" in target for target in targets("aspnet", parameter))
    assert any("page=0&sid=" in target for target in targets("gkmlpt", "page0"))
    assert not any("page=0&sid=" in target for target in targets("gkmlpt", "page1"))
    assert any("pageNo=2" in target for target in targets("jpaas", "build_unit"))
    assert any("dataproxy.jsp?startrecord=1" in target for target in targets("hanweb", "dataproxy"))


@pytest.mark.parametrize("family", list(FAMILY_CLASSES))
def test_year_sub_columns_are_navigable(portal, client, rows, family):
    index = coverage_index(family=family, tree="years")
    _, missing = walk(portal, client, index, rows)
    assert not missing


def test_unit_sub_trees_list_the_units_reports(portal, client, rows):
    government = portal.farm.roster[0]
    assert government.kind == "government" and COVERAGE[0]["tree"] == "units"
    _, missing = walk(portal, client, 0, rows)
    assert not missing
    mirrors = [row for row in rows if row["row"] == "url" and row["site"] == government.id and row.get("mirror_of")]
    assert mirrors and all(row["agency"] != government.id for row in mirrors)
