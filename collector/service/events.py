"""What changed since the last snapshot, as events: one function finds them, one sentence describes each.

Status events compare each agency-year's new judgment with the stored one it replaces. The first
judgment of an agency-year is the baseline and makes no event, so a new database (or a newly
judged year) does not announce every agency at once. Portal events fire on the night a portal
has been unreachable (or blocked) for exactly the threshold of crawls in a row: once per streak,
not every night after.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

REPORT_APPEARED = "report_appeared"
BECAME_LATE = "became_late"
BECAME_MISSING = "became_missing"
REPORT_REVISED = "report_revised"
REPORT_REMOVED = "report_removed"
PORTAL_UNREACHABLE = "portal_unreachable"
PORTAL_BLOCKED = "portal_blocked"
KINDS = (REPORT_APPEARED, BECAME_LATE, BECAME_MISSING, REPORT_REVISED, REPORT_REMOVED, PORTAL_UNREACHABLE,
         PORTAL_BLOCKED)
#: Crawl outcomes that make a portal event, and the event each makes.
FAILURES = {"unreachable": PORTAL_UNREACHABLE, "blocked": PORTAL_BLOCKED}


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    agency_id: str
    year: int | None
    detail: dict[str, Any]


def _iso(value: date | str | None) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def status_changes(rows: Sequence[dict], previous: Mapping[tuple[str, int], dict]) -> list[Change]:
    """The events between the stored judgments (``previous``) and the new compliance ``rows``."""
    changes = []
    for row in rows:
        before = previous.get((row["agency_id"], row["year"]))
        if before is None:
            continue
        detail = {"status": row["status"], "previous_status": before["status"], "deadline": row["deadline"],
                  "published_at": row["published_at"], "days_late": row["days_late"], "report_url": row["report_url"]}
        found: list[tuple[str, dict[str, Any]]] = []
        if row["report_id"] is not None and before["report_id"] is None:
            found.append((REPORT_APPEARED, {}))
        if row["status"] != before["status"] and row["status"] == "late":
            found.append((BECAME_LATE, {}))
        if row["status"] != before["status"] and row["status"] == "missing":
            found.append((BECAME_MISSING, {}))
        if revised := sorted(set(row["revised"]) - set(before.get("revised") or ())):
            found.append((REPORT_REVISED, {"revised_on": revised}))
        if row["removed"] and not before.get("removed"):
            found.append((REPORT_REMOVED, {"previous_published_at": _iso(before["published_at"])}))
        changes += [Change(kind, row["agency_id"], row["year"], {**detail, **extra}) for kind, extra in found]
    return changes


def failure_changes(streaks: Mapping[str, tuple[str, int, str | None]], threshold: int) -> list[Change]:
    """Portal events for the streaks (agency → status, crawls in a row, reason) that just reached ``threshold``."""
    return [Change(FAILURES[status], agency_id, None, {"status": status, "nights": nights, "reason": reason})
            for agency_id, (status, nights, reason) in sorted(streaks.items()) if nights == threshold]


def describe(kind: str, detail: Mapping[str, Any]) -> str:
    """One sentence for people (e-mail, `collector events`, logs)."""
    if kind == REPORT_APPEARED:
        late = f", {detail.get('days_late')} days late" if detail.get("status") == "late" else ""
        published = detail.get("published_at") or "on an unknown date"
        return f"report appeared, published {published} ({detail.get('status')}{late})"
    if kind == BECAME_LATE:
        return (f"late: published {detail.get('published_at')}, {detail.get('days_late')} days after the deadline "
                f"{detail.get('deadline')}")
    if kind == BECAME_MISSING:
        return f"missing: the deadline {detail.get('deadline')} passed and no report was found"
    if kind == REPORT_REVISED:
        return f"report revised on {', '.join(detail.get('revised_on') or ())}"
    if kind == REPORT_REMOVED:
        return f"report removed from the portal ({detail.get('report_url')})"
    if kind in (PORTAL_UNREACHABLE, PORTAL_BLOCKED):
        return (f"portal {detail.get('status')} {detail.get('nights')} crawls in a row: "
                f"{detail.get('reason') or 'no reason given'}")
    return kind
