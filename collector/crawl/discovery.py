"""Which links lead from a portal's home page to its 年报 column, and from a column into its sub-columns.

portals.md §12.1: follow 政务公开 / 信息公开 sections from the home page (at most four levels deep)
until a link names the column by its label (政府信息公开年报, 公开年报, 政府信息公开工作年度报告 …) or by
its slug (``zfxxgknb``, ``gknb``, ``ndbg`` …). A column may be an index of year sub-columns (2021年)
or unit sub-trees (本级 / 部门 / 乡镇（街道）), which are lists too.

Discovery stays on the agency's site: the page's own host, the hosts the registry names for the
agency (its portal and report columns: a 集约化 platform is declared by a column on it), and the
government's other hosts under its ``gov.cn`` name, where 信息公开 sections often live
(``www.xinxiang.gov.cn`` → ``xxgk.xinxiang.gov.cn``). Other agencies' portals are never entered.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from collector.crawl import patterns
from collector.crawl.pages import Anchor


def site_name(host: str) -> str:
    """The name a government's hosts share: ``xinxiang.gov.cn`` for ``xxgk.xinxiang.gov.cn``; other hosts
    stand for themselves (a shared parent such as ``sample.test`` or ``com.cn`` names no one site)."""
    labels = host.split(".")
    return ".".join(labels[-3:]) if host.endswith(".gov.cn") and len(labels) > 3 else host


@dataclass(frozen=True)
class Site:
    """Where discovery may go for one agency: the hosts the registry names (portal first) and the portal's
    government's other hosts. A declared platform host is admitted itself, not its neighbours."""

    portal_host: str
    declared: frozenset[str] = frozenset()

    def admits(self, host: str) -> bool:
        return host == self.portal_host or host in self.declared or site_name(host) == site_name(self.portal_host)


def _candidates(anchors: list[Anchor], base: str, site: Site | None) -> list[Anchor]:
    host = urlsplit(base).hostname or ""
    return [anchor for anchor in anchors if anchor.url != base and
            (anchor.host == host or (site is not None and site.admits(anchor.host)))]


def column_links(anchors: list[Anchor], base: str, site: Site | None = None) -> list[str]:
    """Links that name the 年报 column itself; a title with a year is a report, not the column."""
    links = []
    for anchor in _candidates(anchors, base, site):
        text = anchor.folded or patterns.fold(anchor.title or "")
        by_text = patterns.COLUMN_TEXT.search(text) and not patterns.YEAR.search(text)
        by_slug = (patterns.COLUMN_SLUG.search(urlsplit(anchor.url).path)
                   and not patterns.FILE_EXTENSION.search(anchor.url))
        if by_text or (by_slug and not patterns.YEAR.search(text)):
            links.append(anchor.url)
    return list(dict.fromkeys(links))


def section_links(anchors: list[Anchor], base: str, site: Site | None = None) -> list[str]:
    """Links to the 政务公开 / 信息公开 sections that the column usually hides under (not dated documents)."""
    return list(dict.fromkeys(
        anchor.url for anchor in _candidates(anchors, base, site)
        if patterns.SECTION_TEXT.search(anchor.folded) and not patterns.YEAR.search(anchor.folded)))


def sub_column_links(anchors: list[Anchor], base: str) -> list[str]:
    """Year sub-columns and unit sub-trees of a column page."""
    return list(dict.fromkeys(
        anchor.url for anchor in _candidates(anchors, base, None)
        if not anchor.in_chrome and (patterns.SUB_COLUMN_TEXT.match(anchor.folded)
                                     or patterns.SUB_COLUMN_SLUG.search(urlsplit(anchor.url).path))))
