"""DOCX attachments to the intermediate: paragraphs and span-normalised tables in body order.

python-docx opens the package (it finds the main part through the relationships); the body is
then walked here, because python-docx's table API repeats a merged cell's text in every grid
position it covers, and the project's model puts it at the top-left only with ``None`` elsewhere
(``w:gridSpan`` spans columns, ``w:vMerge`` without ``restart`` continues the cell above).

Bounds: before python-docx reads anything, the zip directory is checked: at most
:data:`MAX_ENTRIES` entries, :data:`MAX_UNCOMPRESSED` bytes in all and :data:`MAX_XML_BYTES` in
any XML part (lxml holds a parsed part in several times its size), so a zip bomb is refused
on its declared sizes (``zipfile`` never inflates an entry past its declared size, and the CRC
check catches a lie). XML entities are not resolved by python-docx's parser, and libxml2 limits
nesting depth. Anything python-docx cannot open raises :class:`UnreadableDocument`.
"""

from __future__ import annotations

import io
import zipfile

import docx
from lxml import etree

from parsers.document import Block, Document, Paragraph, Table
from parsers.errors import UnreadableDocument
from parsers.html import normalise_cell_text

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_ENTRIES = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_XML_BYTES = 32 * 1024 * 1024  # per XML part; a long report's document.xml is about 2 MB
_MAX_SPAN = 64  # a report table has at most 15 grid columns

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_NAMESPACES = {"w": _W[1:-1], "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006"}
#: Text, tabs and breaks of a paragraph in order; a text box's VML fallback copy is skipped.
_TEXT_PARTS = etree.XPath(".//w:t[not(ancestor::mc:Fallback)] | .//w:tab[not(ancestor::w:tabs)] | .//w:br | .//w:cr",
                          namespaces=_NAMESPACES)


def extract_docx(data: bytes) -> Document:
    """Read a DOCX (a zip holding ``word/document.xml``); raises :class:`UnreadableDocument`."""
    _check_archive(data)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx fails on damaged packages with anything (KeyError, lxml, zip …)
        raise UnreadableDocument(f"DOCX could not be opened: {type(exc).__name__}: {exc}"[:200]) from exc
    if body is None:
        raise UnreadableDocument("DOCX has no document body")
    blocks: list[Block] = []
    _walk(body, blocks)
    return Document(media_type=MEDIA_TYPE, blocks=blocks)


def _check_archive(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableDocument(f"damaged zip archive: {exc}") from exc
    if len(entries) > MAX_ENTRIES:
        raise UnreadableDocument(f"zip archive has {len(entries):,} entries (limit {MAX_ENTRIES:,})")
    if not any(entry.filename == "word/document.xml" for entry in entries):
        raise UnreadableDocument("zip archive is not a Word document (no word/document.xml)")
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise UnreadableDocument("DOCX is encrypted")
    size = sum(entry.file_size for entry in entries)
    largest_xml = max((entry.file_size for entry in entries if entry.filename.endswith((".xml", ".rels"))), default=0)
    if size > MAX_UNCOMPRESSED or largest_xml > MAX_XML_BYTES:
        raise UnreadableDocument(f"DOCX unpacks to {size:,} bytes, {largest_xml:,} in one XML part "
                                 f"(limits {MAX_UNCOMPRESSED:,} and {MAX_XML_BYTES:,}): refused as a zip bomb")


def _walk(container: etree._Element, blocks: list[Block]) -> None:
    """Append the paragraphs and tables of a body, content control or layout cell in order."""
    for child in container.iterchildren(f"{_W}p", f"{_W}tbl", f"{_W}sdt"):
        if child.tag == f"{_W}p":
            blocks.extend(Paragraph(text) for text in _paragraph_lines(child))
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _walk(content, blocks)
        elif child.find(f".//{_W}tbl") is not None:  # a layout table: its cells hold the report
            for row in child.iterchildren(f"{_W}tr"):
                for cell in row.iterchildren(f"{_W}tc"):
                    _walk(cell, blocks)
        else:
            grid = _grid(child)
            if any(any(cell for cell in row) for row in grid):
                blocks.append(Table(rows=grid, positional=True))


def _paragraph_lines(paragraph: etree._Element) -> list[str]:
    """A paragraph's text, split at manual line breaks (a two-line title is two lines, as in HTML)."""
    lines: list[str] = []
    parts: list[str] = []
    for part in _TEXT_PARTS(paragraph):
        tag = part.tag
        if tag == f"{_W}t":
            parts.append(part.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        else:
            lines.append(normalise_cell_text("".join(parts)))
            parts.clear()
    lines.append(normalise_cell_text("".join(parts)))
    return [line for line in lines if line]


def _int(element: etree._Element | None, default: int) -> int:
    try:
        return max(0, min(_MAX_SPAN, int(element.get(f"{_W}val")))) if element is not None else default
    except (TypeError, ValueError):
        return default


def _grid(table: etree._Element) -> list[list[str | None]]:
    """The table as a grid: text at a span's top-left, ``None`` where a span or a short row covers."""
    rows: list[list[str | None]] = []
    for row in table.iterchildren(f"{_W}tr"):
        cells: list[str | None] = [None] * _int(row.find(f"{_W}trPr/{_W}gridBefore"), 0)
        for cell in row.iterchildren(f"{_W}tc"):
            properties = cell.find(f"{_W}tcPr")
            span = max(1, _int(properties.find(f"{_W}gridSpan") if properties is not None else None, 1))
            merge = properties.find(f"{_W}vMerge") if properties is not None else None
            continued = merge is not None and merge.get(f"{_W}val", "continue") != "restart"
            cells.append(None if continued else _cell_text(cell))
            cells.extend([None] * (span - 1))
        rows.append(cells)
    width = max((len(row) for row in rows), default=0)
    return [row + [None] * (width - len(row)) for row in rows]


def _cell_text(cell: etree._Element) -> str:
    """All paragraphs of a cell on one line; Word puts one CJK line per paragraph, so no spaces."""
    lines = [line for paragraph in cell.iter(f"{_W}p") for line in _paragraph_lines(paragraph)]
    return normalise_cell_text(" ".join(lines))
