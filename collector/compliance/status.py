"""The status of one agency-year as of a date, from its deadline, its report and the portal's health.

``missing`` is only said when we could look and found nothing: a portal we could not reach,
that blocked us or that robots.txt closed to us gives ``unknown``, never ``missing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

ON_TIME, LATE, MISSING, UNKNOWN, NOT_YET_DUE = "on_time", "late", "missing", "unknown", "not_yet_due"
#: Crawl outcomes after which the absence of a report says nothing about the agency.
UNOBSERVED = frozenset({"unreachable", "blocked", "robots_denied"})


@dataclass(frozen=True, slots=True)
class Status:
    status: str
    days_late: int | None = None
    reason: str = ""


def judge(due: date, as_of: date, published_at: date | None, portal_health: str | None) -> Status:
    """Status of a report due on ``due``, as of ``as_of``.

    ``published_at`` is the decided publication date (None: no report found); ``portal_health``
    is the outcome of the last crawl of the agency (``ok``, ``no_report_found``, ``unreachable``…).
    """
    if published_at is not None and published_at <= as_of:
        if published_at <= due:
            return Status(ON_TIME, 0, f"published {published_at}, due {due}")
        return Status(LATE, (published_at - due).days, f"published {published_at}, {(published_at - due).days} days after {due}")
    if as_of <= due:
        return Status(NOT_YET_DUE, None, f"due {due}")
    if portal_health is None or portal_health in UNOBSERVED:
        why = "never crawled" if portal_health is None else f"portal {portal_health}"
        return Status(UNKNOWN, None, f"no report seen, but we could not look ({why})")
    return Status(MISSING, None, f"deadline {due} passed ({(as_of - due).days} days ago), no report found on a reachable portal")
