"""The agency registry: the shipped file, validation messages (line and field), sync and listing."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from collector.errors import CollectorError
from collector.registry import RegistryInvalid, list_agencies, load_registry, region_problem, sync_registry, url_problem
from storage.db import Database
from storage_checks import SEED_AGENCIES

SHIPPED = Path(__file__).parents[1] / "config" / "agencies.yaml"
#: A copy of ``spec/registry-seed.yaml`` (262 agencies seen in public pages), so the check runs anywhere.
SPEC_SEED = Path(__file__).parent / "fixtures" / "registry-seed.yaml"

VALID_ENTRY = """\
  - id: xinxiang-zjj
    name: 新乡市住房和城乡建设局
    kind: department
    level: prefecture
    region: "410700"
    portal: http://zjj.xinxiang.gov.cn/
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agencies.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(RegistryInvalid) as raised:
        load_registry(write(tmp_path, text))
    return raised.value.problems


# --- the shipped registry -------------------------------------------------------------------------------------

def test_shipped_registry_is_valid_and_unverified() -> None:
    registry = load_registry(SHIPPED)
    assert registry.agencies
    assert not any(agency.verified for agency in registry.agencies)
    assert registry.allow_private_hosts is False


def test_shipped_registry_has_the_seed_report_agencies() -> None:
    names = {agency.id: agency.name for agency in load_registry(SHIPPED).agencies}
    assert {agency_id: names.get(agency_id) for agency_id in SEED_AGENCIES.values()} == {
        "xinxiang-zjj": "新乡市住房和城乡建设局", "huixian-gov": "辉县市人民政府",
        "genhe-zjj": "根河市住房和城乡建设局", "jiaxing-zjj": "嘉兴市住房和城乡建设局",
        "xuchang-zjj": "许昌市住房和城乡建设局"}


def test_shipped_registry_keeps_every_spec_seed_entry() -> None:
    shipped = {agency.id: agency for agency in load_registry(SHIPPED).agencies}
    for entry in yaml.safe_load(SPEC_SEED.read_text(encoding="utf-8"))["agencies"]:
        agency = shipped[entry["id"]]
        assert (agency.name, agency.portal, list(agency.report_pages), agency.verified) == (
            entry["name"], entry["portal"], entry.get("report_pages", []), False)


# --- validation -----------------------------------------------------------------------------------------------

def test_valid_file_loads(tmp_path: Path) -> None:
    registry = load_registry(write(tmp_path, "agencies:\n" + VALID_ENTRY))
    [agency] = registry.agencies
    assert (agency.id, agency.region, agency.verified, agency.report_pages) == ("xinxiang-zjj", "410700", False, ())


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    duplicate = VALID_ENTRY.replace("新乡市住房和城乡建设局", "新乡市住建局")
    assert problems(tmp_path, "agencies:\n" + VALID_ENTRY + duplicate) == [
        f"{tmp_path / 'agencies.yaml'}:8: xinxiang-zjj: id: duplicate id (first on line 2)"]


def test_bad_region_code_gives_line_and_field(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, "agencies:\n" + VALID_ENTRY.replace('"410700"', '"41070"'))
    assert problem.endswith(":6: xinxiang-zjj: region: '41070' is not a GB/T 2260 code (six digits, e.g. \"410700\")")


@pytest.mark.parametrize(("code", "level", "message"), [
    ("990000", "province", "does not start with a province code"),
    ("410700", "province", "is not a province-level code"),
    ("410000", "prefecture", "is not a prefecture-level code"),
    ("410700", "county", "is not a county-level code"),
])
def test_region_must_fit_the_level(code: str, level: str, message: str) -> None:
    assert message in region_problem(code, level)


