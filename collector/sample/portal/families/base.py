"""What every portal family shares: navigation, the column tree, detail pages, files, robots, traps.

A family (one subclass per CMS, portals.md §11.1) supplies only what really differs between CMSs:
URL shapes, how a list is paginated, and the head tags and containers of a detail page. Everything
here is built once per (agency, as-of day) and answers lazily: registering a page costs a closure,
rendering happens on the first request.
"""

from __future__ import annotations

import json
import posixpath
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from datetime import date, timedelta
from html import escape
from typing import ClassVar
from urllib.parse import quote

from collector.sample.portal import chrome
from collector.sample.portal.agencies import Agency, Roster
from collector.sample.portal.bodies import FILE_EXTENSIONS, IMAGE_TABLES, Bodies
from collector.sample.portal.config import FarmConfig
from collector.sample.portal.plan import DEFAULT_DATE_STYLES, IMAGE, WORK_REPORT_NODE, Item, Plan
from collector.sample.portal.protocol import Request, Response
from collector.sample.portal.rng import digest, hex_id, rng
from collector.sample.portal.site import Resource, Site

_MEDIA = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_UNIT_LABELS = {"bj": "本级", "bm": "部门", "xzjd": "乡镇（街道）"}
#: Sub-pages of the 信息公开专栏 other than the 年报 column (portals.md §11.1).
_SECTIONS = (("政府信息公开指南", "zn"), ("政府信息公开制度", "zd"), ("法定主动公开内容", "fdzdgknr"), ("依申请公开", "ysqgk"))
_DATE_LABELS = ("发布时间：", "发布日期：", "时间：", "发布时间:")
IPV6_GATEWAY = "http://www-beian-gov-cnx45c8966fb3868xx.ipv6best.cn/"
#: Where a moved column used to be: the registry still points here, the site answers 301 to ``/``.
OLD_COLUMN = "/zwgk/zfxxgknb/"


@dataclass(frozen=True)
class SiteContext:
    """Everything a family needs to build one site (plans come from the farm's cache, on demand)."""

    config: FarmConfig
    roster: Roster
    bodies: Bodies
    agency: Agency
    plans: Callable[[int], Plan]
    as_of: date


