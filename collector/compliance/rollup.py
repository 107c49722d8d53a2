"""Counts of statuses by region, level and kind, with the on-time rate oversight offices report."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

STATUSES = ("on_time", "late", "missing", "unknown", "not_yet_due")
VIEWS = ("region", "level", "kind")


def on_time_rate(counts: Counter) -> float | None:
    """Share published on time among the agency-years that were due and observed (None if none)."""
    judged = counts["on_time"] + counts["late"] + counts["missing"]
    return round(counts["on_time"] / judged, 4) if judged else None


def rollups(rows: Iterable[dict]) -> dict[str, list[dict]]:
    """``{view: [{key, total, <status>: n, on_time_rate}]}`` for each of region, level and kind."""
    grouped: dict[str, dict[str, Counter]] = {view: defaultdict(Counter) for view in VIEWS}
    for row in rows:
        for view in VIEWS:
            grouped[view][row.get(view) or "—"][row["status"]] += 1
    return {
        view: [{"key": key, "total": sum(counts.values()), **{s: counts[s] for s in STATUSES},
                "on_time_rate": on_time_rate(counts)}
               for key, counts in sorted(groups.items())]
        for view, groups in grouped.items()
    }