@pytest.mark.parametrize(("url", "message"), [
    ("zjj.xinxiang.gov.cn", "not an http(s) URL"),
    ("ftp://zjj.xinxiang.gov.cn/", "not an http(s) URL"),
    ("http://zjj xinxiang.gov.cn/", "contains whitespace"),
    ("http://zjj..gov.cn/", "malformed host name"),
    ("http://zjj.gov.cn:port/", "malformed port"),
    ("http://127.0.0.1:8080/", "private or loopback"),
    ("http://192.168.1.10/", "private or loopback"),
    ("http://localhost/", "private or loopback"),
])
def test_bad_urls_are_named(url: str, message: str) -> None:
    assert message in url_problem(url, allow_private_hosts=False)


def test_public_ip_and_unicode_hosts_are_urls() -> None:
    assert url_problem("http://122.137.242.24:8080/pub/", allow_private_hosts=False) is None
    assert url_problem("http://政府.中国/", allow_private_hosts=False) is None


def test_private_hosts_only_with_allow_private_hosts(tmp_path: Path) -> None:
    local = VALID_ENTRY.replace("http://zjj.xinxiang.gov.cn/", "http://127.0.0.1:8080/")
    [problem] = problems(tmp_path, "agencies:\n" + local)
    assert ":7: xinxiang-zjj: portal: 'http://127.0.0.1:8080/' points to a private" in problem
    assert load_registry(write(tmp_path, "allow_private_hosts: true\nagencies:\n" + local)).allow_private_hosts


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    found = problems(tmp_path, """\
        agencies:
          - id: Bad_Id
            name: 某局
            kind: bureau
            level: city
            portal: http://x.gov.cn/
            report_pages: http://x.gov.cn/nb/
            deadline: 1-31
            verified: maybe
            colour: red
          - name: 无名局
            kind: department
            level: county
            portal: http://y.gov.cn/
        """)
    path = tmp_path / "agencies.yaml"
    assert found == [
        f"{path}:10: Bad_Id: colour: unknown field (fields are: id, name, kind, level, portal, region, parent, "
        "report_pages, deadline, verified, notes)",
        f"{path}:2: Bad_Id: id: 'Bad_Id' is not a slug (lower-case letters, digits and single hyphens, at most 64)",
        f"{path}:4: Bad_Id: kind: 'bureau' is not one of department, government, township, other",
        f"{path}:5: Bad_Id: level: 'city' is not one of national, province, prefecture, county, township",
        f"{path}:7: Bad_Id: report_pages: must be a list of URLs",
        f"{path}:8: Bad_Id: deadline: '1-31' is not a month-day like \"01-31\" (quote it in YAML)",
        f"{path}:9: Bad_Id: verified: must be true or false",
        f"{path}:11: agency #2: id: required",
    ]


def test_field_given_twice_is_an_error(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, "agencies:\n" + VALID_ENTRY + "    name: 又一个名字\n")
    assert problem.endswith(":8: xinxiang-zjj: name: given twice (first on line 3)")


def test_unknown_parent_and_parent_loops(tmp_path: Path) -> None:
    text = f"""\
agencies:
{VALID_ENTRY}    parent: nowhere-gov
  - id: a-gov
    name: 甲
    kind: government
    level: province
    portal: http://a.gov.cn/
    parent: b-gov
  - id: b-gov
    name: 乙
    kind: government
    level: province
    portal: http://b.gov.cn/
    parent: a-gov
"""
    path = tmp_path / "agencies.yaml"
    assert problems(tmp_path, text) == [
        f"{path}:8: xinxiang-zjj: parent: 'nowhere-gov' is not an agency id in this file",
        f"{path}:14: a-gov: parent: parents form a loop back to this agency",
        f"{path}:20: b-gov: parent: parents form a loop back to this agency",
    ]


def test_same_name_in_same_region_is_a_duplicate(tmp_path: Path) -> None:
    other = VALID_ENTRY.replace("xinxiang-zjj", "xinxiang-zjj-2")
    [problem] = problems(tmp_path, "agencies:\n" + VALID_ENTRY + other)
    assert problem.endswith(
        ":9: xinxiang-zjj-2: name: '新乡市住房和城乡建设局' in region 410700 already listed on line 3")


def test_yaml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    assert problems(tmp_path, "agencies:\n  - id: [unclosed\n") == [
        f"{tmp_path / 'agencies.yaml'}:3: invalid YAML: expected ',' or ']', but got '<stream end>'"]


