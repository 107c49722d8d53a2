"""Split the row stream into the report's six sections and the zones of its three tables.

Headings are the strongest signal; when a converter lost them, the tables' own anchors (第二十条,
本年新收…, 行政复议) open their zones. Only short rows can be headings: a narrative sentence that
mentions a heading is not one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from parsers.labels import (HEADING_NUMERAL, MAX_HEADING_KEY_LENGTH, MAX_LABEL_LENGTH, PROACTIVE_ANCHORS,
                            REQUESTS_ANCHORS, SECTION_HEADINGS, SECTION_KEYS)
from parsers.rows import Row

_SUBSECTION = re.compile(r"^\s*[#*\s]*[(（][一二三四五六七八九十\d]+[)）]")
_ZONE_OF_SECTION = {"proactive": "proactive", "requests": "requests", "review_litigation": "review"}


@dataclass(slots=True)
class Layout:
    """Which sections have a heading, the rows of each table zone, and each section's text."""

    headings: set[str] = field(default_factory=set)
    zones: dict[str, list[Row]] = field(default_factory=lambda: {"proactive": [], "requests": [], "review": []})
    section_text: dict[str, list[str]] = field(default_factory=lambda: {key: [] for key in SECTION_KEYS})


def section_heading(row: Row) -> str | None:
    """The section a row heads, if it is a heading (one short label, not a numbered sub-heading)."""
    if len(row.items) != 1 or row.values:
        return None
    label = row.labels[0]
    if len(label.key) > MAX_HEADING_KEY_LENGTH or _SUBSECTION.match(label.text):
        return None
    for key, pattern in SECTION_HEADINGS.items():
        if pattern.search(label.key):
            return key
    return None


def _anchor_zone(row: Row, zone: str | None) -> str | None:
    keys = [label.key for label in row.labels if len(label.key) <= MAX_LABEL_LENGTH]
    if any(anchor in key for key in keys for anchor in PROACTIVE_ANCHORS):
        return "proactive"
    if zone != "requests" and any(anchor in key for key in keys for anchor in REQUESTS_ANCHORS):
        return "requests"
    if zone != "review" and any(key.startswith("行政复议") and len(key) <= 10 or key == "结果维持" for key in keys):
        return "review"
    return zone


def split_sections(rows: list[Row]) -> Layout:
    """Assign every row to a section and, for table rows, to a table zone."""
    layout = Layout()
    zone: str | None = None
    section: str | None = None
    for row in rows:
        heading = section_heading(row)
        if heading is not None and (HEADING_NUMERAL.match(row.labels[0].text) or heading not in layout.headings):
            layout.headings.add(heading)
            section = heading
            zone = _ZONE_OF_SECTION.get(heading)
            continue
        zone = _anchor_zone(row, zone)
        if zone is not None:
            layout.zones[zone].append(row)
        if section is not None:
            layout.section_text[section].extend(label.text for label in row.labels)
    return layout
