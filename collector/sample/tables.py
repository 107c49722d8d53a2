"""The three report tables as span-aware cell grids, the one model every layout prints from.

A :class:`TableModel` holds the physical rows of a table exactly as the official templates lay them
out in HTML (templates.md §2.3–2.5): the corner cell ``rowspan=3 colspan=3``, the vertical
「三、本年度办理结果」 group, the two-level review header. HTML layouts print it as markup; text
layouts linearise it with :func:`slots` the way converters do (rowspan-covered positions as empty
cells, or dropped). Building the grid once keeps all layouts in agreement about what is printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from collector.sample.labels import (
    APPLICANTS,
    FEE_HEADER_2021,
    FEE_HEADER_2021_FOUR_DECIMALS,
    LEGAL_PERSON_COLUMNS,
    LEGAL_PERSONS,
    LITIGATION,
    LITIGATION_AFTER_REVIEW,
    LITIGATION_DIRECT,
    NATURAL_PERSON,
    PROACTIVE_BLOCKS,
    PROACTIVE_CONTENT,
    PROACTIVE_WIDTH,
    PROCUREMENT_AMOUNT_WAN,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    REVIEW,
    REVIEW_COLUMN_LABELS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    TOTAL,
)
from collector.sample.style import Style, money_text


class Kind(Enum):
    HEADER = "header"  # a column header or block caption
    LABEL = "label"  # a row label (or a group label spanning rows)
    VALUE = "value"  # a number of the record
    BLANK = "blank"  # an empty cell of the template


@dataclass(frozen=True, slots=True)
class Cell:
    """One ``<td>``: its printed text, spans, role and, for values, the (row, column) it holds."""

    text: str
    kind: Kind
    rowspan: int = 1
    colspan: int = 1
    key: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class TableModel:
    """A table of the record (``name`` is its key in ``record["tables"]``) as physical rows of cells."""

    name: str
    rows: tuple[tuple[Cell, ...], ...]
    width: int


class Covered(Enum):
    """What occupies a grid position that no cell starts at."""

    BY_ROWSPAN = "rowspan"
    BY_COLSPAN = "colspan"


def slots(model: TableModel) -> list[list[Cell | Covered]]:
    """Each physical row as ``width`` grid positions: the cell starting there, or how it is covered."""
    grid: dict[tuple[int, int], Cell | Covered] = {}
    for r, row in enumerate(model.rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    grid[(r + dr, c + dc)] = (cell if (dr, dc) == (0, 0)
                                              else Covered.BY_COLSPAN if dr == 0 else Covered.BY_ROWSPAN)
            c += cell.colspan
    return [[grid[(r, c)] for c in range(model.width)] for r in range(len(model.rows))]


def _header(text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
    return Cell(text, Kind.HEADER, rowspan, colspan)


def _value(text: str, row: str, column: str, colspan: int = 1) -> Cell:
    return Cell(text, Kind.VALUE, colspan=colspan, key=(row, column))


def _proactive_value(record: dict, style: Style, row: str, column: str) -> str:
    value = record["tables"]["proactive"][row][column]
    if row == "administrative_fees" and column == "amount_yuan":
        return money_text(value, in_wan=True, four_decimals=style.fee_four_decimals)
    if column == "amount_yuan":
        return money_text(value, in_wan=style.procurement_in_wan, yuan_suffix=not style.procurement_in_wan)
    return str(value)


def _proactive_column_label(record: dict, style: Style, column: str, label: str) -> str:
    if column != "amount_yuan":
        return label
    if record["format"] == "2021":
        return FEE_HEADER_2021_FOUR_DECIMALS if style.fee_four_decimals else FEE_HEADER_2021
    return PROCUREMENT_AMOUNT_WAN if style.procurement_in_wan else label


def proactive_table(record: dict, style: Style) -> TableModel:
    """Table 二: a caption row and a 信息内容 header row per 第二十条 block, then its rows."""
    rows: list[tuple[Cell, ...]] = []
    for block in PROACTIVE_BLOCKS[record["format"]]:
        rows.append((_header(block.caption, colspan=PROACTIVE_WIDTH),))
        single = len(block.columns) == 1  # one value column spans the three value positions
        padding = () if single else (Cell("", Kind.BLANK),) * (PROACTIVE_WIDTH - 1 - len(block.columns))
        span = PROACTIVE_WIDTH - 1 if single else 1
        rows.append((_header(PROACTIVE_CONTENT),)
                    + tuple(_header(_proactive_column_label(record, style, key, label), colspan=span)
                            for key, label in block.columns) + padding)
        for row, label in block.rows:
            if row == "normative_documents" and style.short_normative_label:
                label = "规范性文件"
            rows.append((Cell(label, Kind.LABEL),)
                        + tuple(_value(_proactive_value(record, style, row, key), row, key, span)
                                for key, _ in block.columns) + padding)
    return TableModel("proactive", tuple(rows), PROACTIVE_WIDTH)


def requests_table(record: dict, style: Style) -> TableModel:
    """Table 三: the three header rows, then one row per data row with a 3-column label area."""
    layout = REQUEST_ROWS[record["format"]]
    values = record["tables"]["requests"]
    rows: list[tuple[Cell, ...]] = [
        (_header(style.corner, rowspan=3, colspan=3), _header(APPLICANTS, colspan=7)),
        (_header(NATURAL_PERSON, rowspan=2), _header(LEGAL_PERSONS, colspan=5), _header(TOTAL, rowspan=2)),
        tuple(_header(text) for text in LEGAL_PERSON_COLUMNS),
    ]
    for index, (key, path) in enumerate(layout):
        cells: list[Cell] = []
        for depth, label in enumerate(path):
            if index and layout[index - 1][1][:depth + 1] == path[:depth + 1]:
                continue  # covered by the group label's rowspan
            rowspan = 1
            while index + rowspan < len(layout) and layout[index + rowspan][1][:depth + 1] == path[:depth + 1]:
                rowspan += 1
            colspan = 3 - depth if depth == len(path) - 1 else 1
            cells.append(Cell(style.label(label), Kind.LABEL, rowspan, colspan))
        cells += [_value(str(values[key][column]), key, column) for column in REQUEST_COLUMNS]
        rows.append(tuple(cells))
    return TableModel("requests", tuple(rows), 3 + len(REQUEST_COLUMNS))


def review_table(record: dict) -> TableModel:
    """Table 四: 行政复议 (5 columns) and 行政诉讼 (2 × 5 columns) over a single row of 15 numbers."""
    values = record["tables"]["review_litigation"]
    width = len(REVIEW_COLUMNS)
    rows = (
        (_header(REVIEW, colspan=width), _header(LITIGATION, colspan=2 * width)),
        tuple(_header(text, rowspan=2) for text in REVIEW_COLUMN_LABELS)
        + (_header(LITIGATION_DIRECT, colspan=width), _header(LITIGATION_AFTER_REVIEW, colspan=width)),
        tuple(_header(text) for text in REVIEW_COLUMN_LABELS * 2),
        tuple(_value(str(values[group][column]), group, column)
              for group in REVIEW_GROUPS for column in REVIEW_COLUMNS),
    )
    return TableModel("review_litigation", rows, 3 * width)