@pytest.mark.parametrize("text", ["[]", "agencies: {}", "just text"])
def test_file_must_hold_an_agencies_list(tmp_path: Path, text: str) -> None:
    assert problems(tmp_path, text) == [
        f"{tmp_path / 'agencies.yaml'}:1: agencies: the file must be a mapping with an `agencies:` list"]


def test_defaults_deadlines_are_checked(tmp_path: Path) -> None:
    [problem] = problems(tmp_path, "defaults:\n  township_deadline: 02-30\nagencies:\n" + VALID_ENTRY)
    assert problem.endswith(
        ":2: defaults: township_deadline: '02-30' is not a month-day like \"01-31\" (quote it in YAML)")


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(CollectorError, match="cannot read the agency registry"):
        load_registry(tmp_path / "nope.yaml")


# --- sync and list --------------------------------------------------------------------------------------------

def test_sync_inserts_then_updates_then_changes_nothing(db: Database, tmp_path: Path) -> None:
    parent = """\
  - id: xinxiang-gov
    name: 新乡市人民政府
    kind: government
    level: prefecture
    region: "410700"
    portal: http://www.xinxiang.gov.cn/
"""
    child = VALID_ENTRY + "    parent: xinxiang-gov\n"
    first = sync_registry(db, load_registry(write(tmp_path, "agencies:\n" + child + parent)))
    assert (first.new, first.updated, first.unchanged) == (2, 0, 0)
    again = sync_registry(db, load_registry(write(tmp_path, "agencies:\n" + child + parent)))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    edited = VALID_ENTRY.replace("http://zjj.xinxiang.gov.cn/", "https://zjj.xinxiang.gov.cn/") + "    verified: true\n"
    changed = sync_registry(db, load_registry(write(tmp_path, "agencies:\n" + edited)))
    assert (changed.new, changed.updated, changed.unchanged, changed.only_in_database) == (0, 1, 0, ["xinxiang-gov"])
    [agency] = [agency for agency in list_agencies(db) if agency.id == "xinxiang-zjj"]
    assert (agency.portal, agency.verified, agency.parent_id) == ("https://zjj.xinxiang.gov.cn/", True, None)


def test_sync_of_the_shipped_registry_and_listing_by_region(db: Database) -> None:
    registry = load_registry(SHIPPED)
    assert sync_registry(db, registry).new == len(registry.agencies)
    henan = list_agencies(db, "410000")
    assert {"xinxiang-zjj", "huixian-gov", "xuchang-zjj", "henan-gov"} <= {agency.id for agency in henan}
    assert all(agency.region.startswith("41") for agency in henan)
    assert {agency.id for agency in list_agencies(db, "410700")} == {"xinxiang-gov", "xinxiang-zjj", "huixian-gov"}
    assert len(list_agencies(db)) == len(registry.agencies)


def test_list_refuses_a_malformed_region(db: Database) -> None:
    with pytest.raises(CollectorError, match="--region: '4107' is not a GB/T 2260 code"):
        list_agencies(db, "4107")


def test_politeness_defaults_are_checked(tmp_path: Path) -> None:
    polite = "defaults:\n  download_delay: 2.5\n  concurrent_requests_per_host: 1\nagencies:\n" + VALID_ENTRY
    assert load_registry(write(tmp_path, polite)).defaults == {"download_delay": 2.5, "concurrent_requests_per_host": 1}
    found = "\n".join(problems(tmp_path, "defaults:\n  download_delay: soon\n  concurrent_requests_per_host: 0.5\n"
                                          "  download_timeout: 0\n  sleep_at_night: true\nagencies:\n" + VALID_ENTRY))
    for expected in ("defaults: download_delay: 'soon' is not a number",
                     "defaults: concurrent_requests_per_host: 0.5 is not a whole number",
                     "defaults: download_timeout: 0 is below 1", "defaults: sleep_at_night: unknown default"):
        assert expected in found
