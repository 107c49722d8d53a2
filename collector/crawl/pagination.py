"""From one list page to all of a column's entries: every pagination style of portals.md §4 as a detector.

Each detector reads a list page and returns the further requests the page announces: TRS static
pages (``createPageHTML`` / ``countPage``), the TRS 动静结合 search API, the Hanweb XML data proxy,
the jpaas ``queryData`` build-unit API, gkmlpt's JSON API behind a SID found only in page JS, ucap's
POSTed ``cpage`` and plain 下一页 / 尾页 / numbered pager links. API answers are read by
:func:`read_api`, which also says when an API that does not announce its size has more pages.
A detector that finds nothing returns nothing, so one shared pass serves every CMS family.

Responses are untrusted: JSON is read with ``json``, XML with an lxml parser that resolves no
entities, loads no DTD and touches no network.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import unescape
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from lxml import etree

from collector.crawl import patterns
from collector.crawl.classify import best_title
from collector.crawl.pages import Page, parse_date

HTML, TRS_SEARCH, HANWEB_PROXY, JPAAS_UNIT, GKMLPT = "html", "trs_search", "hanweb_proxy", "jpaas_unit", "gkmlpt"
JPAAS_API = "/api-gateway/jpaas-publish-server/front/page/build/unit"

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True)
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ListCall:
    """One request for more entries: a static list page, or one call of a list API."""

    url: str
    api: str = HTML
    method: str = "GET"
    form: tuple[tuple[str, str], ...] = ()
    page: int = 1   # the page this call asks for (APIs that continue from their answer)
    first: int = 1  # the number of an API's first page (gkmlpt counts from 0 or from 1)

    @property
    def body(self) -> str:
        return urlencode(self.form)


@dataclass(frozen=True, slots=True)
class Entry:
    """One listed document: where it is, its (full) title and the date printed beside it."""

    url: str
    title: str
    date: date | None


def _json(text: str) -> dict | list | None:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _folder(url: str) -> str:
    path = urlsplit(url).path
    return urljoin(url, path if path.endswith("/") else posixpath.dirname(path) + "/")


# --- detectors: list page → further list requests --------------------------------------------------------------

def _trs_static(page: Page) -> list[ListCall]:
    match = patterns.CREATE_PAGE_HTML.search(page.text)
    if match:
        count, stem, extension = int(match[1]), match[2], match[3]
    else:
        count_match = patterns.COUNT_PAGE.search(page.text)
        if not count_match:
            return []
        count, stem = int(count_match[1]), "index"
        extension = posixpath.splitext(urlsplit(page.url).path)[1].lstrip(".") or "html"
    folder = _folder(page.url)
    return [ListCall(f"{folder}{stem}_{number}.{extension}")
            for number in range(1, min(count, patterns.MAX_LIST_PAGES))]


def _trs_search(page: Page) -> list[ListCall]:
    match = patterns.TRS_PAGE_CONFIG.search(page.text)
    config = _json(match[1]) if match else None
    if not isinstance(config, dict) or "url" not in config:
        return []
    size = max(1, int(config.get("prepage") or 10))
    chnlid = str(config.get("classsql", "")).removeprefix("chnlid=")
    pages = math.ceil(int(config.get("total") or 0) / size)
    return [ListCall(urljoin(page.url, config["url"]), TRS_SEARCH, "POST",
                     (("channelid", str(config.get("channelid", ""))), ("chnlid", chnlid), ("page", str(number)),
                      ("prepage", str(size))), page=number)
            for number in range(2, min(pages, patterns.MAX_LIST_PAGES) + 1)]


def _hanweb(page: Page) -> list[ListCall]:
    match = patterns.HANWEB_JPAGE.search(page.text)
    config = _json(match[1]) if match else None
    if not isinstance(config, dict) or "proxyUrl" not in config:
        return []
    per_page = max(1, int(config.get("perPage") or 15))
    batch = per_page * max(1, int(config.get("groupSize") or 3))
    total = int(config.get("totalRecord") or 0)
    form = tuple((str(key), str(value)) for key, value in (config.get("ajaxParam") or {}).items())
    proxy = urljoin(page.url, config["proxyUrl"])
    return [ListCall(f"{proxy}?{urlencode({'startrecord': start, 'endrecord': start + batch - 1, 'perpage': per_page})}",  # noqa: E501
                     HANWEB_PROXY, "POST", form)
            for start in range(1, min(max(total, 1), batch * patterns.MAX_LIST_PAGES) + 1, batch)]


def _jpaas_call(base: str, params: dict[str, str], number: int) -> ListCall:
    return ListCall(urljoin(base, f"{JPAAS_API}?{urlencode({**params, 'pageNo': number})}"), JPAAS_UNIT, page=number)


def _jpaas(page: Page) -> list[ListCall]:
    match = patterns.JPAAS_QUERY_DATA.search(page.text)
    if not match:
        return []
    params = dict(patterns.JPAAS_PAIRS.findall(unescape(match[1])))
    return [_jpaas_call(page.url, params, 1)] if params else []


def _gkmlpt(page: Page) -> list[ListCall]:
    match = patterns.GKMLPT_CONFIG.search(page.text)
    config = _json(match[1]) if match else None
    if not isinstance(config, dict) or not config.get("API") or not config.get("SID"):
        return []
    api = urljoin(page.url, config["API"])
    return [ListCall(f"{api}?page=0&sid={config['SID']}", GKMLPT, page=0, first=0)]


def _ucap(page: Page) -> list[ListCall]:
    form, total = patterns.UCAP_FORM.search(page.text), patterns.PAGE_TOTAL.search(page.text)
    if not form or not total:
        return []
    action = urljoin(page.url, unescape(form[1]))
    return [ListCall(action, HTML, "POST", (("cpage", str(number)),), page=number)
            for number in range(2, min(int(total[1]), patterns.MAX_LIST_PAGES) + 1)]


def _pager_links(page: Page) -> list[ListCall]:
    return [ListCall(anchor.url) for anchor in page.anchors
            if anchor.host == page.host and (patterns.PAGER_TEXT.match(anchor.folded)
                                                    or (anchor.in_pager and patterns.PAGE_NUMBER.match(anchor.folded)))]


#: Applied to every list page, in this order (portals.md §12.2: APIs first, then scripts, then links).
DETECTORS: tuple[Callable[[Page], list[ListCall]], ...] = (_trs_search, _hanweb, _jpaas, _gkmlpt, _ucap, _trs_static,
                                                           _pager_links)


def further_pages(page: Page) -> list[ListCall]:
    """Every further list request the page announces."""
    return list(dict.fromkeys(call for detector in DETECTORS for call in detector(page)))


# --- entries ---------------------------------------------------------------------------------------------------

def html_entries(page: Page) -> list[Entry]:
    """The page's content links (not navigation, not pager) with their full titles and list dates."""
    return [Entry(anchor.url, best_title(anchor.text, anchor.title), anchor.date) for anchor in page.anchors
            if not anchor.in_chrome and not anchor.in_pager and anchor.host == page.host]


