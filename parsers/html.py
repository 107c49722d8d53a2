"""HTML pages to the intermediate: paragraphs and span-expanded table grids, in reading order.

Tables are read from the markup with lxml (trafilatura drops empty cells and span information);
trafilatura supplies the page metadata (title) and, for pages whose markup hides the report in
layout tables, the narrative text. Portal chrome (navigation, footers, related links) is skipped
where it is marked as such; whatever remains is harmless to the interpreter, which only keeps
what matches the report template.
"""

from __future__ import annotations

import json
import re

import lxml.html
from lxml import etree
from trafilatura.metadata import extract_metadata

from parsers.dates import parse_date
from parsers.decode import decode_text
from parsers.document import Document, Paragraph, Table
from parsers.errors import UnreadableDocument

_SKIP_TAGS = {"script", "style", "noscript", "iframe", "form", "select", "button", "nav", "footer", "header",
              "head", "title", "object", "embed", "svg", "template"}
_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "blockquote",
               "pre", "dl", "dt", "dd", "center", "main", "aside", "figure", "figcaption", "caption", "tr", "td", "th",
               }
_CHROME = re.compile(r"(?:^|[-_\s])(?:nav|navbar|menu|footer|breadcrumb|crumbs?|share|related|xgwz|xglj|friendlinks?|"
                     r"sitemap|toolbar)(?:$|[-_\s\d])", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_SPACE = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef]) (?=\S)|(?<=\S) (?=[\u3000-\u9fff\uff00-\uffef])")
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.){200,})"|\'((?:[^\'\\\n]|\\.){200,})\'', re.DOTALL)
_DATE_META_NAMES = ("pubdate", "publishdate", "firstpublishedtime", "publishtime", "dc.date", "dcterms.issued",
                    "article:published_time", "createdate", "releasedate")
_MAX_SPAN = 200


def normalise_cell_text(text: str) -> str:
    """Collapse whitespace, and drop it entirely between CJK characters (Word puts one per ``<p>``)."""
    text = _SPACE.sub(" ", text.replace("\xa0", " ").replace("\u3000", " ")).strip()
    return _CJK_GAP.sub("", text)


def _span(cell: etree._Element, attribute: str) -> int:
    try:
        return max(1, min(_MAX_SPAN, int(str(cell.get(attribute, "1")).strip() or 1)))
    except ValueError:
        return 1


def table_grid(table: etree._Element) -> list[list[str | None]]:
    """Expand a ``<table>`` into a rectangular grid: a span's text sits at its top-left cell, the
    positions it covers (and those a short row lacks) are ``None``."""
    occupied: dict[tuple[int, int], str | None] = {}
    rows = list(table.iter("tr"))  # only tables without nested tables get here
    width = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag not in ("td", "th"):
                continue
            while (r, c) in occupied:
                c += 1
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            text = normalise_cell_text(" ".join(cell.itertext()))
            for dr in range(rowspan):
                for dc in range(colspan):
                    occupied[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else None
            c += colspan
            width = max(width, c)
    return [[occupied.get((r, c)) for c in range(width)] for r in range(len(rows))]


def _is_chrome(element: etree._Element) -> bool:
    marker = f"{element.get('id', '')} {element.get('class', '')}"
    return bool(marker.strip()) and bool(_CHROME.search(marker))


class _BlockWriter:
    """Walks an element tree and writes paragraphs and tables in document order."""

    def __init__(self) -> None:
        self.blocks: list[Paragraph | Table] = []
        self._buffer: list[str] = []

    def flush(self) -> None:
        text = normalise_cell_text(" ".join(self._buffer))
        self._buffer.clear()
        if text:
            self.blocks.append(Paragraph(text))

    def walk(self, root: etree._Element) -> None:
        """Write the blocks under ``root``; iterative, so deeply nested markup cannot exhaust the stack."""
        walker = etree.iterwalk(root, events=("start", "end"))
        for event, element in walker:
            tag = element.tag if isinstance(element.tag, str) else ""
            if event == "end":
                if tag in _BLOCK_TAGS or tag == "table":
                    self.flush()
                if element is not root:
                    self._text(element.tail)
                continue
            if not tag or tag in _SKIP_TAGS or _is_chrome(element):
                walker.skip_subtree()
                continue
            if tag == "table":
                self.flush()
                if element.find(".//table") is None:  # a data table; a layout table's cells are containers
                    self._table(element)
                    walker.skip_subtree()
                continue
            if tag == "br" or tag in _BLOCK_TAGS:
                self.flush()
            self._text(element.text)

    def _table(self, element: etree._Element) -> None:
        grid = table_grid(element)
        if any(any(cell for cell in row) for row in grid):
            self.blocks.append(Table(rows=grid, positional=True))

    def _text(self, text: str | None) -> None:
        if text and text.strip():
            self._buffer.append(text)


def _embedded_html(root: etree._Element) -> list[str]:
    """HTML fragments hidden in script string literals (some portals render the report with JS)."""
    fragments = []
    for script in root.iter("script"):
        source = script.text or ""
        if "table" not in source.lower() and "报告" not in source and "\\u" not in source:
            continue
        for match in _JS_STRING.finditer(source):
            literal = match.group(1) if match.group(1) is not None else match.group(2).replace('\\\'', "'").replace('"', '\\"')
            try:
                decoded = json.loads(f'"{literal}"')
            except ValueError:
                continue
            if "<" in decoded and ("<table" in decoded.lower() or "报告" in decoded):
                fragments.append(decoded)
    return fragments


def _published_from_meta(root: etree._Element) -> str | None:
    for meta in root.iter("meta"):
        name = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip().lower()
        if name in _DATE_META_NAMES and meta.get("content"):
            found = parse_date(meta.get("content"))
            if found:
                return found
    for element in root.iter("publishtime", "pubdate"):
        found = parse_date(" ".join(element.itertext()))
        if found:
            return found
    return None


def _page_title(root: etree._Element) -> str | None:
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() in ("articletitle", "title", "og:title") and meta.get("content"):
            return normalise_cell_text(meta.get("content"))
    try:
        metadata = extract_metadata(root)
    except Exception:  # trafilatura's heuristics must never sink a parse
        return None
    return normalise_cell_text(metadata.title) if metadata.title else None


def extract_html(data: bytes) -> Document:
    """Read an HTML page into the intermediate."""
    text = _XML_DECLARATION.sub("", decode_text(data))
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableDocument(f"HTML could not be parsed: {exc}") from exc
    document = Document(media_type="text/html", title=_page_title(root), published_at=_published_from_meta(root))
    fragments = _embedded_html(root)
    writer = _BlockWriter()
    body = root.find("body")
    writer.walk(body if body is not None else root)
    writer.flush()
    for fragment in fragments:
        try:
            writer.walk(lxml.html.fragment_fromstring(fragment, create_parent="div"))
        except (etree.ParserError, ValueError):
            continue
        writer.flush()
    document.blocks = writer.blocks
    return document
