"""TRS WCM (拓尔思), the most common CMS, and its "动静结合" variant (portals.md §3.1).

Static TRS lists are ``index.html``, ``index_1.html`` … with the page count only in JavaScript
(``createPageHTML(N, cur, "index", "html")`` and ``var countPage = N``); some TRS-templated sites use
``column-index-N.shtml`` or ``N.html`` with ordinary pager links. Detail pages carry the TRS meta
tags (``PubDate`` among them) and a ``TRS_Editor`` body. The dynamic variant serves page 1 as
HTML and every later page only through a POSTed JSON search API.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from collector.sample.portal import chrome
from collector.sample.portal.bodies import FILE_EXTENSIONS
from collector.sample.portal.families.base import Family, SiteContext, directory, int_param, json_response, node_rank
from collector.sample.portal.plan import WORK_REPORT_NODE, Item
from collector.sample.portal.protocol import Request, Response
from collector.sample.portal.rng import digest
from collector.sample.portal.site import Resource


class Trs(Family):
    name = "trs"
    PAGING = ("index_n", "index_n_shtml", "column_index", "n_html")
    DATE_STYLES = (("meta", 55), ("visible", 30), ("list", 5), ("signature", 5), ("url", 5))
    URL_HAS_DATE = True

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        self.site_id = self.ids.randint(1, 300)
        self.ext = "shtml" if self.paging in ("index_n_shtml", "column_index") else "html"

    def column_path(self) -> str:
        return f"/zwgk/zfxxgk/{self.agency.column_slug}/"

    def node_path(self, node: str) -> str:
        if node == WORK_REPORT_NODE:
            return "/zwgk/zfgzbg/"
        if not node:
            return self.column_path()
        return f"{self.column_path()}{self.agency.year_dir.format(year=node) if node.isdigit() else node}/"

    def url_date(self, item: Item) -> date:
        return item.url_date or item.posted

    def detail_target(self, item: Item) -> str:
        day = self.url_date(item)
        return f"{self.node_path(item.node)}{day:%Y%m}/t{day:%Y%m%d}_{item.doc_id}.{self.ext}"

    def _stored_name(self, item: Item, prefix: str, number: int, extension: str) -> str:
        """TRS names stored files ``P0``/``W0`` + date + a serial, beside the page (``./P02020…pdf``)."""
        day = self.url_date(item)
        return f"{directory(self.detail_target(item))}{prefix}{day:%Y%m%d}{digest(item.doc_id, number) % 10**12:012d}.{extension}"

    def file_target(self, item: Item, number: int) -> str:
        return self._stored_name(item, "P0", number, FILE_EXTENSIONS[item.layout])

    def image_target(self, item: Item, number: int) -> str:
        return self._stored_name(item, "W0", number, "png")

    def page_names(self, count: int) -> list[str]:
        if self.paging == "column_index":
            return ["index.shtml"] + [f"column-index-{k}.shtml" for k in range(2, count + 1)]
        if self.paging == "n_html":
            return ["index.html"] + [f"{k}.html" for k in range(2, count + 1)]
        return [f"index.{self.ext}"] + [f"index_{k}.{self.ext}" for k in range(1, count)]

    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        pages = self.chunks(items)
        folder = self.node_path(node)
        names = self.page_names(len(pages))
        targets = [folder + name for name in names]
        if self.paging.startswith("index_n"):
            def extra(current: int) -> str:
                return (f'<div class="page" id="pager"></div><script type="text/javascript">var countPage = {len(pages)};'
                        f'createPageHTML({len(pages)}, {current}, "index", "{self.ext}");</script>')
        else:
            links = [folder] + targets[1:]

            def extra(current: int) -> str:
                return chrome.pager(current, links)
        self.add_pages(title, pages, [folder, *targets[1:]], extra, aliases=[targets[0]])

    def meta_tags(self, item: Item) -> dict[str, str]:
        return {
            "SiteName": self.site_name, "SiteDomain": self.agency.host, "SiteIDCode": f"{digest(self.agency.id) % 10**10:010d}",
            "ColumnName": self.agency.column_label, "ColumnType": self.agency.column_label,
            "ArticleTitle": item.title, "ContentSource": self.ctx.roster[item.owner].name,
            "Keywords": "政府信息公开,年度报告", "Author": "", "Description": item.title,
            "Url": self.detail_target(item), "ChnlId": str(self.site_id * 100 + 13), "SiteId": str(self.site_id),
        }

    def wrap_content(self, content: str) -> str:
        return f'<div class="trs_editor_view TRS_UEDITOR trs_paper_default"><div class="TRS_Editor">{content}</div></div>'


class TrsDynamic(Trs):
    """动静结合: page 1 static (``maxStaticIndex: 1``), the rest via ``POST /api/search`` (Fujian 集约化)."""

    name = "trs_dynamic"
    PAGING = ("dynamic",)
    API = "/api/search"

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        self.channel = str(200000 + self.ids.randint(0, 999))
        self.api_nodes: dict[str, Sequence[Item]] = {}

    def chnlid(self, node: str) -> str:
        return str(1800 + node_rank(node) * 5 + digest(self.seed, self.agency.index) % 5)

    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        pages = self.chunks(items)
        chnlid = self.chnlid(node)
        self.api_nodes[chnlid] = items
        config = {"maxStaticIndex": 1, "url": self.API, "channelid": self.channel, "classsql": f"chnlid={chnlid}",
                  "sortfield": "-docorderpri,-docreltime", "prepage": self.agency.per_page, "total": len(items)}
        script = f'<div id="dynamic-list"></div><script type="text/javascript">var pageConfig = {json.dumps(config)};</script>'
        folder = self.node_path(node)
        self.add_pages(title, pages[:1], [folder], lambda _: script, aliases=[folder + "index.html"])
        for number in range(2, len(pages) + 1):
            form = (("channelid", self.channel), ("chnlid", chnlid), ("page", str(number)),
                    ("prepage", str(self.agency.per_page)))
            self._site.expect(Resource("api", self.API, method="POST", form=form, media="application/json"))

    def finish(self) -> None:
        self._site.add_endpoint(self.API, self.search, [])

    def search(self, request: Request) -> Response | None:
        if request.method != "POST":
            return None
        form = request.form()
        chnlid = form.get("chnlid") or form.get("classsql", "").removeprefix("chnlid=")
        items = self.api_nodes.get(chnlid)
        if form.get("channelid") != self.channel or items is None:
            return json_response({"success": False, "msg": "参数错误"})
        size = max(1, int_param(form, "prepage", self.agency.per_page))
        page = int_param(form, "page", 1)
        chunk = items[(page - 1) * size: page * size]
        docs = [{"DOCID": item.doc_id, "DOCTITLE": item.title, "DOCPUBURL": self.detail_target(item),
                 "DOCRELTIME": f"{self.timestamp(item, item.list_date)}:00" if item.list_date else ""} for item in chunk]
        return json_response({"success": True, "total": len(items), "page": page, "prepage": size, "data": docs})

