"""Chinese and ISO date strings to ISO dates, with sanity checks.

htmldate misreads ``2024年01月25日`` (it picks the 统计期限 date instead), so dates are read with
our own patterns; converters also lose 年/月 (``2021926``), which we refuse rather than guess.
"""

from __future__ import annotations

import re
from datetime import date

DATE_PATTERN = re.compile(r"((?:19|20)\d{2})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?")
_COMPACT = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})")


def to_iso(year: int, month: int, day: int) -> str | None:
    """ISO string for a plausible calendar date, else ``None``."""
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str | None) -> str | None:
    """The first plausible date in ``text`` (``2024年1月25日``, ``2024-01-25 10:30``, ``20240125``)."""
    if not text:
        return None
    match = DATE_PATTERN.search(text)
    if match:
        return to_iso(*(int(part) for part in match.groups()))
    match = _COMPACT.search(text)
    if match:
        return to_iso(*(int(part) for part in match.groups()))
    return None
