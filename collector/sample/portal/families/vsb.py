"""VSB (博达) sites (portals.md §3.5): ``nb.htm`` then ``nb/N.htm`` counting down, ``info/<tree>/<id>.htm``.

The newest page is ``nb.htm``; older pages are numbered from the end, so the second page of a
five-page list is ``nb/4.htm`` and the last is ``nb/1.htm``.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from collector.sample.portal import chrome
from collector.sample.portal.families.base import Family, SiteContext
from collector.sample.portal.plan import WORK_REPORT_NODE, Item


class Vsb(Family):
    name = "vsb"
    PAGING = ("count_down",)
    zwgk_path = "/zwgk.htm"
    xxgk_path = "/xxgk.htm"

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        self.tree = self.ids.randint(1000, 9999)
        self.owner = self.ids.randint(10**9, 2 * 10**9)

    def section_path(self, slug: str) -> str:
        return f"/xxgk/{slug}.htm"

    def stem(self, node: str) -> str:
        if node == WORK_REPORT_NODE:
            return "/zwgk/zfgzbg"
        return "/xxgk/nb" + (f"{node}" if node else "")

    def column_path(self) -> str:
        return self.node_path("")

    def node_path(self, node: str) -> str:
        return self.stem(node) + ".htm"

    def detail_target(self, item: Item) -> str:
        return f"/info/{self.tree}/{item.doc_id}.htm"

    def file_target(self, item: Item, number: int) -> str:
        return (f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner={self.owner}"
                f"&wbfileid={item.doc_id * 10 + number}")

    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        pages = self.chunks(items)
        stem = self.stem(node)
        count = len(pages)
        targets = [stem + ".htm"] + [f"{stem}/{count - k}.htm" for k in range(1, count)]
        self.add_pages(title, pages, targets, lambda current: chrome.pager(current, targets))

    def detail_header(self, item: Item) -> str:
        date = f"{self.date_text(item)}　" if self.date_text(item) else ""
        return (f'<form name="_newscontent_fromname"><h1>{escape(item.title)}</h1>'
                f'<div class="info">{date}作者：{escape(self.ctx.roster[item.owner].name)}</div></form>')

    def wrap_content(self, content: str) -> str:
        return f'<div class="v_news_content">{content}</div>'
