"""Test helpers for the sample portal: a loopback HTTP client, a family-aware walker, the coverage farm.

The walker stands in for the spider that does not exist yet: starting from a host's home page it
follows links and every pagination mechanism the farm's families use (createPageHTML, the 动静结合
search API, the Hanweb XML proxy, jpaas queryData, gkmlpt's SID, ucap's POSTed cpage), so a test
can prove that everything the manifest lists is reachable from the home page by what the pages
themselves say. It only ever connects to 127.0.0.1. The coverage farm puts every family and
pagination, tree shape, layout, encoding and fault on a known agency, so each test addresses one.
"""

from __future__ import annotations

import http.client
import json
import math
import re
from collections import deque
from dataclasses import dataclass
from html import unescape
from urllib.parse import urlencode, urljoin, urlsplit

from collector.sample.portal import SamplePortal
from collector.sample.portal.bodies import REPORT_LAYOUTS
from collector.sample.portal.chrome import ENCODINGS
from collector.sample.portal.families import FAMILY_CLASSES
from collector.sample.portal.faults import FAULTS

LOOPBACK = "127.0.0.1"
_FILE = re.compile(r"\.(pdf|docx?|wps|png|jpe?g)$|downfile\.jsp|down\.aspx|download\.jsp", re.IGNORECASE)
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """Keep-alive requests to the farm's port with a chosen Host header (never another address)."""

    def __init__(self, port: int, timeout: float = 30.0) -> None:
        self.port = port
        self.timeout = timeout
        self._connection: http.client.HTTPConnection | None = None

    def request(self, host: str, target: str, *, method: str = "GET", body: str | bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        if self._connection is None:
            self._connection = http.client.HTTPConnection(LOOPBACK, self.port, timeout=self.timeout)
        all_headers = {"Host": f"{host}:{self.port}", **(headers or {})}
        if body is not None:
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        try:
            self._connection.request(method, target, body=body, headers=all_headers)
            response = self._connection.getresponse()
            data = response.read()
        except (ConnectionError, http.client.HTTPException, TimeoutError):
            self.close()
            raise
        reply = Reply(response.status, {key.lower(): value for key, value in response.getheaders()}, data)
        if reply.headers.get("connection", "").lower() == "close":
            self.close()
        return reply

    def get_url(self, url: str, **kwargs) -> Reply:
        parts = urlsplit(url)
        assert parts.port == self.port, url
        return self.request(parts.hostname, parts.path + (f"?{parts.query}" if parts.query else ""), **kwargs)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) when it is valid, else GB18030: enough to read links and 共N页."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


