"""Hanweb (大汉) jcms and its 集约化 successor jpaas (portals.md §3.2).

Both address columns as ``/col/col<id>/index.html`` and never print list items into the column
page. jcms lists come from an XML data proxy POSTed with the column id (records wrapped in
``<![CDATA[<li>…]]>``); jpaas lists come from a JSON "build unit" API whose parameters sit in a
``queryData`` attribute, with static year archives (``/2022n/index.html``) beside them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from urllib.parse import urlencode

from collector.sample.portal import chrome
from collector.sample.portal.bodies import FILE_EXTENSIONS
from collector.sample.portal.families.base import Family, SiteContext, int_param, json_response, node_rank
from collector.sample.portal.plan import Item
from collector.sample.portal.protocol import Request, Response
from collector.sample.portal.rng import digest, hex_id
from collector.sample.portal.site import Resource


class Hanweb(Family):
    name = "hanweb"
    PAGING = ("dataproxy",)
    DATE_STYLES = (("visible", 50), ("meta", 10), ("list", 15), ("signature", 15), ("url", 10))
    URL_HAS_DATE = True
    PROXY = "/module/web/jpage/dataproxy.jsp"
    GROUP = 3  # jpage fetches three pages per request

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        self.col_base = self.ids.randint(1_229_000_000, 1_229_900_000)
        self.webid = self.ids.randint(1, 3000)
        self.unitid = self.ids.randint(4000, 9_999_999)
        self.zwgk_path = self.col_path(self.col_base)
        self.xxgk_path = self.col_path(self.col_base + 1)
        self.columns: dict[int, Sequence[Item]] = {}

    @staticmethod
    def col_path(column: int) -> str:
        return f"/col/col{column}/index.html"

    def column_id(self, node: str) -> int:
        """Column ids: 年报 root right after the 专栏, sub-columns further on, stable per node."""
        return self.col_base + 2 + (0 if not node else 1 + node_rank(node) * 97 + digest(self.seed, self.agency.index) % 97)

    def section_path(self, slug: str) -> str:
        return self.col_path(self.col_base + 20_000 + digest(slug) % 1000)

    def column_path(self) -> str:
        return self.node_path("")

    def node_path(self, node: str) -> str:
        return self.col_path(self.column_id(node))

    def detail_target(self, item: Item) -> str:
        day = item.url_date or item.posted
        return f"/art/{day.year}/{day.month}/{day.day}/art_{self.column_id(item.node)}_{item.doc_id}.html"

    def file_target(self, item: Item, number: int) -> str:
        name = hex_id(32, self.seed, self.agency.index, item.key, number)
        return f"/module/download/downfile.jsp?classid=0&filename={name}.{FILE_EXTENSIONS[item.layout]}"

    def image_target(self, item: Item, number: int) -> str:
        return f"/picture/0/{hex_id(32, self.seed, self.agency.index, item.key, 'image', number)}.png"

    def ajax_param(self, column: int) -> dict[str, object]:
        return {"col": 1, "appid": 1, "webid": self.webid, "path": "/", "columnid": column, "sourceContentType": 1,
                "unitid": self.unitid, "webname": self.site_name, "permissiontype": 0}

    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        column = self.column_id(node)
        self.columns[column] = items
        size = self.agency.per_page
        config = {"proxyUrl": self.PROXY, "perPage": size, "groupSize": self.GROUP, "totalRecord": len(items),
                  "ajaxParam": self.ajax_param(column)}
        script = (f'<div id="{self.unitid}"></div><script type="text/javascript" src="/module/web/jpage/jpage.js"></script>'
                  f"<script>$(function(){{$('#{self.unitid}').jpage({json.dumps(config, ensure_ascii=False)});}});</script>")
        self.html("column" if self.node_path(node) == self.column_path() else "list", self.node_path(node), title,
                  self.list_body(title, [], script))
        form = tuple((key, str(value)) for key, value in self.ajax_param(column).items())
        batch = size * self.GROUP
        for start in range(1, max(len(items), 1) + 1, batch):
            query = urlencode({"startrecord": start, "endrecord": start + batch - 1, "perpage": size})
            self._site.expect(Resource("api", f"{self.PROXY}?{query}", method="POST", form=form, media="text/xml"))

    def finish(self) -> None:
        self._site.add_endpoint(self.PROXY, self.dataproxy, [])

    def dataproxy(self, request: Request) -> Response | None:
        """``<datastore>`` XML for records startrecord…endrecord (1-based, inclusive) of a column."""
        form = request.form()
        items = self.columns.get(int_param(form, "columnid", 0))
        if items is None:
            return Response(200, b'<?xml version="1.0" encoding="utf-8"?><datastore></datastore>',
                            [("Content-Type", "text/xml;charset=utf-8")])
        start = max(1, int_param(form, "startrecord", 1))
        end = int_param(form, "endrecord", start + self.GROUP * self.agency.per_page - 1)
        records = "".join(f"<record><![CDATA[{chrome.entry_html(self.entry(item))}]]></record>"
                          for item in items[start - 1:end])
        next_start = end + 1
        next_group = (f'<a href="{self.PROXY}?startrecord={next_start}&amp;endrecord={next_start + end - start}'
                      f'&amp;perpage={form.get("perpage", self.agency.per_page)}"></a>') if next_start <= len(items) else ""
        xml = (f'<?xml version="1.0" encoding="utf-8"?><datastore><nextgroup><![CDATA[{next_group}]]></nextgroup>'
               f"<recordset>{records}</recordset><totalrecord>{len(items)}</totalrecord></datastore>")
        return Response(200, xml.encode("utf-8"), [("Content-Type", "text/xml;charset=utf-8")])

    def meta_tags(self, item: Item) -> dict[str, str]:
        return {"ArticleTitle": item.title, "ColumnName": self.agency.column_label,
                "ContentSource": self.ctx.roster[item.owner].name}

    def wrap_content(self, content: str) -> str:
        return f'<div class="bt_content"><div class="main-txt">{content}</div></div>'


class Jpaas(Hanweb):
    name = "jpaas"
    PAGING = ("build_unit",)
    URL_HAS_DATE = False  # /art/2024/art_<hex>.html: the year only
    API = "/api-gateway/jpaas-publish-server/front/page/build/unit"

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        self.tpl_set = self.ids.randint(100, 999)

    def node_path(self, node: str) -> str:
        """Year sub-columns are the static archives ``/col/col<id>/<year>n/index.html``."""
        if node.isdigit():
            return f"/col/col{self.column_id('')}/{node}n/index.html"
        return super().node_path(node)

    def detail_target(self, item: Item) -> str:
        day = item.url_date or item.posted
        return f"/art/{day.year}/art_{hex_id(32, self.seed, self.agency.index, item.key)}.html"

    def query_data(self, column: int) -> dict[str, str]:
        return {"webId": str(self.webid), "pageId": str(column), "tplSetId": str(self.tpl_set), "pageType": "column",
                "tagId": "当前栏目list", "editType": "null", "pageSize": str(self.agency.per_page)}

    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        if node.isdigit():  # an archive: every item of the year on one static page
            self.html("list", self.node_path(node), title, self.list_body(title, items))
            return
        column = self.column_id(node)
        self.columns[column] = items
        # Real pages print this attribute with single quotes inside, so it is not JSON as it stands.
        query = "{" + ",".join(f"'{key}':'{value}'" for key, value in self.query_data(column).items()) + "}"
        shell = f'<div class="list-unit" queryData="{escape(query)}"><ul class="list"></ul></div>'
        self.html("column" if self.node_path(node) == self.column_path() else "list", self.node_path(node), title,
                  self.list_body(title, [], shell))
        for number in range(1, len(self.chunks(items)) + 1):
            params = urlencode({**self.query_data(column), "pageNo": number})
            self._site.expect(Resource("api", f"{self.API}?{params}", media="application/json"))

    def finish(self) -> None:
        self._site.add_endpoint(self.API, self.build_unit, [])

    def build_unit(self, request: Request) -> Response | None:
        query = request.query
        items = self.columns.get(int_param(query, "pageId", 0))
        if items is None or query.get("webId") != str(self.webid):
            return json_response({"success": False, "message": "参数错误", "data": None})
        size = max(1, int_param(query, "pageSize", self.agency.per_page))
        page = int_param(query, "pageNo", 1)
        chunk = items[(page - 1) * size: page * size]
        html = (chrome.entries_html([self.entry(item) for item in chunk])
                + f'<div class="pagination" rows="{size}" count="{len(items)}" current="{page}"></div>')
        return json_response({"success": True, "code": 200, "data": {"html": html}})
