"""Which links lead from a portal's home page to its 年报 column, and from a column into its sub-columns.

portals.md §12.1: follow 政务公开 / 信息公开 sections from the home page (at most four levels deep, on
the portal's host only) until a link names the column by its label (政府信息公开年报, 公开年报,
政府信息公开工作年度报告 …) or by its slug (``zfxxgknb``, ``gknb``, ``ndbg`` …). A column may be an
index of year sub-columns (2021年) or unit sub-trees (本级 / 部门 / 乡镇（街道）), which are lists too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from collector.crawl import patterns
from collector.crawl.pages import Anchor


def _candidates(anchors: list[Anchor], base: str) -> list[Anchor]:
    host = urlsplit(base).hostname
    return [anchor for anchor in anchors if anchor.host == host and anchor.url != base]


def column_links(anchors: list[Anchor], base: str) -> list[str]:
    """Links that name the 年报 column itself; a title with a year is a report, not the column."""
    links = []
    for anchor in _candidates(anchors, base):
        text = anchor.folded or patterns.fold(anchor.title or "")
        by_text = patterns.COLUMN_TEXT.search(text) and not patterns.YEAR.search(text)
        by_slug = (patterns.COLUMN_SLUG.search(urlsplit(anchor.url).path)
                   and not patterns.FILE_EXTENSION.search(anchor.url))
        if by_text or (by_slug and not patterns.YEAR.search(text)):
            links.append(anchor.url)
    return list(dict.fromkeys(links))


def section_links(anchors: list[Anchor], base: str) -> list[str]:
    """Links to the 政务公开 / 信息公开 sections that the column usually hides under (not dated documents)."""
    return list(dict.fromkeys(
        anchor.url for anchor in _candidates(anchors, base)
        if patterns.SECTION_TEXT.search(anchor.folded) and not patterns.YEAR.search(anchor.folded)))


def sub_column_links(anchors: list[Anchor], base: str) -> list[str]:
    """Year sub-columns and unit sub-trees of a column page."""
    return list(dict.fromkeys(
        anchor.url for anchor in _candidates(anchors, base)
        if not anchor.in_chrome and (patterns.SUB_COLUMN_TEXT.match(anchor.folded)
                                     or patterns.SUB_COLUMN_SLUG.search(urlsplit(anchor.url).path))))