class Walker:
    """Breadth-first walk of one host from ``/``; records every request it made."""

    def __init__(self, client: Client, host: str, limit: int = 400) -> None:
        self.client = client
        self.host = host
        self.limit = limit
        self.fetched: set[str] = set()          # targets fetched with GET
        self.posted: list[tuple[str, str]] = []  # (target, form) of POSTs
        self.links: set[str] = set()            # every same-host target seen in a link

    def walk(self) -> Walker:
        queue = deque(["/"])
        while queue and len(self.fetched) < self.limit:
            target = queue.popleft()
            if target in self.fetched:
                continue
            self.fetched.add(target)
            reply = self.client.request(self.host, target)
            if reply.status in (301, 302):
                queue.append(self._local(target, reply.headers["location"]) or "/")
                continue
            if reply.status != 200 or "html" not in reply.headers.get("content-type", "html"):
                continue
            page = _decode(reply.body)
            for found in self._discover(target, page):
                self.links.add(found)
                if found not in self.fetched and not _FILE.search(found):
                    queue.append(found)
        return self

    def _local(self, base: str, href: str) -> str | None:
        href = unescape(href.strip())
        if href.startswith(("javascript:", "#", "mailto:")) or href in ("el.url", "logoutUrl"):
            return None
        parts = urlsplit(urljoin(f"http://{self.host}:{self.client.port}{base}", href))
        if parts.hostname != self.host:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def _discover(self, target: str, page: str) -> list[str]:
        found = [self._local(target, href) for href in _HREF.findall(page)]
        found += self._trs_pages(target, page) + self._dynamic(page) + self._hanweb(page) + self._jpaas(page)
        found += self._gkmlpt(page) + self._ucap(target, page)
        return [link for link in found if link]

    def _trs_pages(self, target: str, page: str) -> list[str]:
        match = re.search(r'createPageHTML\((\d+),\s*\d+,\s*"(\w+)",\s*"(\w+)"\)', page)
        if not match:
            return []
        count, stem, extension = int(match[1]), match[2], match[3]
        folder = target.rsplit("/", 1)[0] + "/"
        return [f"{folder}{stem}_{k}.{extension}" for k in range(1, count)]

    def _post(self, target: str, form: dict) -> Reply:
        encoded = urlencode(form)
        self.posted.append((target, encoded))
        return self.client.request(self.host, target, method="POST", body=encoded)

    def _dynamic(self, page: str) -> list[str]:
        match = re.search(r"var pageConfig = (\{.*?\});", page)
        if not match:
            return []
        config = json.loads(match[1])
        chnlid = config["classsql"].split("=")[1]
        links = []
        for number in range(2, math.ceil(config["total"] / config["prepage"]) + 1):
            reply = self._post(config["url"], {"channelid": config["channelid"], "chnlid": chnlid, "page": number,
                                               "prepage": config["prepage"]})
            links += [doc["DOCPUBURL"] for doc in json.loads(reply.body)["data"]]
        return links

    def _hanweb(self, page: str) -> list[str]:
        match = re.search(r"\.jpage\((\{.*?\})\);", page)
        if not match:
            return []
        config = json.loads(match[1])
        links, start, size = [], 1, config["perPage"] * config["groupSize"]
        while start <= config["totalRecord"]:
            query = urlencode({"startrecord": start, "endrecord": start + size - 1, "perpage": config["perPage"]})
            reply = self._post(f"{config['proxyUrl']}?{query}", config["ajaxParam"])
            links += [self._local("/", href) for href in _HREF.findall(reply.text())]
            start += size
        return links

    def _jpaas(self, page: str) -> list[str]:
        match = re.search(r'queryData="([^"]+)"', page)
        if not match:
            return []
        params = dict(re.findall(r"'(\w+)':'([^']*)'", unescape(match[1])))
        links, number = [], 1
        while True:
            query = urlencode({**params, "pageNo": number})
            target = f"/api-gateway/jpaas-publish-server/front/page/build/unit?{query}"
            self.fetched.add(target)
            html = json.loads(self.client.request(self.host, target).body)["data"]["html"]
            links += [self._local("/", href) for href in _HREF.findall(html)]
            pagination = re.search(r'rows="(\d+)" count="(\d+)"', html)
            if number * int(pagination[1]) >= int(pagination[2]):
                return links
            number += 1

    def _gkmlpt(self, page: str) -> list[str]:
        match = re.search(r"window\.GKMLPT_CONFIG = (\{.*?\});", page)
        if not match:
            return []
        config = json.loads(match[1])
        links, seen, number = [], 0, 0
        while True:
            target = f"{config['API']}?page={number}&sid={config['SID']}"
            self.fetched.add(target)
            data = json.loads(self.client.request(self.host, target).body)
            if not data["articles"] and number == 0 and data["total"]:
                number = 1  # this site counts pages from 1
                continue
            links += [article["url"] for article in data["articles"]]
            seen += len(data["articles"])
            if not data["articles"] or seen >= data["total"]:
                return links
            number += 1

    def _ucap(self, target: str, page: str) -> list[str]:
        match = re.search(r'<form id="pageForm" method="post" action="([^"]+)">', page)
        pages = re.search(r"共(\d+)页", page)
        if not match or not pages:
            return []
        links = []
        for number in range(2, int(pages[1]) + 1):
            reply = self._post(unescape(match[1]), {"cpage": number})
            links += [self._local(target, href) for href in _HREF.findall(reply.text())]
        return links


# --- a farm that holds every family, pagination, layout, encoding and fault at least once -----------

COVERAGE_SEED = 11
FAMILY_PAGING = [(name, paging) for name, cls in FAMILY_CLASSES.items() for paging in cls.PAGING]
_YEARS = 9  # forced layouts are picked by (year - 2018) modulo their number; 2017…2025 all differ mod 9


def _layout_first(layout: str) -> tuple[str, ...]:
    """Layouts that put ``layout`` on the 2019 report only (2018 is legacy; DOCX is slow to render)."""
    return tuple(layout if position == 1 else "html_clean" for position in range(_YEARS))


def coverage_overrides() -> dict[int, dict]:
    """Agency overrides, in a fixed order; agency 0 (a government) also gets a units tree."""
    plan: list[dict] = [{"tree": "units", "family": "trs"}]
    plan += [{"family": family, "paging": paging, "tree": "flat"} for family, paging in FAMILY_PAGING]
    plan += [{"family": family, "tree": "years"} for family in FAMILY_CLASSES]
    plan += [{"family": "trs", "tree": "flat", "layouts": _layout_first(layout)} for layout in REPORT_LAYOUTS]
    plan += [{"family": "hanweb", "tree": "flat", "encoding": encoding, "layouts": ("html_word", "html_clean", "pipes")}
             for encoding in ENCODINGS]
    plan += [{"family": "ucap", "tree": "flat", "traditional": True, "layouts": ("html_word", "html_clean", "pipes")}]
    plan += [{"family": "trs", "tree": "flat", "faults": (fault,),
              "layouts": ("pdf",) if fault.startswith("attachment") else ("html_clean",)} for fault in FAULTS]
    return {index: {"per_page": 3, "faults": (), **fields} for index, fields in enumerate(plan)}


COVERAGE = coverage_overrides()


def coverage_index(**fields) -> int:
    """The coverage agency whose overrides include ``fields``."""
    return next(index for index, override in COVERAGE.items()
                if all(override.get(key) == value for key, value in fields.items()))


def coverage_portal(**options) -> SamplePortal:
    """A portal serving the coverage farm (not started)."""
    return SamplePortal(agencies=len(COVERAGE), seed=COVERAGE_SEED, fault_rate=0, overrides=COVERAGE, **options)
