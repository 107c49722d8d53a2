"""政府信息公开行政复议、行政诉讼情况: one row of fifteen cells under a two-level header."""

from __future__ import annotations

from parsers import findings as codes
from parsers.findings import Findings
from parsers.inference import agree, row_candidates
from parsers.labels import REVIEW_COLUMN_LABELS, REVIEW_COLUMNS, REVIEW_GROUP_LABELS, REVIEW_GROUPS
from parsers.normalize import label_key
from parsers.rows import BLANK, Row, Value, cell_items
from parsers.tables.common import as_number, report_cells

WIDTH = len(REVIEW_GROUPS) * len(REVIEW_COLUMNS)
_GROUP_WIDTH = len(REVIEW_COLUMNS)
IDENTITIES = tuple((tuple(range(g * _GROUP_WIDTH, g * _GROUP_WIDTH + 4)), g * _GROUP_WIDTH + 4) for g in range(len(REVIEW_GROUPS)))
COLUMN_NAMES = [f"{group}.{column}" for group in REVIEW_GROUPS for column in REVIEW_COLUMNS]


def _header_positions(rows: list[Row]) -> dict[int, int]:
    """Map cell positions of the data row to the fifteen slots, from the header rows' positions.

    A column label (结果维持 …) belongs to the nearest group label (行政复议, 未经复议直接起诉,
    复议后起诉) at or left of its position in the rows above it. Used only when the values do
    not simply number fifteen, e.g. when blank cells must keep their place.
    """
    groups_by_row: list[dict[int, str]] = []
    positions: dict[int, int] = {}
    for row in rows:
        if row.cells is None:
            continue
        keys = {index: label_key(cell) for index, cell in enumerate(row.cells) if cell}
        groups = {index: REVIEW_GROUP_LABELS[key] for index, key in keys.items() if key in REVIEW_GROUP_LABELS}
        for index, key in keys.items():
            column = REVIEW_COLUMN_LABELS.get(key)
            if column is None:
                continue
            for above in reversed(groups_by_row):
                left = [p for p in above if p <= index]
                if left:
                    group = above[max(left)]
                    positions[index] = REVIEW_GROUPS.index(group) * _GROUP_WIDTH + REVIEW_COLUMNS.index(column)
                    break
        if groups:
            groups_by_row.append(groups)
    return positions


def _positional_values(row: Row, positions: dict[int, int]) -> list[Value] | None:
    if row.cells is None or len(set(positions.values())) != WIDTH:
        return None
    slots: list[Value] = [BLANK] * WIDTH
    for index, slot in positions.items():
        cell = row.cells[index] if index < len(row.cells) else None
        items = cell_items(cell) if cell else [BLANK]
        if len(items) != 1 or not isinstance(items[0], Value):
            return None
        slots[slot] = items[0]
    return slots


def read_review(rows: list[Row], findings: Findings) -> dict | None:
    """The review/litigation table as ``{group: {column: value}}``, or None when absent."""
    value_rows = [row for row in rows if any(v.kind != "blank" for v in row.values) and not row.labels]
    if not value_rows:
        return None
    values = [v for row in value_rows for v in row.values if v.kind != "blank"]
    direct = None
    if len(values) == WIDTH:
        direct = values
    elif len(value_rows) == 1:
        direct = _positional_values(value_rows[0], _header_positions(rows))
    candidates = row_candidates(direct, WIDTH) if direct is not None else row_candidates(values, WIDTH, IDENTITIES)
    resolved = agree(candidates, WIDTH)
    table: dict[str, dict] = {group: {} for group in REVIEW_GROUPS}
    for index, name in enumerate(COLUMN_NAMES):
        group, column = name.split(".")
        table[group][column] = as_number(resolved.cells[index])
    report_cells(findings, "review_litigation", COLUMN_NAMES, resolved, direct, extra=direct is None and len(values) > WIDTH)
    for group, cells in table.items():
        parts = [cells[column] for column in REVIEW_COLUMNS[:-1]]
        if cells["total"] is not None and None not in parts and sum(parts) != cells["total"]:
            findings.add(codes.IDENTITY_MISMATCH, codes.ERROR, f"review_litigation.{group}.total",
                         f"总计 ≠ 结果维持 + 结果纠正 + 其他结果 + 尚未审结: printed {cells['total']}, the parts add up to {sum(parts)}")
    return table
