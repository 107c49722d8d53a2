"""Reading one fetched page: its text in the right encoding, its links with their context, its title, its files.

Portals lie about encodings (portals.md §8: a ``gb2312`` header on a UTF-8 page, GBK with no
declaration at all), and a garbled title cannot be classified, so pages are decoded by validity
first: bytes that are valid UTF-8 are UTF-8 (GBK text practically never is), otherwise the declared
charset with gb2312/gbk widened to gb18030, otherwise gb18030. A page is parsed into an lxml tree
only when something needs one (the links of a list page and their context; the files of a report
page that points to any): a report page's title, error headings and table marker are read from the
markup, which costs a fraction of a parse on the 50–90 KB pages Word exports make.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from html import unescape
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from collector.crawl import patterns

_CHARSET = re.compile(rb"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# A report page's title and error headings are read from the markup without building a tree: most
# report pages need nothing else (see ``Page.attachments``), and a tree costs more than the rest.
_META_TITLE = re.compile(r"<meta\b[^>]*\bname\s*=\s*[\"']ArticleTitle[\"'][^>]*>", re.IGNORECASE)
_META_SOURCE = re.compile(r"<meta\b[^>]*\bname\s*=\s*[\"']ContentSource[\"'][^>]*>", re.IGNORECASE)
_CONTENT = re.compile(r"\bcontent\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", re.IGNORECASE)
_ELEMENTS = {tag: re.compile(rf"<{tag}\b[^>]*>(.*?)</{tag}\s*>", re.IGNORECASE | re.DOTALL)
             for tag in ("title", "h1", "h2", "ucaptitle")}
_TAG = re.compile(r"<[^>]+>")
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def _declared_charset(body: bytes, content_type: str | None) -> str | None:
    for source in ((content_type or "").encode("latin-1", "replace"), body[:2048]):
        match = _CHARSET.search(source)
        if match:
            name = match[1].decode("ascii", "replace").lower()
            return _WIDER.get(name, name)
    return None


def decode(body: bytes, content_type: str | None = None, utf8_text: str | None = None) -> str:
    """The page's text: UTF-8 when the bytes are valid UTF-8, else the declared charset, else GB18030.

    ``utf8_text`` is the body already decoded as UTF-8 with replacement characters, as Scrapy decodes
    a page it was told is UTF-8: when it replaced nothing the bytes were valid UTF-8, and it is the text.
    """
    if utf8_text is not None and "\ufffd" not in utf8_text:
        return utf8_text
    if body.startswith(codecs.BOM_UTF8):
        return body[len(codecs.BOM_UTF8):].decode("utf-8", "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    charset = _declared_charset(body, content_type)
    try:
        return body.decode(charset if charset and charset != "utf-8" else "gb18030", "replace")
    except LookupError:
        return body.decode("gb18030", "replace")


def parse_date(text: str) -> date | None:
    """The first ``2022-02-08`` / ``2022年2月8日`` / ``2022/02/08`` in ``text`` that is a real day."""
    for match in patterns.DATE.finditer(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            continue
    return None


@dataclass(frozen=True, slots=True)
class Anchor:
    """One link: where it goes, what it says (text and ``title`` attribute) and what is printed beside it."""

    url: str
    host: str
    text: str    # as printed (white space tidied)
    folded: str  # full-width folded, for matching
    title: str | None
    date: date | None  # only for links outside the page furniture (list entries)
    in_pager: bool
    in_chrome: bool


def _date_beside(element: etree._Element, folded: str) -> date | None:
    """The date printed next to a link, in the same list item or table row (not inside the link text)."""
    parent = element.getparent()
    if parent is None:
        return None
    return parse_date(patterns.fold(parent.text_content()).replace(folded, " ", 1))


@dataclass(frozen=True, slots=True)
class Containers:
    """Whether an element sits in page furniture (header, nav, footer …) or in a pager, by the ``class``
    and ``id`` of the element and its ancestors."""

    chrome: bool
    pager: bool


_OUTSIDE = Containers(False, False)


def _containers(element: etree._Element, known: dict[etree._Element, Containers]) -> Containers:
    """The element's :class:`Containers`; ``known`` keeps every ancestor's, so the links of one list share
    the walk up the tree instead of each repeating it."""
    chain = []
    while element is not None and element not in known:
        chain.append(element)
        element = element.getparent()
    found = _OUTSIDE if element is None else known[element]
    for element in reversed(chain):
        classes, name = element.get("class"), element.get("id")
        if classes or name:  # most elements have neither: they are in whatever their parent is in
            marks = f"{classes or ''} {name or ''}"
            found = Containers(found.chrome or bool(patterns.CHROME_CONTAINER.search(marks)),
                               found.pager or bool(patterns.PAGER_CONTAINER.search(marks)))
        known[element] = found
    return found


class Page:
    """An HTML page (or fragment) at ``url``, decoded and parsed on first use."""

    def __init__(self, url: str, text: str, body: bytes | None = None) -> None:
        self.url = url
        self.text = text
        self._body = body  # the bytes ``text`` was decoded from, when known

    @classmethod
    def from_bytes(cls, url: str, body: bytes, content_type: str | None = None, utf8_text: str | None = None) -> Page:
        """The page of ``body`` (``utf8_text``: see :func:`decode`)."""
        return cls(url, decode(body, content_type, utf8_text), body)

    @cached_property
    def root(self) -> etree._Element:
        text = _XML_DECLARATION.sub("", self.text, count=1)
        try:
            return lxml.html.document_fromstring(text) if text.strip() else lxml.html.fromstring("<html></html>")
        except (etree.ParserError, ValueError):
            return lxml.html.fromstring("<html></html>")

    @cached_property
    def _origin(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def _link(self, href: str) -> tuple[str, str] | None:
        """``(absolute URL, host)`` of ``href``; site-absolute paths, the usual case, skip ``urljoin``."""
        href = href.strip()
        if not href or patterns.NOT_A_LINK.search(href):
            return None
        if href.startswith("/") and not href.startswith("//") and "/./" not in href and "/../" not in href:
            return (self._origin + href).split("#", 1)[0], self.host or ""
        url = urljoin(self.url, href)
        parts = urlsplit(url)
        return (url.split("#", 1)[0], parts.hostname or "") if parts.scheme in ("http", "https") else None

    def resolve(self, href: str) -> str | None:
        """The absolute URL of ``href``, or None for scripts, anchors and template placeholders."""
        link = self._link(href)
        return link[0] if link else None

    @cached_property
    def host(self) -> str | None:
        return urlsplit(self.url).hostname

    @cached_property
    def anchors(self) -> list[Anchor]:
        found = []
        for element in self.root.iter("a"):
            link = self._link(element.get("href") or "")
            if link is None:
                continue
            url, host = link
            text = " ".join(element.text_content().split())
            folded = patterns.fold(text)
            containers = self._containers_of(element)
            found.append(Anchor(url, host, text, folded, element.get("title"),
                                None if containers.chrome else _date_beside(element, folded),
                                containers.pager, containers.chrome))
        return found

    @cached_property
    def _known_containers(self) -> dict[etree._Element, Containers]:
        return {}

    def _containers_of(self, element: etree._Element) -> Containers:
        return _containers(element, self._known_containers)

    @cached_property
    def _markup(self) -> bytes:
        """The page's bytes lower-cased, for the ASCII markers of files (``.pdf``, ``<iframe``): lowering
        bytes costs a fifth of lowering the text, and every pass over a 20 KB page counts on a crawl. ASCII
        is the same bytes in UTF-8 and GB18030, so a marker in the text is in the bytes (a GBK trail byte
        may look like a letter: a false hint only costs a parse)."""
        return (self._body if self._body is not None else self.text.encode("utf-8", "replace")).lower()

    @cached_property
    def _head(self) -> str:
        """The markup up to ``</head>`` (where ``<title>`` and the meta tags are)."""
        end = _HEAD_END.search(self.text)
        return self.text if end is None else self.text[:end.start()]

    def _first_text(self, tag: str) -> str:
        """The text of the first ``<tag>`` element, read from the markup (the patterns start at ``<``,
        which the regex engine skips to quickly: a few microseconds where a full pass costs twenty)."""
        match = _ELEMENTS[tag].search(self.text)
        return patterns.fold(unescape(_TAG.sub("", match[1]))) if match else ""

    def _article_title(self) -> str:
        tag = _META_TITLE.search(self._head)
        content = _CONTENT.search(tag[0]) if tag else None
        return patterns.fold(unescape(content[1] or content[2] or "")) if content else ""

    @cached_property
    def heading(self) -> str:
        """The document's own title: TRS ``ArticleTitle``, ucap ``<ucaptitle>``, ``<h1>``, or ``<title>``'s
        first part."""
        return self._article_title() or self._first_text("ucaptitle") or self._first_text("h1") or \
            self._first_text("title").split("_", 1)[0]

    @cached_property
    def publisher(self) -> str:
        """Where the page names its publisher: ``ContentSource`` and the words after 来源 / 发布机构."""
        zones = []
        for mark in patterns.SOURCE_MARKS:
            start = self.text.find(mark)
            if start >= 0:
                start += len(mark)
                zones.append(patterns.fold(_TAG.sub(" ", self.text[start:start + patterns.SOURCE_SPAN])))
        content_source = _META_SOURCE.search(self._head)
        return " ".join([*zones, content_source[0] if content_source else ""]).strip()

    @property
    def is_soft_404(self) -> bool:
        """An error page served with status 200 (portals.md §9): the title or a heading says so."""
        return any(patterns.SOFT_404.search(self._first_text(tag)) for tag in ("title", "h1", "h2"))

    @property
    def has_table(self) -> bool:
        """Whether the report's tables are inline (then pictures on the page are not the report)."""
        return any(marker in self.text for marker in patterns.TABLE_MARKERS)

    def attachments(self) -> list[str]:
        """Files the report lives in: linked files and download endpoints, ``window.open`` handlers,
        PDF viewer frames, and, on a page without inline tables, its pictures (图片版)."""
        markup = self._markup
        hinted = patterns.FILE_EXTENSION_HINT.search(markup) is not None or \
            patterns.FRAME_HINT.search(markup) is not None or any(hint in markup for hint in patterns.FILE_HINTS)
        if not hinted and (self.has_table or patterns.IMAGE_HINT not in markup):
            return []
        found: list[str] = []
        for element in self.root.iter("a"):  # the raw href first: most links of a page are not files
            href = element.get("href") or ""
            if (patterns.FILE_EXTENSION.search(href) or patterns.DOWNLOAD_ENDPOINT.search(href)) and \
                    not self._containers_of(element).chrome:
                found.append(self.resolve(href) or "")
        for element in self.root.xpath("//*[@onclick]"):
            found += [url for url in map(self.resolve, patterns.WINDOW_OPEN.findall(element.get("onclick"))) if url]
        for element in self.root.xpath("//iframe[@src] | //embed[@src] | //object[@data]"):
            source = self.resolve(element.get("src") or element.get("data") or "")
            viewer = patterns.VIEWER_FILE.search(source or "")
            if viewer:
                found.append(self.resolve(unquote(viewer[1])) or "")
            elif source and patterns.FILE_EXTENSION.search(source):
                found.append(source)
        if not self.has_table:
            for element in self.root.iter("img"):
                source = self.resolve(element.get("src") or "")
                if source and patterns.IMAGE_EXTENSION.search(source) and \
                        not self._containers_of(element).chrome:
                    found.append(source)
        return list(dict.fromkeys(url for url in found if url))[:patterns.MAX_ATTACHMENTS]

    def statistics_year(self) -> int | None:
        """The year of 统计期限自YYYY年1月1日 in the body, for reports whose title has none."""
        match = patterns.STATISTICS_PERIOD.search(self.text)
        return int(match[1]) if match else None