class Family(ABC):
    """One CMS family. Subclasses set ``name`` and implement the abstract URL and list methods."""

    name: ClassVar[str]
    PAGING: ClassVar[tuple[str, ...]] = ("static",)
    DATE_STYLES: ClassVar[tuple[tuple[str, int], ...]] = DEFAULT_DATE_STYLES
    URL_HAS_DATE: ClassVar[bool] = False  # whether detail URLs spell out a full date (t20220208_, /art/2022/2/8/)
    zwgk_path: str = "/zwgk/"
    xxgk_path: str = "/zwgk/zfxxgk/"

    def __init__(self, ctx: SiteContext) -> None:
        self.ctx = ctx
        self.agency = ctx.agency
        self.seed = ctx.config.seed
        self.ids = rng(self.seed, "ids", self.agency.index)  # subclasses draw their ids from it in __init__
        self.paging = self.agency.paging or self.PAGING[digest(self.seed, "paging", self.agency.index) % len(self.PAGING)]
        self.title_limit = self.ids.choice((None, 24, 30))
        self._site = Site()
        self._built = False

    @cached_property
    def plan(self) -> Plan:
        return self.ctx.plans(self.agency.index)

    @property
    def site(self) -> Site:
        """The site's routing table, built on first use (URL shapes alone need no site)."""
        if not self._built:
            self._built = True
            self._build()
        return self._site

    # --- URL shapes (per family) ---------------------------------------------------------------

    @abstractmethod
    def column_path(self) -> str:
        """The 年报 column: the first list page, or the index of its sub-columns."""

    @abstractmethod
    def node_path(self, node: str) -> str:
        """First page of the sub-column ``node`` (a year, bj/bm/xzjd, or zfgzbg)."""

    @abstractmethod
    def detail_target(self, item: Item) -> str:
        """Where the item's page is."""

    @abstractmethod
    def file_target(self, item: Item, number: int) -> str:
        """Where the item's attachment ``number`` is."""

    def image_target(self, item: Item, number: int) -> str:
        return f"/uploadfiles/{hex_id(24, self.seed, self.agency.index, item.key, number)}.png"

    def section_path(self, slug: str) -> str:
        return f"{self.xxgk_path}{slug}/"

    # --- lists (per family) ----------------------------------------------------------------------

    @abstractmethod
    def add_list(self, node: str, items: Sequence[Item], title: str) -> None:
        """Register the pages (and APIs) that list ``items`` under ``node``."""

    def finish(self) -> None:
        """Register endpoints shared by all lists (APIs keyed by a column id); after every add_list."""

    # --- detail pages (hooks) ------------------------------------------------------------------

    def detail_head(self, item: Item) -> str:
        """Extra ``<head>`` tags of a detail page: the CMS's meta tags, ``PubDate`` where the item puts its date."""
        tags = self.meta_tags(item)
        if item.date_style == "meta":
            tags["PubDate"] = self.timestamp(item)
        return "\n".join(f'<meta name="{name}" content="{escape(value)}">' for name, value in tags.items())

    def meta_tags(self, item: Item) -> dict[str, str]:
        return {"ArticleTitle": item.title}

    def detail_header(self, item: Item) -> str:
        """Title and info line above the content."""
        return f'<h1 class="title">{escape(item.title)}</h1>{self.info_line(item)}'

    def wrap_content(self, content: str) -> str:
        return f'<div class="content">{content}</div>'

    # --- building ------------------------------------------------------------------------------

    @property
    def site_name(self) -> str:
        return self.agency.name

    def _build(self) -> None:
        visible = self.plan.visible(self.ctx.as_of)
        self._add_home(visible)
        self._add_sections()
        self._add_column([item for item in visible if item.node != WORK_REPORT_NODE])
        work_reports = [item for item in visible if item.node == WORK_REPORT_NODE]
        if work_reports:
            self.add_list(WORK_REPORT_NODE, work_reports, "政府工作报告")
        self.finish()
        reports = [item for item in visible if item.is_report]
        for item in visible:
            self._add_document(item, reports)
        if any(item.link_style == "viewer" for item in visible):
            self._add_viewer()
        self._site.gone.update((self.detail_target(item), item) for item in self.plan.items
                               if item.posted <= self.ctx.as_of and not item.listed(self.ctx.as_of))
        self._add_robots()
        self._add_quirks()

    def html(self, kind: str, target: str, title: str, body: str, *, item: Item | None = None, head: str = "") -> None:
        """Register a static HTML page made (and encoded) on first request."""
        def render() -> Response:
            return self.html_response(self.page(title, body, head=head))

        self._site.add(Resource(kind, target, item=item), render)

    def page(self, title: str, body: str, *, head: str = "") -> str:
        nav = [("首页", "/"), ("政务公开", self.zwgk_path), ("政务服务", "/zwfw/"), ("互动交流", "/hdjl/")]
        return chrome.page(site_name=self.site_name, title=title, body=body, encoding=self.agency.encoding,
                           nav=nav, head=head, icp=f"网站标识码：{digest(self.seed, self.agency.id) % 10**10:010d}")

    def html_response(self, text: str, status: int = 200) -> Response:
        data, content_type = chrome.encode_page(text, self.agency.encoding)
        return Response(status, data, [("Content-Type", content_type)])

    def trail(self, *extra: chrome.Link) -> str:
        return chrome.breadcrumb([("首页", "/"), ("政务公开", self.zwgk_path), ("政府信息公开", self.xxgk_path), *extra])

    def entry(self, item: Item) -> chrome.Entry:
        text = chrome.shorten(item.title, self.title_limit) if self.title_limit else item.title
        return chrome.Entry(self.detail_target(item), item.title, text, item.list_date)

    def list_body(self, title: str, items: Sequence[Item], extra: str = "") -> str:
        """The body of a static list page: breadcrumb, entries, then pager or scripts (``extra``)."""
        return (f'{self.trail((self.agency.column_label, self.column_path()))}'
                f'<div class="list-box"><h2>{escape(title)}</h2>'
                f"{chrome.entries_html([self.entry(item) for item in items])}{extra}</div>")

    def chunks(self, items: Sequence[Item]) -> list[Sequence[Item]]:
        """Items split into list pages of the site's page size (always at least one page)."""
        size = self.agency.per_page
        return [items[start:start + size] for start in range(0, len(items), size)] or [[]]

    def add_pages(self, title: str, pages: Sequence[Sequence[Item]], targets: Sequence[str],
                  extra: Callable[[int], str] = lambda _: "", aliases: Sequence[str] = ()) -> None:
        """Static list pages at ``targets`` (first page also at ``aliases``); ``extra(k)`` adds pager or scripts."""
        for number, (chunk, target) in enumerate(zip(pages, targets)):
            for path in (target, *aliases) if number == 0 else (target,):
                kind = "column" if path == self.column_path() else "list"
                self.html(kind, path, title, self.list_body(title, chunk, extra(number)))

    def _add_home(self, visible: Sequence[Item]) -> None:
        links = [("政务公开", self.zwgk_path), ("政府信息公开", self.xxgk_path), ("政务服务", "/zwfw/"),
                 ("互动交流", "/hdjl/"), ("网站地图", "javascript:void(0)"), ("el.url", "el.url")]
        if "link_traps" in self.agency.faults:
            links += [("日历", "/calendar/?date=" + self.ctx.as_of.isoformat()), ("站内搜索", "/search/?q=年报&page=1"),
                      ("国家政务服务平台", IPV6_GATEWAY), ("退出", "logoutUrl")]
        news = "".join(f"<li>{escape(item.title)}</li>" for item in list(visible)[-3:])
        self.html("home", "/", self.site_name,
                  f'<div class="quick">{chrome.link_list(links)}</div><div class="news"><ul>{news}</ul></div>')
        for label, path in (("政务服务", "/zwfw/"), ("互动交流", "/hdjl/")):
            if path == "/hdjl/" and "redirect_loop" in self.agency.faults:
                continue  # _add_quirks puts a redirect loop there
            self.html("nav", path, label, f"<h2>{label}</h2><p>栏目建设中。</p>")

    def _add_sections(self) -> None:
        links = [("政府信息公开", self.xxgk_path)]
        if self.agency.kind == "government":
            links.append(("政府工作报告", self.node_path(WORK_REPORT_NODE)))
        self.html("nav", self.zwgk_path, "政务公开", chrome.link_list(links))
        sections = [(label, self.section_path(slug)) for label, slug in _SECTIONS]
        sections.insert(3, (self.agency.column_label, self.column_path()))
        self.html("nav", self.xxgk_path, "政府信息公开",
                  chrome.breadcrumb([("首页", "/"), ("政务公开", self.zwgk_path)]) + chrome.link_list(sections, "column-nav"))
        for label, path in sections:
            if path != self.column_path():
                self.html("nav", path, label, f"{self.trail((label, path))}<h2>{escape(label)}</h2><p>{escape(label)}。</p>")

    def _add_column(self, items: Sequence[Item]) -> None:
        """The 年报 column: one list, or an index of year / unit sub-columns each with its list."""
        label = self.agency.column_label
        if self.agency.tree == "flat":
            self.add_list("", items, label)
            return
        nodes = sorted({item.node for item in items}, reverse=self.agency.tree == "years",
                       key=lambda node: list(_UNIT_LABELS).index(node) if node in _UNIT_LABELS else int(node))
        titles = {node: _UNIT_LABELS.get(node) or f"{node}年" for node in nodes}
        links = [(titles[node], self.node_path(node)) for node in nodes]
        self.html("column", self.column_path(), label, self.trail((label, self.column_path())) + chrome.link_list(links, "sub-columns"))
        for node in nodes:
            self.add_list(node, [item for item in items if item.node == node], f"{label}（{titles[node]}）")

    def _add_document(self, item: Item, reports: Sequence[Item]) -> None:
        revised = item.revised_by(self.ctx.as_of)
        bodies = self.ctx.bodies
        file_href = None
        extension = FILE_EXTENSIONS.get(item.layout)
        if extension is not None:
            file_href = self.file_target(item, 1)
            self._site.add(Resource("attachment", file_href, item=item, media=_MEDIA[extension]),
                          lambda: self.file_response(item, bodies.file(item, revised), extension))
        images: tuple[str, ...] = ()
        if item.layout == IMAGE:
            tables = IMAGE_TABLES if item.is_report else ("infographic",)
            images = tuple(self.image_target(item, n) for n in range(1, len(tables) + 1))
            for href, table in zip(images, tables):
                self._site.add(Resource("image", href, item=item, media="image/png"),
                              lambda table=table: Response(200, bodies.image(item, revised, table),
                                                           [("Content-Type", "image/png")]))
        related = [other for other in reports if other.year != item.year][-3:]
        target = self.detail_target(item)

        def render() -> Response:
            content = bodies.content(item, revised, file_href, images)
            body = (f"{self.trail((self.agency.column_label, self.column_path()))}"
                    f'<div class="article">{self.detail_header(item)}{self.wrap_content(content)}</div>'
                    f'<div class="related"><h3>相关文章</h3>{chrome.link_list([(other.title, self.detail_target(other)) for other in related])}</div>')
            title = f"{item.title}_{self.agency.column_label}_{self.site_name}"
            return self.html_response(self.page(title, body, head=self.detail_head(item)))

        self._site.add(Resource("report" if item.is_report else "distractor", target, item=item), render)

    def info_line(self, item: Item) -> str:
        """The 来源/时间 line; it carries the date only where the item's date style puts it there."""
        source = f"来源：{escape(self.ctx.roster[item.owner].name)}"
        date = self.date_text(item)
        return '<div class="info">' + (f"<span>{date}</span>　" if date else "") + f"<span>{source}</span></div>"

    def date_text(self, item: Item) -> str:
        """``发布时间：2022-02-08 16:34`` (label varies by document), or "" when the page shows no date."""
        if item.date_style not in ("visible", "meta"):
            return ""
        return f"{_DATE_LABELS[item.doc_id % len(_DATE_LABELS)]}{self.timestamp(item)}"

    def date_sources(self, item: Item) -> dict[str, str]:
        """Every place this site states the item's date, and the date it states there (for the manifest)."""
        sources = {}
        if item.date_style in ("visible", "meta"):
            sources["visible"] = item.posted.isoformat()
        if item.date_style == "meta":
            sources["meta"] = item.posted.isoformat()
        if self.URL_HAS_DATE:
            sources["url"] = (item.url_date or item.posted).isoformat()
        if item.list_date is not None:
            sources["list"] = item.list_date.isoformat()
        if item.is_report:
            sources["signature"] = item.posted.isoformat()
        return sources

    @staticmethod
    def timestamp(item: Item, day: date | None = None) -> str:
        """``2022-02-08 16:34``: the publication day (or ``day``) at a time fixed per document."""
        return f"{(day or item.posted).isoformat()} {8 + item.doc_id % 10:02d}:{item.doc_id % 60:02d}"

    def file_response(self, item: Item, data: bytes, extension: str) -> Response:
        """An attachment with the host's Content-Type and Content-Disposition habits (portals.md §11.4)."""
        faults = self.agency.faults
        media = "application/octet-stream" if "attachment_octet" in faults else _MEDIA[extension]
        name = f"{item.title}.{extension}"
        if "attachment_gbk_name" in faults:
            disposition: str | bytes = b'attachment; filename="' + name.encode("gbk", "replace") + b'"'
        elif "attachment_rfc5987" in faults:
            disposition = f"attachment; filename=\"{item.doc_id}.{extension}\"; filename*=UTF-8''{quote(name)}"
        else:
            disposition = f'attachment; filename="{item.doc_id}.{extension}"'
        return Response(200, data, [("Content-Type", media), ("Content-Disposition", disposition)])

    def _add_viewer(self) -> None:
        script = ("<script>var file=new URLSearchParams(location.search).get('file');"
                  "document.getElementById('viewer').setAttribute('data-file', file);</script>")
        self._site.add(Resource("viewer", "/pdfjs/web/viewer.html"),
                      lambda: Response(200, f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>PDF.js viewer</title>'
                                            f'</head><body><div id="viewer"></div>{script}</body></html>'.encode(),
                                       [("Content-Type", "text/html; charset=utf-8")]))

    def _add_robots(self) -> None:
        faults = self.agency.faults
        if "robots_missing" in faults:
            return
        if "robots_html" in faults:
            self.html("robots", "/robots.txt", "页面不存在", "<h2>页面不存在</h2><p>您访问的页面不存在或已被删除。</p>")
            return
        rules = "User-agent: *\nDisallow:\n"
        if "robots_disallow_all" in faults:
            rules = "User-agent: *\nDisallow: /\n"
        elif "robots_partial" in faults:
            rules = "User-agent: *\nDisallow: /was5/\nDisallow: /jrobotfront/\nDisallow: /search/\n"
        self._site.add(Resource("robots", "/robots.txt", media="text/plain"),
                      lambda: Response(200, rules.encode("ascii"), [("Content-Type", "text/plain")]))

    def _add_quirks(self) -> None:
        """Moved columns, redirect loops and unbounded trap pages (portals.md §11.4)."""
        faults = self.agency.faults
        if "column_moved" in faults and not self._site.has(OLD_COLUMN):
            self._site.add(Resource("moved", OLD_COLUMN), lambda: Response(301, b"", [("Location", "/")]))
        if "redirect_loop" in faults:
            self._site.add(Resource("trap", "/hdjl/"), lambda: Response(302, b"", [("Location", "/hdjl/index.html")]))
            self._site.add(Resource("trap", "/hdjl/index.html"), lambda: Response(302, b"", [("Location", "/hdjl/")]))
        if "link_traps" in faults:
            self._site.add_endpoint("/calendar/", self._calendar, [Resource("trap", "/calendar/?date=" + self.ctx.as_of.isoformat())])
            self._site.add_endpoint("/search/", self._search, [Resource("trap", "/search/?q=年报&page=1")])

    def _calendar(self, request: Request) -> Response:
        """A calendar whose day links never end."""
        try:
            day = date.fromisoformat(request.query.get("date", ""))
        except ValueError:
            day = self.ctx.as_of
        links = [(label, f"/calendar/?date={(day + delta).isoformat()}")
                 for label, delta in (("前一天", -timedelta(days=1)), ("后一天", timedelta(days=1)))]
        return self.html_response(self.page(f"活动日历 {day.isoformat()}", chrome.link_list(links)))

    def _search(self, request: Request) -> Response:
        """Search results that always have a next page."""
        query = request.query
        page_number = int_param(query, "page", 1)
        links = [(f"第{page_number + 1}页", f"/search/?q={quote(query.get('q', ''))}&page={page_number + 1}")]
        return self.html_response(self.page("搜索结果", f"<p>找到约{page_number * 10 + 7}条结果</p>" + chrome.link_list(links)))


def node_rank(node: str) -> int:
    """A small number distinct for every list node (root, years, unit sub-trees, 政府工作报告).

    Families derive column, channel and category ids from it, so two nodes of one site can never
    share an id (ids drawn from a digest modulo a range collided and hid a whole year's list).
    """
    if node.isdigit():
        return int(node) - 1990
    return {"": 0, "bj": 1, "bm": 2, "xzjd": 3, WORK_REPORT_NODE: 4}[node]


def int_param(fields: dict[str, str], name: str, default: int) -> int:
    """An integer request parameter; ``default`` when it is missing or not a number (crawlers send anything)."""
    value = fields.get(name, "")
    return int(value) if value.isdigit() else default


def json_response(payload: dict | list) -> Response:
    return Response(200, json.dumps(payload, ensure_ascii=False).encode("utf-8"),
                    [("Content-Type", "application/json;charset=UTF-8")])


def directory(path: str) -> str:
    """The directory part of a URL path, with its trailing slash."""
    return posixpath.dirname(path) + "/"

