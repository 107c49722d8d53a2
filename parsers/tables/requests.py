"""收到和处理政府信息公开申请情况: seven applicant columns × the outcome rows of the template."""

from __future__ import annotations

from parsers import findings as codes
from parsers.findings import Findings
from parsers.inference import Candidate, agree, solve_column_sums
from parsers.labels import OTHER_SUBROWS, OUTCOME_ROWS, REQUEST_COLUMNS, REQUEST_ROWS, ROWS_2019, ROWS_2021
from parsers.reading import RowReader
from parsers.rows import Label, Row
from parsers.tables.common import as_number, report_cells, resolve_row

WIDTH = len(REQUEST_COLUMNS)
ROW_IDENTITY = ((tuple(range(WIDTH - 1)), WIDTH - 1),)  # total = the six applicant columns
_INDEX = {row.key: index for index, row in enumerate(REQUEST_ROWS)}
_WEAK_REACH = 4  # a generic label (总计, 其他) names a row only this close after the last one read
_BALANCE_ROWS = ("new_received", "carried_over", "total_processed", "carried_forward")


def match_label(label: Label, last_key: str | None) -> str | None:
    """The template row a label names, or None (headers, group labels, narrative).

    A label that names several rows (``（六）其他处理 1.申请人无正当理由逾期不补正…`` in one cell)
    names the one whose keyword comes last: the sub-row follows its group.
    """
    last = _INDEX[last_key] if last_key else -1
    best: tuple[int, str] | None = None
    for row in REQUEST_ROWS:
        if row.weak:
            if label.key in row.keywords and last < _INDEX[row.key] <= last + _WEAK_REACH:
                return row.key
            continue
        position = max((label.key.rfind(keyword) for keyword in row.keywords), default=-1)
        if position >= 0 and (best is None or position > best[0]):
            best = (position, row.key)
    return best[1] if best else None


def _group_heading(new_key: str, waiting_key: str) -> bool:
    """In 2021 reports （六）其他处理 heads the three sub-rows and has no numbers of its own."""
    return new_key in OTHER_SUBROWS and waiting_key == "other_processing"


def _balance_holds(chosen: dict[str, Candidate]) -> bool:
    """一 + 二 = 三（七） + 四 per column, for a choice of readings of those rows (unknowns match)."""
    rows = [chosen.get(key) for key in _BALANCE_ROWS]
    if any(row is None for row in rows):
        return True
    new, carried, processed, forward = (row.cells for row in rows)
    for column in range(WIDTH):
        values = (new[column], carried[column], processed[column], forward[column])
        if None not in values and values[0] + values[1] != values[2] + values[3]:
            return False
    return True


def read_requests(rows: list[Row], findings: Findings, template: str | None) -> dict | None:
    """The requests table as ``{row: {column: value}}``, or None when the rows hold no such table."""
    reader = RowReader(match_label, lambda key: WIDTH, _group_heading)
    for row in rows:
        reader.feed(row)
    reads = {key: read for key, read in reader.reads.items() if read.values}
    if not reads:
        return None

    candidates: dict[str, list[Candidate]] = {}
    printed: dict[str, list | None] = {}
    for key, read in reads.items():
        found, direct = resolve_row(read, WIDTH, ROW_IDENTITY)
        candidates[key] = found or [Candidate((None,) * WIDTH)]
        printed[key] = direct
    if any(len(found) > 1 for found in candidates.values()):
        outcome_keys = [key for key in OUTCOME_ROWS if key in candidates]
        fixed = {key: candidates[key] for key in _BALANCE_ROWS if key in candidates}
        parts, fixed = solve_column_sums([candidates[key] for key in outcome_keys], fixed, WIDTH, "total_processed",
                                         _balance_holds)
        candidates.update(zip(outcome_keys, parts))
        candidates.update(fixed)

    uses_subrows = any(key in reads for key in OTHER_SUBROWS) or ("other_processing" not in reads and template != "2019")
    layout = ROWS_2021 if uses_subrows else ROWS_2019
    table: dict[str, dict] = {}
    for key in layout:
        if key not in candidates:
            table[key] = dict.fromkeys(REQUEST_COLUMNS)
            findings.add(codes.ROW_MISSING, codes.WARNING, f"requests.{key}", "row not found in the requests table")
            continue
        resolved = agree(candidates[key], WIDTH)
        extra = printed[key] is None and len(reads[key].values) > WIDTH
        report_cells(findings, f"requests.{key}", REQUEST_COLUMNS, resolved, printed[key], extra)
        table[key] = {column: as_number(value) for column, value in zip(REQUEST_COLUMNS, resolved.cells)}
    check_requests(table, findings)
    return table


def _mismatch(findings: Findings, where: str, printed, expected, what: str) -> None:
    findings.add(codes.IDENTITY_MISMATCH, codes.ERROR, where,
                 f"{what}: printed {printed}, the parts add up to {expected}")


def check_requests(table: dict[str, dict], findings: Findings) -> None:
    """Every identity of the template: row totals, the outcome sum, and the balance per column."""
    for key, cells in table.items():
        parts = [cells[column] for column in REQUEST_COLUMNS[:-1]]
        if cells["total"] is not None and None not in parts and sum(parts) != cells["total"]:
            _mismatch(findings, f"requests.{key}.total", cells["total"], sum(parts), "总计 ≠ sum of the applicant columns")
    outcomes = [table[key] for key in OUTCOME_ROWS if key in table]
    for column in REQUEST_COLUMNS:
        processed = table.get("total_processed", {}).get(column)
        values = [row[column] for row in outcomes]
        if processed is not None and None not in values and sum(values) != processed:
            _mismatch(findings, f"requests.total_processed.{column}", processed, sum(values),
                      "（七）总计 ≠ sum of the outcome rows")
        balance = [table.get(key, {}).get(column) for key in _BALANCE_ROWS]
        if None not in balance and balance[0] + balance[1] != balance[2] + balance[3]:
            _mismatch(findings, f"requests.carried_forward.{column}", balance[2] + balance[3], balance[0] + balance[1],
                      "一 + 二 ≠ 三（七） + 四 (the identity stated in the table's corner)")

