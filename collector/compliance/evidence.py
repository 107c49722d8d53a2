"""Which date says when a report was published, and where the pieces of evidence disagree.

Evidence is ranked (issue "Compliance"): the page's own publication metadata, the visible
发布日期/发布时间 line, the list-page date, the signature date, the date in the URL (weak: CMS
migrations rewrite URLs) and, as the last resort, the first time we saw the report, which only
says "published no later than". Every piece is kept; the first present one decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

RANKING = ("page_meta", "page_line", "list_date", "signature", "url_date", "first_seen")
WEAK = frozenset({"url_date", "first_seen"})
_URL_DATES = (
    re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_"),                 # TRS: /202401/t20240125_123.html
    re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/"),        # Hanweb: /art/2024/1/25/art_…
    re.compile(r"/((?:19|20)\d{2})-?(\d{2})-?(\d{2})/"),              # /20240125/ or /2024-01-25/
    re.compile(r"/((?:19|20)\d{2})(\d{2})/(\d{2})/"),                 # /202401/25/
)


@dataclass(frozen=True, slots=True)
class Evidence:
    source: str
    date: date

    def as_dict(self) -> dict:
        return {"source": self.source, "date": self.date.isoformat(), "weak": self.source in WEAK}


@dataclass(frozen=True, slots=True)
class Decision:
    """The decided date, which evidence decided it, and the conflicts worth a look."""

    date: date | None
    source: str | None
    no_later_than: bool
    conflicts: tuple[str, ...]
    evidence: tuple[Evidence, ...]


def url_date(url: str | None) -> date | None:
    """A date written into a portal URL, if one of the common CMS patterns matches."""
    for pattern in _URL_DATES if url else ():
        match = pattern.search(url)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                continue
    return None


def decide(evidence: list[Evidence]) -> Decision:
    """Pick the best-ranked evidence and flag list/URL dates that disagree with the page."""
    by_source = {piece.source: piece for piece in sorted(evidence, key=lambda e: RANKING.index(e.source))}
    ordered = tuple(by_source[source] for source in RANKING if source in by_source)
    if not ordered:
        return Decision(None, None, False, (), ())
    winner = ordered[0]
    page = by_source.get("page_meta") or by_source.get("page_line")
    conflicts = []
    for other in ("list_date", "url_date", "signature"):
        piece = by_source.get(other)
        if page is not None and piece is not None and piece.date != page.date:
            conflicts.append(f"{other} {piece.date} ≠ page date {page.date}")
    return Decision(winner.date, winner.source, winner.source == "first_seen", tuple(conflicts), ordered)
