"""ASP.NET portals (portals.md §3.5): ``List.aspx?cid=…&page=N`` and ``PublicDetail.aspx?id=…``.

Pages are addressed by query string only; the page parameter's name varies by site (``page``,
``pageNo``, ``PageIndex``, ``pageNum``, ``currPage``, ``pn``: portals.md §4 item 4), and attachments
download from ``down.aspx?eid=<GUID>``.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from html import escape

from collector.sample.portal import chrome
from collector.sample.portal.families.base import Family, SiteContext, node_rank
from collector.sample.portal.plan import WORK_REPORT_NODE, Item
from collector.sample.portal.rng import digest, hex_id


class AspNet(Family):
    name = "aspnet"
    PAGING = ("page", "pageNo", "PageIndex", "pageNum", "currPage", "pn")
    zwgk_path = "/zwgk/Index.aspx"
    xxgk_path = "/xxgk/Default.aspx"

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        self.cid = self.ids.randint(10, 400)

    def section_path(self, slug: str) -> str:
        return f"/xxgk/{slug}.aspx"

    def column_id(self, node: str) -> int:
        return self.cid if not node else self.cid + 1 + node_rank(node) * 11 + digest(self.seed, self.agency.index) % 11

    def column_path(self) -> str:
        return self.node_path("")

    def node_path(self, node: str) -> str:
        if node == WORK_REPORT_NODE:
            return "/zwgk/zfgzbg.aspx"
        return f"/xxgk/List.aspx?cid={self.column_id(node)}"

    def detail_target(self, item: Item) -> str:
        return f"/xxgk/PublicDetail.aspx?id={10**17 + item.doc_id}&title="

    def file_target(self, item: Item, number: int) -> str:
        return f"/artattachment/down.aspx?eid={uuid.UUID(hex_id(32, self.seed, self.agency.index, item.key, number))}"

    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        first = self.node_path(node)
        glue = "&" if "?" in first else "?"
        pages = self.chunks(items)
        targets = [first] + [f"{first}{glue}{self.paging}={n}" for n in range(2, len(pages) + 1)]
        viewstate = hex_id(40, self.seed, self.agency.index, node)

        def extra(current: int) -> str:
            return (f'<input type="hidden" name="__VIEWSTATE" id="__VIEWSTATE" value="/wEPDw{viewstate}">'
                    + chrome.pager(current, targets))
        self.add_pages(title, pages, targets, extra)

    def detail_header(self, item: Item) -> str:
        date = f'<span id="lblDate">{self.date_text(item)}</span>' 
        return (f'<h1><span id="lblTitle">{escape(item.title)}</span></h1>'
                f'<div class="info">{date}<span id="lblSource">来源：{escape(self.ctx.roster[item.owner].name)}</span></div>')

    def wrap_content(self, content: str) -> str:
        return f'<div id="divContent">{content}</div>'
