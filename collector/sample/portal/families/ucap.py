"""Jiangsu ucap 政府信息公开目录 (portals.md §3.3): metadata table, ``<publishtime>``, POSTed pages.

Detail pages open with a metadata table (名称, 索引号, 分类, 发布机构, 公开日期, 文号, …) whose date
sits in a ``<publishtime>`` tag, then ``<ucaptitle>`` and ``<ucapcontent>``. List pages after the
first are reached only by POSTing a form field ``cpage`` (portals.md §4 item 7).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from collector.sample.portal.bodies import FILE_EXTENSIONS
from collector.sample.portal.families.base import Family, SiteContext, int_param
from collector.sample.portal.plan import WORK_REPORT_NODE, Item
from collector.sample.portal.protocol import Request, Response
from collector.sample.portal.rng import hex_id
from collector.sample.portal.site import Resource


class Ucap(Family):
    name = "ucap"
    PAGING = ("post_cpage",)
    DATE_STYLES = (("publishtime", 1),)

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        place, _, rest = self.agency.id.partition("-")
        self.code = place[:2] + rest.rsplit("-", 1)[0]  # shuyang-fgj-12 → shfgj, like "sygfj"
        self.zwgk_path = f"/{self.code}/zwgk/"
        self.xxgk_path = f"/{self.code}/zfxxgk/"
        self.index_code = f"{self.ids.randint(10**8, 10**9 - 1):09d}"
        self.lists: dict[str, tuple[str, Sequence[Item]]] = {}

    def column_path(self) -> str:
        return f"/{self.code}/gknb/"

    def node_path(self, node: str) -> str:
        if node == WORK_REPORT_NODE:
            return f"/{self.code}/zfgzbg/"
        if not node:
            return self.column_path()
        return f"{self.column_path()}{self.agency.year_dir.format(year=node) if node.isdigit() else node}/"

    def detail_target(self, item: Item) -> str:
        day = item.url_date or item.posted
        return f"{self.column_path()}{day:%Y%m}/{hex_id(32, self.seed, self.agency.index, item.key)}.shtml"

    def file_target(self, item: Item, number: int) -> str:
        name = hex_id(32, self.seed, self.agency.index, item.key, number)
        return f"{self.detail_target(item).removesuffix('.shtml')}/files/{name}.{FILE_EXTENSIONS[item.layout]}"

    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        pages = self.chunks(items)
        path = self.node_path(node)
        self.lists[path] = (title, items)
        self.add_pages(title, pages[:1], [path], lambda _: self.pager_form(path, 0, len(pages)),
                       aliases=[path + "index.shtml"])
        for number in range(2, len(pages) + 1):
            self._site.expect(Resource("list", path, method="POST", form=(("cpage", str(number)),)))
        self._site.add_endpoint(path, self.post_page, [])

    @staticmethod
    def pager_form(path: str, current: int, count: int) -> str:
        links = " ".join(f'<a href="javascript:goPage({n})">{n}</a>' for n in range(1, count + 1))
        return (f'<form id="pageForm" method="post" action="{escape(path)}"><input type="hidden" name="cpage" value="{current + 1}">'
                f'</form><div class="page">共{count}页 {links}</div>'
                "<script>function goPage(n){var f=document.getElementById('pageForm');f.cpage.value=n;f.submit();}</script>")

    def post_page(self, request: Request) -> Response | None:
        if request.method != "POST":
            return None
        title, items = self.lists[request.path]
        pages = self.chunks(items)
        page = min(max(int_param(request.form(), "cpage", 1), 1), len(pages))
        body = self.list_body(title, pages[page - 1], self.pager_form(request.path, page - 1, len(pages)))
        return self.html_response(self.page(title, body))

    def detail_header(self, item: Item) -> str:
        owner = self.ctx.roster[item.owner].name
        rows = (("名称", escape(item.title)), ("索引号", f"{self.index_code}/{item.posted.year}-{item.doc_id % 100000:05d}"),
                ("分类", escape(self.agency.column_label)), ("发布机构", escape(owner)),
                ("公开日期", f"<publishtime>{item.posted.isoformat()}</publishtime>"), ("文号", ""),
                ("关键词", "政府信息公开 年度报告"), ("文件下载", ""), ("时效", "有效"))
        table = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in rows)
        return f'<table class="xxgk_table">{table}</table><ucaptitle>{escape(item.title)}</ucaptitle>'

    def date_sources(self, item: Item) -> dict[str, str]:
        return {**super().date_sources(item), "publishtime": item.posted.isoformat()}

    def wrap_content(self, content: str) -> str:
        return f'<div id="zoomcon"><ucapcontent>{content}</ucapcontent></div>'


