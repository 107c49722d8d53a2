"""The legal deadline of an agency's report for a year (政府信息公开条例 art. 49; spec/registry.md).

Report years up to 2018 fall under the 2007 条例 (31 March for everyone); from 2019 departments
report by 31 January and county-level and higher governments by 31 March of the following year.
Townships and other bodies have no national deadline: the registry default decides and the
result says the deadline was assumed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

LAST_2007_REGIME_YEAR = 2018
STATUTORY = {"department": "01-31", "government": "03-31"}
DEFAULT_TOWNSHIP_DEADLINE = "03-31"
_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


@dataclass(frozen=True, slots=True)
class Deadline:
    """When the report was due, and on what basis."""

    due: date
    assumed: bool
    basis: str


def _on(year: int, month_day: str) -> date:
    match = _MONTH_DAY.match(month_day.strip())
    if match is None:
        raise ValueError(f"deadline {month_day!r} is not MM-DD")
    return date(year, int(match.group(1)), int(match.group(2)))


def deadline_for(kind: str, report_year: int, override: str | None = None,
                 township_deadline: str | None = None) -> Deadline:
    """The deadline of ``kind``'s report for ``report_year`` (due in the following year)."""
    due_year = report_year + 1
    if override:
        return Deadline(_on(due_year, override), False, f"registry override {override}")
    if report_year <= LAST_2007_REGIME_YEAR:
        return Deadline(date(due_year, 3, 31), False, "2007 条例 第三十一条: 3月31日 for every organ")
    if kind in STATUTORY:
        article = "第一款" if kind == "department" else "第二款"
        return Deadline(_on(due_year, STATUTORY[kind]), False, f"2019 条例 第四十九条{article}")
    month_day = township_deadline or DEFAULT_TOWNSHIP_DEADLINE
    return Deadline(_on(due_year, month_day), True, f"no national deadline for {kind}; registry default {month_day}")
