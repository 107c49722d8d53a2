"""The parser reads the same report back from every layout a portal or converter produces.

Each case renders one generated record (``collector.sample``) and parses the bytes with no hints.
What is demanded follows spec/record.md: the tables exactly, the year and format, and the findings
the record says a correct parser must emit (compared by code and where). When a converter dropped
cells, each requests cell must be the true value (a dropped one then carries a ``cell_inferred``
finding naming the cell, or its row when equal neighbours make the vanished position unknowable)
or ``null`` with a finding naming it: a wrong number is never acceptable.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pytest

from collector.sample import LAYOUTS, PUBLISHER_ERRORS, make_record, render_with_truth
from collector.sample.render import DROP_LAYOUTS
from parsers import parse_bytes

AGENCIES = ("新乡市住房和城乡建设局", "辉县市人民政府", "桃江县松木塘镇人民政府", "嘉兴市住房和城乡建设局",
            "西安市高陵区行政审批服务局", "根河市住房和城乡建设局")


@dataclass(frozen=True)
class Case:
    seed: int
    template: str
    layout: str
    year: int = 0  # 0: a year the template is in force for
    traditional: bool = False
    encoding: str = "utf-8"
    error: str | None = None
    drop_cells: int = 0

    @property
    def report_year(self) -> int:
        return self.year or (2019 + self.seed % 2 if self.template == "2019" else 2021 + self.seed % 4)

    def __str__(self) -> str:
        extras = [self.encoding] + ["traditional"] * self.traditional + [self.error or ""] + \
                 [f"drop{self.drop_cells}"] * bool(self.drop_cells) + [str(self.year)] * bool(self.year)
        return "-".join([self.layout, self.template, str(self.seed), *filter(None, extras)])


def _cases() -> list[Case]:
    templates = ("2019", "2021")
    cases = [Case(seed, template, layout) for seed in (1, 2, 3) for template in templates for layout in LAYOUTS]
    cases += [Case(4, template, layout, traditional=True) for template in templates for layout in LAYOUTS]
    cases += [Case(5, template, layout, encoding="gbk") for template in templates for layout in LAYOUTS]
    cases += [Case(6, template, layout, encoding=encoding, traditional=True)
              for template in templates for layout in ("html_clean", "tabs") for encoding in ("gb18030", "utf-8-sig")]
    cases += [Case(7, template, layout, error=error)
              for error in PUBLISHER_ERRORS for template in templates for layout in LAYOUTS]
    cases += [Case(seed, template, layout, drop_cells=count)
              for seed in (8, 9) for template in templates for layout in DROP_LAYOUTS for count in (1, 3)]
    cases += [Case(10, "2019", layout, year=2022) for layout in LAYOUTS]  # an outdated template
    return cases


CASES = _cases()


@lru_cache(maxsize=None)
def _parsed(case: Case) -> tuple[dict, dict, dict]:
    """The record, what the renderer damaged, and the parser's record, computed once per case."""
    record = make_record(case.seed, agency=AGENCIES[case.seed % len(AGENCIES)], year=case.report_year,
                         template=case.template, publisher_error=case.error)
    data, truth = render_with_truth(record, case.layout, traditional=case.traditional, encoding=case.encoding,
                                    drop_cells=case.drop_cells, seed=case.seed)
    return record, truth, parse_bytes(data)


def _names(where: str, cell: str) -> bool:
    """Whether a finding's ``where`` names ``cell`` itself or a row or table containing it."""
    return where == cell or cell.startswith(where + ".")


@pytest.mark.parametrize("case", CASES, ids=str)
def test_year_and_format(case: Case) -> None:
    record, _, parsed = _parsed(case)
    assert (parsed["year"], parsed["format"]) == (record["year"], record["format"])


@pytest.mark.parametrize("case", [case for case in CASES if not case.drop_cells], ids=str)
def test_tables_are_read_exactly(case: Case) -> None:
    record, _, parsed = _parsed(case)
    for table in ("proactive", "requests", "review_litigation"):
        assert parsed["tables"][table] == record["tables"][table], table


@pytest.mark.parametrize("case", [case for case in CASES if case.drop_cells], ids=str)
def test_dropped_cells_are_inferred_or_null_never_wrong(case: Case) -> None:
    record, truth, parsed = _parsed(case)
    assert parsed["tables"]["proactive"] == record["tables"]["proactive"]
    assert parsed["tables"]["review_litigation"] == record["tables"]["review_litigation"]
    expected, got = record["tables"]["requests"], parsed["tables"]["requests"]
    assert {row: set(cells) for row, cells in got.items()} == {row: set(cells) for row, cells in expected.items()}
    dropped = {tuple(cell) for cell in truth["dropped"]}
    findings = parsed["findings"]
    for row, cells in expected.items():
        for column, value in cells.items():
            where = f"requests.{row}.{column}"
            if got[row][column] is None:
                assert any(_names(f["where"], where) for f in findings), f"{where} is null without a finding"
                continue
            assert got[row][column] == value, f"{where}: read {got[row][column]}, printed {value}"
            if (row, column) in dropped:  # the row is named when equal neighbours hide which cell went
                assert any(f["code"] == "cell_inferred" and f["where"] in (where, f"requests.{row}")
                           for f in findings), f"{where} was inferred without a cell_inferred finding"


@pytest.mark.parametrize("case", [case for case in CASES if case.error or case.year], ids=str)
def test_expected_findings_are_reported(case: Case) -> None:
    record, _, parsed = _parsed(case)
    expected = {(f["code"], f["where"]) for f in record["findings"]}
    assert expected
    assert expected <= {(f["code"], f["where"]) for f in parsed["findings"]}
