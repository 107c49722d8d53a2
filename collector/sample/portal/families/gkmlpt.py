"""Guangdong 政府信息公开目录平台 gkmlpt (portals.md §3.4): a JS shell over a JSON API.

Lists are ``/gkmlpt/api/all/<cat>?page=N&sid=<SID>``; the SID appears only in the page's JavaScript,
and whether pages count from 0 or 1 differs per site. Many of these hosts are plain HTTP only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone

from collector.sample.portal.bodies import FILE_EXTENSIONS
from collector.sample.portal.families.base import Family, SiteContext, int_param, json_response, node_rank
from collector.sample.portal.plan import Item
from collector.sample.portal.protocol import Request, Response
from collector.sample.portal.rng import digest
from collector.sample.portal.site import Resource

_CHINA = timezone(timedelta(hours=8))


class Gkmlpt(Family):
    name = "gkmlpt"
    PAGING = ("page0", "page1")
    xxgk_path = "/gkmlpt/index"

    def __init__(self, ctx: SiteContext) -> None:
        super().__init__(ctx)
        self.sid = str(self.ids.randint(100_000, 999_999))
        self.first_page = 0 if self.paging == "page0" else 1
        self.categories: dict[int, Sequence[Item]] = {}

    def category(self, node: str) -> int:
        return 2000 + node_rank(node) * 173 + digest(self.seed, self.agency.index, "cat") % 173

    def section_path(self, slug: str) -> str:
        return f"/gkmlpt/{slug}"

    def column_path(self) -> str:
        return "/gkmlpt/annualreport"

    def node_path(self, node: str) -> str:
        return self.column_path() if not node else f"/gkmlpt/annualreport/{self.category(node)}"

    def post_id(self, item: Item) -> int:
        return 9_000_000 + item.doc_id

    def detail_target(self, item: Item) -> str:
        post = self.post_id(item)
        return f"/gkmlpt/content/{post // 1_000_000}/{post // 1000}/post_{post}.html"

    def file_target(self, item: Item, number: int) -> str:
        post = self.post_id(item)
        return f"/attachment/0/{post // 1000}/{post}_{number}.{FILE_EXTENSIONS[item.layout]}"

    def api_path(self, category: int) -> str:
        return f"/gkmlpt/api/all/{category}"

    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        category = self.category(node)
        self.categories[category] = items
        config = {"SID": self.sid, "CATID": category, "API": self.api_path(category)}
        shell = (f'<div id="app"></div><script type="text/javascript">window.GKMLPT_CONFIG = '
                 f"{json.dumps(config)};var SID = '{self.sid}';</script>"
                 '<script src="/gkmlpt/static/js/app.js"></script>')
        path = self.node_path(node)
        self.html("column" if path == self.column_path() else "list", path, title, self.list_body(title, [], shell))
        api = self.api_path(category)
        self._site.add_endpoint(api, self.api, [
            Resource("api", f"{api}?page={page}&sid={self.sid}", media="application/json")
            for page in range(self.first_page, self.first_page + len(self.chunks(items)))])

    def api(self, request: Request) -> Response | None:
        query = request.query
        category = int(request.path.rsplit("/", 1)[1])
        items = self.categories[category]
        if query.get("sid") != self.sid:
            return json_response({"total": 0, "articles": []})
        page = int_param(query, "page", self.first_page)
        size = self.agency.per_page
        chunk = items[(page - self.first_page) * size: (page - self.first_page + 1) * size] if page >= self.first_page else []
        articles = [{"id": self.post_id(item), "title": item.title, "url": self.detail_target(item),
                     "publish_time": _epoch(item.list_date) if item.list_date else None,
                     "date": item.list_date.isoformat() if item.list_date else ""} for item in chunk]
        return json_response({"total": len(items), "page": page, "page_size": size, "articles": articles})

    def wrap_content(self, content: str) -> str:
        return f'<div class="article-content">{content}</div>'


def _epoch(day: date) -> int:
    """Seconds since 1970 of midnight in China on ``day`` (gkmlpt's ``publish_time``)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=_CHINA).timestamp())
