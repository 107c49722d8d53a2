"""A report as an ordered list of blocks (headings, paragraphs, tables), shared by all layouts.

Every layout prints the same blocks in the same order; they differ only in how a block becomes
markup or text. That is what lets a test demand the same record back from every layout. The
:class:`RenderContext` carries the blocks together with the choices made for one rendering.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from collector.sample.labels import SECTION_KEYS
from collector.sample.narrative import narrative
from collector.sample.style import Style
from collector.sample.tables import TableModel, proactive_table, requests_table, review_table

#: A narrative line that is a sub-heading: （一）主动公开, （二）改进情况 …
_SUBHEADING = re.compile(r"^（[一二三四五六七八九十]）[^。；，]{2,14}$")


@dataclass(frozen=True, slots=True)
class Heading:
    """The title (level 0), a section heading 一…六 (level 1) or a sub-heading (level 2)."""

    text: str
    level: int


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of prose; ``signature`` marks the agency/date lines at the end."""

    text: str
    signature: bool = False


Block = Heading | Paragraph | TableModel


def _title(record: dict, style: Style) -> list[Block]:
    title, agency = record["title"], record["agency"]
    if style.two_line_title:  # 机关 on line 1, year + 报告 on line 2 (templates.md §4.7)
        return [Heading(agency, 0), Heading(title[len(agency):], 0)]
    return [Heading(title, 0)]


def document_blocks(record: dict, style: Style) -> list[Block]:
    """Title, preface, the six sections with their prose and tables, and the signature."""
    prose = narrative(record)
    tables = {"proactive": proactive_table(record, style), "requests": requests_table(record, style),
              "review_litigation": review_table(record)}
    blocks: list[Block] = [*_title(record, style), Paragraph(prose["preface"])]
    for key in SECTION_KEYS:
        blocks.append(Heading(style.headings[key], 1))
        blocks += [Heading(line, 2) if _SUBHEADING.match(line) else Paragraph(line) for line in prose[key].split("\n")]
        if key in tables:
            blocks.append(tables[key])
    blocks += [Paragraph(line, signature=True) for line in prose["signature"].split("\n")]
    return blocks


@dataclass(frozen=True, slots=True)
class RenderContext:
    """Everything a layout needs, built once per rendering and passed down."""

    record: dict
    blocks: list[Block]
    style: Style
    rng: random.Random  # the layout's own draws (markup habits, stray spaces), seeded by the render seed
    charset: str  # what an HTML page declares in its <meta>
    dropped: frozenset[tuple[str, str]]  # requests (row, column) cells the converter lost
    run_together: frozenset[str]  # requests rows printed without separators between numbers
