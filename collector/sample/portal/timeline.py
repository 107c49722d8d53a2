"""When each agency-year report really appears, is corrected, or disappears.

This is the ground truth the compliance module is judged against: a true publication date that
is on time, late by some days, or never, measured against the statutory deadline of
registry.md. Dates are drawn per (agency, year), independent of the "as of" date, so moving the
clock only reveals more of one fixed history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from collector.sample.portal.rng import rng, weighted

#: Report years up to this one fall under the 2007 条例 (everyone by 31 March) and the legacy layout.
LAST_LEGACY_YEAR = 2018


@dataclass(frozen=True, slots=True)
class Publication:
    """The history of one agency-year report."""

    year: int
    deadline: date
    status: str               # on_time | late | never
    published: date | None
    revised: date | None = None   # a corrected version replaces the first from this day
    removed: date | None = None   # the report is taken down on this day

    @property
    def days_late(self) -> int | None:
        return (self.published - self.deadline).days if self.published and self.published > self.deadline else None

    def listed(self, as_of: date) -> bool:
        """Whether the report is online on ``as_of``."""
        return (self.published is not None and self.published <= as_of
                and (self.removed is None or as_of < self.removed))


def template_for(year: int) -> str:
    """The national table template a report of ``year`` follows (templates.md §1.3)."""
    if year <= LAST_LEGACY_YEAR:
        return "legacy"
    return "2019" if year <= 2020 else "2021"


def deadline(kind: str, year: int) -> date:
    """Statutory deadline (registry.md): departments by 31 January from the 2019 reports on, else 31 March."""
    if kind == "department" and year > LAST_LEGACY_YEAR:
        return date(year + 1, 1, 31)
    return date(year + 1, 3, 31)


def publication(seed: int | str, agency_index: int, kind: str, year: int) -> Publication:
    """The drawn history of agency ``agency_index``'s report for ``year``."""
    r = rng(seed, "timeline", agency_index, year)
    due = deadline(kind, year)
    status = weighted(r, (("on_time", 76), ("late", 16), ("never", 8)))
    if status == "never":
        return Publication(year, due, status, None)
    if status == "on_time":
        earliest = date(year + 1, 1, 6)
        published = earliest + timedelta(days=r.randint(0, (due - earliest).days))
    else:
        published = due + timedelta(days=r.randint(1, 150))
    fate = weighted(r, (("kept", 91), ("revised", 6), ("removed", 3)))
    revised = published + timedelta(days=r.randint(7, 90)) if fate == "revised" else None
    removed = published + timedelta(days=r.randint(30, 400)) if fate == "removed" else None
    return Publication(year, due, status, published, revised, removed)
