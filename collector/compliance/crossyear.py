"""Checks between a report and the same agency's report of the year before."""

from __future__ import annotations

from parsers.labels import REQUEST_COLUMNS

_IN_FORCE_ROWS = ("regulations", "normative_documents")


def cross_year_findings(current: dict, previous: dict | None) -> list[str]:
    """Human-readable problems: 上年结转 ≠ last year's 结转下年度, 现行有效件数 not rolling forward,
    or a report whose tables are the same as last year's."""
    if previous is None:
        return []
    problems: list[str] = []
    carried_over = current["tables"].get("requests", {}).get("carried_over", {})
    carried_forward = previous["tables"].get("requests", {}).get("carried_forward", {})
    for column in REQUEST_COLUMNS:
        now, before = carried_over.get(column), carried_forward.get(column)
        if now is not None and before is not None and now != before:
            problems.append(f"上年结转 {column} {now} ≠ last year's 结转下年度 {before}")
    if current.get("format") == "2021" and previous.get("format") == "2021":
        for row in _IN_FORCE_ROWS:
            now, before = current["tables"]["proactive"].get(row, {}), previous["tables"]["proactive"].get(row, {})
            values = (before.get("in_force"), now.get("issued"), now.get("repealed"), now.get("in_force"))
            if None not in values and values[0] + values[1] - values[2] != values[3]:
                problems.append(f"现行有效件数 of {row} does not roll forward: {values[0]} + {values[1]} - {values[2]} "
                                f"≠ {values[3]}")
    if any(current["tables"].values()) and current["tables"] == previous["tables"]:
        problems.append("every table is the same as last year's report")
    return problems
