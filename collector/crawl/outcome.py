"""One agency's crawl: what was fetched and found, what went wrong, and the status that sums it up.

Statuses keep "nothing published" apart from "we could not look" (style.md, Open States): ``ok``
(at least one report found), ``no_report_found`` (the column was read, no report in the years),
``column_not_found`` (the portal answered but no 年报 column was found), ``unreachable`` (the portal
never answered usefully), ``blocked`` (an anti-bot challenge or WAF page, with the reason) and
``robots_denied`` (robots.txt forbids the way in).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

OK, NO_REPORT, NO_COLUMN, UNREACHABLE, BLOCKED, ROBOTS_DENIED = (
    "ok", "no_report_found", "column_not_found", "unreachable", "blocked", "robots_denied")
STATUSES = (OK, NO_REPORT, NO_COLUMN, UNREACHABLE, BLOCKED, ROBOTS_DENIED)

#: At most this many error lines are kept per agency: the first ones say what went wrong.
MAX_ERRORS = 20


@dataclass
class AgencyCrawl:
    """The running record of one agency; the spider updates it, the ledger stores it when the agency is done."""

    agency_id: str
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started: float = field(default_factory=time.monotonic)
    pending: int = 0          # requests sent for this agency whose callback or errback has not run
    pages: int = 0            # column, list and API pages read
    documents: int = 0        # report pages and attachments handed over to be stored (new or changed bytes)
    unchanged: int = 0        # report pages and attachments whose bytes had not changed (or answered 304)
    reports: int = 0          # report pages found in the years asked for
    answered: bool = False    # the portal answered at least one request with a page
    column_found: bool = False
    blocked: str | None = None
    robots_denied: str | None = None
    discovering: bool = False  # the way in is discovery from the home page (no or a stale report_pages)
    errors: list[str] = field(default_factory=list)
    revisited: bool = False   # documents listed in earlier crawls but not now were asked for again
    gone: list[str] = field(default_factory=list)  # … and answered "not found": taken down
    seen: set[tuple[str, ...]] = field(default_factory=set)  # requests already made (callback, method, URL, form)
    requests: int = 0

    def error(self, message: str) -> None:
        if len(self.errors) < MAX_ERRORS and message not in self.errors:
            self.errors.append(message)

    @property
    def duration(self) -> float:
        return time.monotonic() - self.started

    def status(self) -> tuple[str, str | None]:
        """The agency's status and its reason."""
        if self.blocked:
            return BLOCKED, self.blocked
        if self.reports:
            return OK, None
        if self.robots_denied and not self.column_found:
            return ROBOTS_DENIED, self.robots_denied
        if not self.answered:
            return UNREACHABLE, self.errors[0] if self.errors else "no answer"
        if not self.column_found:
            return NO_COLUMN, "no 年报 column found from the home page"
        return NO_REPORT, "the column lists no report for the years asked"