def _fragment_entries(base: str, html: str) -> list[Entry]:
    return html_entries(Page(base, f"<html><body>{html}</body></html>")) if html else []


def _hanweb_records(text: str) -> list[str]:
    """The HTML of each ``<record>`` of a data-proxy answer (CDATA), read without resolving entities."""
    try:
        root = etree.fromstring(text.encode("utf-8"), _SAFE_XML)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        return _RECORD.findall(text)
    return [record.text or "" for record in root.iter("record")]


def _date_of(value: object) -> date | None:
    return parse_date(value) if isinstance(value, str) else None


def read_api(call: ListCall, text: str) -> tuple[list[Entry], list[ListCall]]:
    """Entries of one API answer, and the next call when the API only says so in its answer."""
    if call.api == HANWEB_PROXY:
        return [entry for record in _hanweb_records(text) for entry in _fragment_entries(call.url, record)], []
    data = _json(text)
    if not isinstance(data, dict):
        return [], []
    if call.api == TRS_SEARCH:
        documents = data.get("data") if isinstance(data.get("data"), list) else []
        return [Entry(urljoin(call.url, str(doc.get("DOCPUBURL", ""))), str(doc.get("DOCTITLE", "")),
                      _date_of(doc.get("DOCRELTIME"))) for doc in documents if isinstance(doc, dict)], []
    if call.api == JPAAS_UNIT:
        html = (data.get("data") or {}).get("html", "") if isinstance(data.get("data"), dict) else ""
        entries = _fragment_entries(call.url, html)
        sizes = patterns.JPAAS_PAGINATION.search(html)
        more = sizes and call.page * int(sizes[1]) < int(sizes[2]) and call.page < patterns.MAX_LIST_PAGES
        params = {key: value for key, value in _query(call.url).items() if key != "pageNo"}
        return entries, [_jpaas_call(call.url, params, call.page + 1)] if more else []
    if call.api == GKMLPT:
        return _read_gkmlpt(call, data)
    return [], []


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _read_gkmlpt(call: ListCall, data: dict) -> tuple[list[Entry], list[ListCall]]:
    articles = [article for article in data.get("articles") or [] if isinstance(article, dict)]
    total = int(data.get("total") or 0)
    entries = [Entry(urljoin(call.url, str(article.get("url", ""))), str(article.get("title", "")),
                     _date_of(article.get("date"))) for article in articles]
    query = _query(call.url)
    base = call.url.split("?", 1)[0]

    def next_call(number: int, first: int) -> ListCall:
        return ListCall(f"{base}?{urlencode({**query, 'page': number})}", GKMLPT, page=number, first=first)

    if not articles and call.page == 0 and total:
        return entries, [next_call(1, 1)]  # this site counts its pages from 1
    size = int(data.get("page_size") or len(articles) or 1)
    if articles and (call.page - call.first + 1) * size < total and call.page < patterns.MAX_LIST_PAGES:
        return entries, [next_call(call.page + 1, call.first)]
    return entries, []
