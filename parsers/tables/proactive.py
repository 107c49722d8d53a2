"""主动公开政府信息情况: the 第二十条 blocks, whose columns differ between the 2019 and 2021 templates."""

from __future__ import annotations

from decimal import Decimal

from parsers import findings as codes
from parsers.findings import Findings
from parsers.inference import agree
from parsers.labels import MONEY_COLUMNS, MONEY_HEADERS, PROACTIVE_COLUMNS, PROACTIVE_ROWS
from parsers.reading import RowReader
from parsers.rows import Label, Row
from parsers.tables.common import as_number, report_cells, resolve_row

_MAX_ROW_LABEL = 40
_TEN_THOUSAND = Decimal(10000)
#: Unit of the money column when the table does not print one (templates.md §2.3).
_DEFAULT_UNIT = {"2021": "万元", "2019": "元"}


def match_label(label: Label, last_key: str | None) -> str | None:
    """The proactive row a label names (规章, 行政规范性文件, 行政许可 …), or None."""
    if len(label.key) > _MAX_ROW_LABEL:
        return None
    for row in PROACTIVE_ROWS:
        if any(keyword in label.key for keyword in row.keywords):
            return row.key
    return None


def _money_unit(rows: list[Row]) -> str | None:
    """The unit a money column header states (万元 or 元), if any."""
    for row in rows:
        for label in row.labels:
            if any(header in label.key for header in MONEY_HEADERS):
                if "万元" in label.key:
                    return "万元"
                if "元" in label.key.split("金额", 1)[-1]:
                    return "元"
    return None


def _to_yuan(value: Decimal | None, cell_unit: str | None, table_unit: str) -> Decimal | None:
    if value is None:
        return None
    return value * _TEN_THOUSAND if (cell_unit or table_unit) == "万元" else value


def read_proactive(rows: list[Row], findings: Findings, template: str) -> dict | None:
    """The proactive table as ``{row: {column: value}}`` for the given template, or None when absent."""
    layout = PROACTIVE_COLUMNS[template]
    reader = RowReader(match_label, lambda key: len(layout.get(key, ())) or 1)
    for row in rows:
        reader.feed(row)
    reads = {key: read for key, read in reader.reads.items() if read.values}
    if not reads:
        return None
    stated_unit = _money_unit(rows)
    table: dict[str, dict] = {}
    for key, columns in layout.items():
        read = reads.get(key)
        if read is None:
            table[key] = dict.fromkeys(columns)
            findings.add(codes.ROW_MISSING, codes.WARNING, f"proactive.{key}", "row not found in the proactive table")
            continue
        candidates, direct = resolve_row(read, len(columns))
        resolved = agree(candidates, len(columns))
        report_cells(findings, f"proactive.{key}", columns, resolved, direct, extra=len(read.values) > len(columns))
        cells: dict = {}
        for index, column in enumerate(columns):
            value = resolved.cells[index]
            if column in MONEY_COLUMNS:
                cell_unit = direct[index].unit if direct is not None else None
                if cell_unit is None and stated_unit is None and value is not None:
                    findings.add(codes.UNIT_ASSUMED, codes.INFO, f"proactive.{key}.{column}",
                                 f"no unit printed; read as {_DEFAULT_UNIT[template]} per the {template} template")
                value = _to_yuan(value, cell_unit, stated_unit or _DEFAULT_UNIT[template])
            cells[column] = as_number(value, money=column in MONEY_COLUMNS)
        table[key] = cells
    return table
