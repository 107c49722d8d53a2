"""The sample-report generator: records are realistic and consistent, renderings carry every number.

The identities and the digit splitting are re-implemented here from record.md on purpose, so the
generator is checked against the spec rather than against its own helpers.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from decimal import Decimal

import pytest

from collector.sample import LAYOUTS, PUBLISHER_ERRORS, make_record, narrative, render, render_with_truth
from collector.sample.render import DROP_LAYOUTS

PARTIES = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
           "legal_service_org", "other_org")
COLUMNS = (*PARTIES, "total")
HEAD = ("new_received", "carried_over", "granted", "partially_granted", "denied_state_secret",
        "denied_prohibited_by_law", "denied_security_stability", "denied_third_party_rights",
        "denied_internal_affairs", "denied_process_information", "denied_enforcement_case_file",
        "denied_administrative_query", "unable_not_held", "unable_needs_creation", "unable_still_unclear",
        "not_processed_petition", "not_processed_duplicate", "not_processed_publication",
        "not_processed_excessive", "not_processed_confirmation")
ROWS = {
    "2019": (*HEAD, "other_processing", "total_processed", "carried_forward"),
    "2021": (*HEAD, "other_no_correction", "other_unpaid_fee", "other_misc", "total_processed", "carried_forward"),
}
PROACTIVE = {
    "2021": {"regulations": ("issued", "repealed", "in_force"),
             "normative_documents": ("issued", "repealed", "in_force"),
             "administrative_licensing": ("decisions",), "administrative_penalty": ("decisions",),
             "administrative_coercion": ("decisions",), "administrative_fees": ("amount_yuan",)},
    "2019": {"regulations": ("new_made", "new_published", "total_published"),
             "normative_documents": ("new_made", "new_published", "total_published"),
             "administrative_licensing": ("previous_items", "change", "decisions"),
             "other_external_services": ("previous_items", "change", "decisions"),
             "administrative_penalty": ("previous_items", "change", "decisions"),
             "administrative_coercion": ("previous_items", "change", "decisions"),
             "administrative_fees": ("previous_items", "change"),
             "government_procurement": ("projects", "amount_yuan")},
}
GROUPS = ("administrative_review", "litigation_direct", "litigation_after_review")
SECTION_KEYS = ("overview", "proactive", "requests", "review_litigation", "problems", "other")
AGENCIES = ("新乡市住房和城乡建设局", "辉县市人民政府", "桃江县松木塘镇人民政府", "嘉兴市住房和城乡建设局", "西安市高陵区行政审批服务局")
SECTIONS = ("一、", "二、主动公开政府信息", "三、收到和处理政府信息公开申请情况", "四、", "五、", "六、其他需要报告的事项")


def record(seed: int, template: str = "2021", error: str | None = None, year: int | None = None) -> dict:
    year = year or (2020 if template == "2019" else 2021 + seed % 4)
    return make_record(seed, agency=AGENCIES[seed % len(AGENCIES)], year=year, template=template, publisher_error=error)


def failing_wheres(tables: dict, template: str) -> set[str]:
    """The record.md identities, written out independently of the generator."""
    requests, wheres = tables["requests"], set()
    outcomes = ROWS[template][2:-2]
    for row in ROWS[template]:
        if requests[row]["total"] != sum(requests[row][c] for c in PARTIES):
            wheres.add(f"requests.{row}.total")
    for column in COLUMNS:
        if requests["total_processed"][column] != sum(requests[row][column] for row in outcomes):
            wheres.add(f"requests.total_processed.{column}")
        if (requests["new_received"][column] + requests["carried_over"][column]
                != requests["total_processed"][column] + requests["carried_forward"][column]):
            wheres.add(f"requests.carried_forward.{column}")
    for group in GROUPS:
        cells = tables["review_litigation"][group]
        if cells["total"] != cells["upheld"] + cells["corrected"] + cells["other"] + cells["pending"]:
            wheres.add(f"review_litigation.{group}.total")
    return wheres


# --- records ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("template", ["2019", "2021"])
def test_record_has_the_canonical_shape(template: str) -> None:
    rec = record(3, template)
    assert set(rec) == {"title", "agency", "year", "format", "published_at", "sections", "tables", "findings"}
    assert rec["format"] == template
    assert rec["sections"] == dict.fromkeys(SECTION_KEYS, True)
    assert list(rec["tables"]["requests"]) == list(ROWS[template])
    assert all(list(cells) == list(COLUMNS) for cells in rec["tables"]["requests"].values())
    assert {row: tuple(cells) for row, cells in rec["tables"]["proactive"].items()} == PROACTIVE[template]
    assert list(rec["tables"]["review_litigation"]) == list(GROUPS)
    assert rec["agency"] in rec["title"] and str(rec["year"]) in rec["title"]
    assert rec["published_at"] > f"{rec['year'] + 1}-01-01"


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_cells_are_typed_and_money_is_float(template: str) -> None:
    for seed in range(20):
        tables = record(seed, template)["tables"]
        for table, rows in tables.items():
            for row, cells in rows.items():
                for column, value in cells.items():
                    if column == "amount_yuan":
                        assert isinstance(value, float) and value >= 0
                    else:
                        assert type(value) is int
                        assert value >= 0 or column == "change", (table, row, column)


def test_numbers_look_like_real_reports() -> None:
    records = [record(seed, template) for seed in range(60) for template in ("2019", "2021")]
    natural = [r["tables"]["requests"]["new_received"]["natural_person"] for r in records]
    cells = [v for r in records for cells in r["tables"]["requests"].values() for v in cells.values()]
    assert max(natural) <= 300 and max(natural) >= 50
    assert sum(v == 0 for v in cells) / len(cells) > 0.6
    assert any(r["tables"]["proactive"]["administrative_licensing"]["decisions"] > 1000 for r in records)
    changes = [r["tables"]["proactive"]["administrative_licensing"]["change"] for r in records if r["format"] == "2019"]
    assert min(changes) < 0 < max(changes)


def test_same_seed_same_record_and_different_seeds_differ() -> None:
    assert record(11) == record(11)
    assert make_record("a", agency="辉县市人民政府", year=2022) == make_record("a", agency="辉县市人民政府", year=2022)
    assert record(11)["tables"] != record(12)["tables"]


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_identities_hold_without_publisher_error(template: str) -> None:
    for seed in range(40):
        rec = record(seed, template)
        assert failing_wheres(rec["tables"], template) == set()
        assert rec["findings"] == []


@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("error", PUBLISHER_ERRORS)
def test_publisher_error_breaks_exactly_what_the_findings_say(template: str, error: str) -> None:
    for seed in range(25):
        clean, wrong = record(seed, template), record(seed, template, error)
        wheres = failing_wheres(wrong["tables"], template)
        assert wheres
        assert {f["where"] for f in wrong["findings"]} == wheres
        assert all(f["code"] == "identity_mismatch" and f["severity"] == "error" and f["message"]
                   for f in wrong["findings"])
        assert {k: v for k, v in clean.items() if k not in ("tables", "findings")} == \
               {k: v for k, v in wrong.items() if k not in ("tables", "findings")}
        assert clean["tables"]["proactive"] == wrong["tables"]["proactive"]
        if error == "total_mismatch":
            changed = [(row, column) for row in ROWS[template] for column in COLUMNS
                       if clean["tables"]["requests"][row][column] != wrong["tables"]["requests"][row][column]]
            assert len(changed) == 1 and changed[0][1] == "total"
            assert f"requests.{changed[0][0]}.total" in wheres
        elif error == "outcome_sum_mismatch":
            assert wheres <= {f"requests.total_processed.{column}" for column in COLUMNS}
            assert "requests.total_processed.total" in wheres
        else:
            assert len(wheres) == 1 and next(iter(wheres)).startswith("review_litigation.")
            assert clean["tables"]["requests"] == wrong["tables"]["requests"]


def test_outdated_template_is_reported() -> None:
    rec = make_record(5, agency="桃江县松木塘镇人民政府", year=2022, template="2019")
    assert rec["format"] == "2019" and "other_processing" in rec["tables"]["requests"]
    assert [(f["code"], f["where"]) for f in rec["findings"]] == [("format_outdated", "format")]
    assert make_record(5, agency="桃江县松木塘镇人民政府", year=2020)["findings"] == []


def test_invalid_arguments_are_refused() -> None:
    with pytest.raises(ValueError):
        make_record(1, agency="辉县市人民政府", year=2020, template="2021")
    with pytest.raises(ValueError):
        make_record(1, agency="辉县市人民政府", year=2021, publisher_error="typo")
    with pytest.raises(ValueError):
        render(record(1), "tabs", encoding="big5")
    with pytest.raises(ValueError):
        render(record(1), "html_clean", drop_cells=1)


@pytest.mark.parametrize("year", [2020, 2023])
def test_narrative_has_every_part(year: int) -> None:
    rec = make_record(8, agency="新乡市住房和城乡建设局", year=year)
    prose = narrative(rec)
    assert set(prose) == {"preface", *SECTION_KEYS, "signature"}
    assert all(prose.values())
    assert f"{year}年1月1日" in prose["preface"] and f"{year}年12月31日" in prose["preface"]
    day = rec["published_at"]
    assert prose["signature"] == f"{rec['agency']}\n{int(day[:4])}年{int(day[5:7])}月{int(day[8:])}日"
    assert str(rec["tables"]["requests"]["new_received"]["total"]) in prose["overview"]
    assert ("信息处理费" in prose["other"]) == (year >= 2021)


# --- renderings ------------------------------------------------------------------------------------

def visible_text(data: bytes, encoding: str = "utf-8") -> str:
    """What a reader sees: tags stripped, entities and the JS-embedded body decoded."""
    text = data.decode("gb18030" if encoding in ("gbk", "gb18030") else "utf-8-sig")
    if "<html" not in text:
        return text
    embedded = re.search(r'var content = ("(?:[^"\\]|\\.)*");', text)
    if embedded:
        text += json.loads(embedded.group(1))
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


def money_forms(yuan: float) -> set[str]:
    """The printed forms a money cell may take: yuan, or 万元 with or without four decimals."""
    amount = Decimal(repr(yuan))
    wan = amount / 10000
    if not amount:
        return {"0"}
    return {f"{amount.normalize():f}", f"{wan.normalize():f}", f"{wan.quantize(Decimal('0.0001')):f}"}


def expected_rows(rec: dict, truth: dict) -> list[list[set[str]]]:
    """Every printed row of numbers, in order, each number as the set of forms it may take."""
    rows = []
    for row, cells in rec["tables"]["proactive"].items():
        rows.append([money_forms(v) if column == "amount_yuan" else {str(v)} for column, v in cells.items()])
    dropped = {tuple(cell) for cell in truth["dropped"]}
    for row, cells in rec["tables"]["requests"].items():
        if row in truth["run_together"]:
            rows.append([{"".join(str(v) for v in cells.values())}])
        else:
            rows.append([{str(v)} for column, v in cells.items() if (row, column) not in dropped])
    rows.append([{str(v)} for group in GROUPS for v in rec["tables"]["review_litigation"][group].values()])
    return rows


def contains_run(tokens: list[str], run: list[set[str]]) -> bool:
    return any(all(tokens[i + j] in forms for j, forms in enumerate(run)) for i in range(len(tokens) - len(run) + 1))


CASES = [(layout, template, seed) for layout in LAYOUTS for template in ("2019", "2021") for seed in (1, 2, 3)]


@pytest.mark.parametrize(("layout", "template", "seed"), CASES)
def test_every_number_title_and_section_is_printed(layout: str, template: str, seed: int) -> None:
    rec = record(seed, template)
    data, truth = render_with_truth(rec, layout, seed=seed)
    text = visible_text(data)
    tokens = re.findall(r"-?\d+(?:\.\d+)?", text)
    for run in expected_rows(rec, truth):
        assert contains_run(tokens, run), run
    compact = re.sub(r"\s+", "", text)  # Word splits digits into runs; a title may take two lines
    assert rec["title"] in compact
    for heading in SECTIONS:
        assert heading in compact
    assert f"{rec['year']}年1月1日" in compact


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rendering_is_deterministic(layout: str) -> None:
    rec = record(4, error="total_mismatch")
    options = {"drop_cells": 2} if layout in DROP_LAYOUTS else {}
    assert render(rec, layout, seed=9, **options) == render(rec, layout, seed=9, **options)
    assert render(rec, layout, seed=9, **options) != render(rec, layout, seed=10, **options)


SIMPLIFIED_LABELS = ("规范性文件", "政府信息公开", "申请", "总计", "结转", "办理结果", "复议", "诉讼", "报告", "门户网站")


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("template", ["2019", "2021"])
def test_traditional_has_no_simplified_labels(layout: str, template: str) -> None:
    text = visible_text(render(record(2, template), layout, traditional=True, seed=2))
    assert not [label for label in SIMPLIFIED_LABELS if label in text]
    assert "規範性檔案" in text and "政府信息公開" in text and "總計" in text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_gbk_output_decodes_with_gb18030(layout: str) -> None:
    rec = record(6)
    gbk = render(rec, layout, encoding="gbk", seed=1).decode("gb18030")
    utf8 = render(rec, layout, seed=1).decode("utf-8")
    assert gbk.replace("gb2312", "utf-8") == utf8
    assert ("gb2312" in gbk) == layout.startswith("html")
    render(rec, layout, encoding="gbk", traditional=True, seed=1).decode("gb18030")
    assert render(rec, layout, encoding="utf-8-sig", seed=1).startswith(b"\xef\xbb\xbf")


def requests_lines(text: str) -> list[str]:
    start = text.index("三、收到和处理政府信息公开申请情况")
    end = re.search(r"^\W*四、[^\n]*行政复议", text[start:], re.MULTILINE).start() + start
    return text[start:end].splitlines()


def numeric_cells(line: str, layout: str) -> int:
    cells = line.split("\t") if layout == "tabs" else line.split("|") if layout == "pipes" else line.split()
    return sum(bool(re.fullmatch(r"\d+", cell.strip())) for cell in cells)


def recoverable(rec: dict, dropped: list[list[str]]) -> bool:
    """Brute force, independent of the generator: only the printed table satisfies every identity."""
    requests, template = rec["tables"]["requests"], rec["format"]
    options = []
    for row, column in dropped:
        seen = [v for c, v in requests[row].items() if c != column]
        readings = [seen + [sum(seen)]]
        for position in range(6):
            missing = seen[-1] - sum(seen[:-1])
            if missing >= 0:
                readings.append(seen[:position] + [missing] + seen[position:-1] + [seen[-1]])
        options.append([(row, dict(zip(COLUMNS, reading))) for reading in readings])
    consistent = []
    for combination in itertools.product(*options):
        candidate = {**requests, **dict(combination)}
        if not failing_wheres({**rec["tables"], "requests": candidate}, template):
            consistent.append(candidate)
    return bool(consistent) and all(candidate == requests for candidate in consistent)


@pytest.mark.parametrize("layout", DROP_LAYOUTS)
@pytest.mark.parametrize("template", ["2019", "2021"])
@pytest.mark.parametrize("count", [1, 3])
def test_dropped_cells_vanish_and_stay_recoverable(layout: str, template: str, count: int) -> None:
    for seed in range(4):
        rec = record(seed, template)
        data, truth = render_with_truth(rec, layout, drop_cells=count, seed=seed)
        assert len(truth["dropped"]) == count == len({row for row, _ in truth["dropped"]})
        counts = [numeric_cells(line, layout) for line in requests_lines(data.decode())]
        assert counts.count(6) == count
        assert counts.count(7) == len(ROWS[template]) - count
        assert recoverable(rec, truth["dropped"])


def splits(digits: str) -> list[tuple[int, ...]]:
    found = []
    for cuts in itertools.combinations(range(1, len(digits)), 6):
        parts = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)))]
        if all(p == "0" or not p.startswith("0") for p in parts) and int(parts[-1]) == sum(map(int, parts[:-1])):
            found.append(tuple(map(int, parts)))
    return found


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_run_together_rows_split_one_way(template: str) -> None:
    for seed in range(6):
        rec = record(seed, template)
        data, truth = render_with_truth(rec, "run_together", seed=seed)
        words = data.decode().split()
        assert len(truth["run_together"]) >= 3
        for row in truth["run_together"]:
            values = tuple(rec["tables"]["requests"][row].values())
            digits = "".join(map(str, values))
            assert digits in words
            assert splits(digits) == [values]


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_layouts_carry_their_hazards(template: str) -> None:
    rec = record(5, template)
    page = {layout: render(rec, layout, seed=5).decode() for layout in LAYOUTS}
    group_rows = 20 if template == "2019" else 22
    assert 'rowspan="3" colspan="3"' in page["html_clean"] and f'rowspan="{group_rows}"' in page["html_clean"]
    for chrome in ('class="breadcrumb"', "发布时间：", 'class="related"', "ICP备"):
        assert chrome in page["html_clean"]
    word_marks = ("class=MsoNormal", "<o:p></o:p>", "&nbsp;", "rowspan=3 colspan=3")
    assert all(mark in page["html_word"] for mark in word_marks)
    static, script = page["html_script"].split("<script", 1)
    assert "<table" not in static and 'var content = "' in script and "\\u003ctable" in script and '\\"' in script
    assert any(line.startswith("\t\t") for line in page["tabs"].splitlines())
    assert "||" in page["pipes"]
    cells = page["one_cell_per_line"].split("三、收到和处理政府信息公开申请情况")[1].splitlines()
    assert "" in cells and all(len(re.findall(r"\d+", line)) <= 1 for line in cells if line.startswith("\t"))
    markdown = page["markdown_broken"].splitlines()
    assert markdown[0].startswith("# ") and "**" in page["markdown_broken"]
    assert "| 或重新出具已获取信息 |" in markdown
    assert any(re.fullmatch(r"\| \d+( \| \d+){6} \|", line) for line in markdown)  # numbers torn from their label
    assert re.search(r"^一、本年新收政府信息公开申请数量 +\d+( +\d+){6}$", page["spaces"], re.MULTILINE)
