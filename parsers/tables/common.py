"""What the three table readers share: turning aligned cells into record values and findings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from parsers import findings as codes
from parsers.findings import Findings
from parsers.inference import Candidate, Resolved, row_candidates
from parsers.reading import RowRead
from parsers.rows import Value

_NULL_REASONS = {
    "blank": (codes.CELL_BLANK, codes.WARNING, "the cell is empty"),
    "na": (codes.CELL_NOT_APPLICABLE, codes.INFO, "printed as '{raw}' instead of a number"),
    "garbled": (codes.CELL_UNREADABLE, codes.WARNING, "printed value '{raw}' is unreadable"),
}


def as_number(value: Decimal | None, money: bool = False) -> int | float | None:
    """A record cell: int for counts, float for money, None when there is no value."""
    if value is None:
        return None
    if money or value != value.to_integral_value():
        return float(value)
    return int(value)


def direct_values(read: RowRead, width: int) -> list[Value] | None:
    """The values of a read when they fit the columns as printed (None when they do not).

    Grid rows may carry extra empty cells: in the label area (Word tables use real cells instead
    of spans) and after the last column. A positional read sheds blank cells first from its start,
    then from its end, while it has more cells than the template has columns.
    """
    values = list(read.values)
    if read.positional:
        while len(values) > width and values[0].kind == "blank":
            values.pop(0)
        while len(values) > width and values[-1].kind == "blank":
            values.pop()
    return values if len(values) == width else None


def resolve_row(read: RowRead, width: int, identities=()) -> tuple[list[Candidate], list[Value] | None]:
    """Candidates for a read, and its printed values when they fit the columns directly."""
    direct = direct_values(read, width)
    if direct is not None:
        return row_candidates(direct, width), direct
    return row_candidates(read.values, width, identities), None


def report_cells(
    findings: Findings,
    where: str,
    columns: Sequence[str],
    resolved: Resolved,
    direct: list[Value] | None,
    extra: bool = False,
) -> None:
    """Findings for a row's cells: why each null is null, and which values were inferred."""
    if resolved.maybe_inferred:
        among = ", ".join(columns[index] for index in sorted(resolved.maybe_inferred))
        findings.add(codes.CELL_INFERRED, codes.INFO, where,
                     f"a dropped cell was recovered from the template identities; it is one of: {among}")
    for index, column in enumerate(columns):
        place = f"{where}.{column}"
        if index in resolved.inferred and resolved.cells[index] is not None:
            findings.add(codes.CELL_INFERRED, codes.INFO, place,
                         "value recovered from the template identities (a cell was dropped or digits ran together)")
        if resolved.cells[index] is not None:
            continue
        if direct is not None and direct[index].kind in _NULL_REASONS:
            code, severity, message = _NULL_REASONS[direct[index].kind]
            findings.add(code, severity, place, message.format(raw=direct[index].raw))
        elif extra:
            findings.add(codes.CELL_EXTRA, codes.WARNING, place,
                         "the row has more values than the template has columns; cannot tell which is which")
        else:
            findings.add(codes.CELL_MISSING, codes.WARNING, place,
                         "a cell is missing and no unique value fits the template identities")

