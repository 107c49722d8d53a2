"""PDF attachments to the intermediate: ruled tables as grids, the other text as paragraphs.

pdfplumber finds each ruled table and its cell rectangles; the words are then placed into those
cells here rather than by pdfplumber's own text extraction, because Word/WPS exports defeat the
latter in ways that matter for the report tables:

* a long label wraps inside its cell, and in text flow the row's numbers land between its two
  halves; read per cell, the halves stay together and are joined without a space (CJK);
* a merged label one character wide (「三、本年度办理结果」) prints one character per line;
* a number that does not fit its cell overhangs the ruling line, so its first digit lies in the
  neighbour; a word is never split, and one that straddles two cells goes to the cell that has
  nothing else (else to the one holding most of it);
* a table that runs across a page comes out as fragments with different column rules (merged
  header cells have no inner rules); consecutive fragments on consecutive pages with the same
  outer edges are stitched into one grid over the union of their column boundaries. The page
  footer (``- 4 -``, ``第 4 页``) between them is dropped like every other footer.

Grids follow :class:`parsers.document.Table`: a span's text at its top-left cell, covered
positions ``None``. Text outside tables becomes paragraphs: lines are joined until a line is
indented, follows a gap, or the previous line stopped short of the right margin.

Errors: a PDF that cannot be read at all (encrypted with a password, damaged, no pages) raises
:class:`UnreadableDocument`; a PDF read in part carries findings (pages beyond :data:`MAX_PAGES`,
pages that failed, pages that are only pictures, glyphs without a Unicode map). A PDF without any
readable text is not an error: it yields no blocks and the ``image_only`` finding (one with
neither text nor anything drawn is unreadable). The work per file is bounded by
:func:`parsers.sandbox.bounded` where the extractor is registered.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from parsers.document import Block, Document, Finding, Paragraph, Table
from parsers.errors import UnreadableDocument
from parsers.html import normalise_cell_text
from parsers.findings import ATTACHMENT_TRUNCATED, PAGE_UNREADABLE, TEXT_UNMAPPED
from parsers.image import image_only

MEDIA_TYPE = "application/pdf"
MAX_PAGES = 150  # a long provincial report has about 60

_X_TOLERANCE = 1.5  # pt: characters closer than this form one word (digits of a number touch)
_SNAP = 1.5  # pt: cell edges closer than this are one grid line
_EDGE_MATCH = 3.0  # pt: fragments on two pages are one table when their outer edges agree this well
_FOOTER = re.compile(r"^(?:[-—–－]+\d{1,4}[-—–－]+|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?|\d{1,4}/\d{1,4}|page\d+(?:of\d+)?)$",
                     re.IGNORECASE)
_CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019]")


@dataclass(slots=True)
class _Line:
    """A line of text outside tables, with the geometry the paragraph rules need."""

    text: str
    page: int
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass(slots=True)
class _Grid:
    """One table fragment of one page: the grid and the x positions of its column boundaries."""

    rows: list[list[str | None]]
    xs: list[float]
    page: int
    top: float


@dataclass(slots=True)
class _Page:
    """What one page gave: its items in reading order and what the findings need to know."""

    items: list[_Line | _Grid]
    has_text: bool
    has_pictures: bool  # images or outlines: something drawn that may be text we cannot read
    unmapped: int  # glyphs whose font has no Unicode map (pdfminer's ``(cid:N)``)


def extract_pdf(data: bytes) -> Document:
    """Read a PDF into the intermediate; raises :class:`UnreadableDocument` (see the module doc)."""
    try:
        pdf = pdfplumber.open(io.BytesIO(data), raise_unicode_errors=False)
        pages = pdf.pages
    except Exception as exc:  # pdfminer raises anything on damaged files (struct, zlib, KeyError …)
        cause = _cause(exc)
        if isinstance(cause, MemoryError):
            raise MemoryError from exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise UnreadableDocument("PDF is encrypted and needs a password") from exc
        raise UnreadableDocument(f"PDF could not be opened: {type(cause).__name__}") from exc
    with pdf:
        return _read_pages(pages)


def _cause(exc: Exception) -> BaseException:
    """The pdfminer exception inside pdfplumber's ``PdfminerException`` wrapper."""
    if isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], BaseException):
        return exc.args[0]
    return exc


def _read_pages(pages: list) -> Document:
    document = Document(media_type=MEDIA_TYPE)
    read: list[_Page] = []
    failed: list[int] = []
    for number, page in enumerate(pages[:MAX_PAGES], start=1):
        try:
            read.append(_read_page(page, number))
        except Exception as exc:  # a damaged page must not sink the others; reported below
            if isinstance(_cause(exc), MemoryError):
                raise MemoryError from exc  # the file is too big to read at all: the sandbox says so
            failed.append(number)
            read.append(_Page([], False, False, 0))
        finally:
            page.close()
    if len(failed) == len(read):
        raise UnreadableDocument("PDF has no readable pages")
    pictures = [n for n, page in enumerate(read, 1) if page.has_pictures and not page.has_text]
    unmapped = [n for n, page in enumerate(read, 1) if page.unmapped]
    if unmapped:
        document.findings.append(Finding(TEXT_UNMAPPED, "warning", f"pages {_numbers(unmapped)}",
                                         f"{sum(page.unmapped for page in read)} characters use fonts without a "
                                         "Unicode map and were skipped"))
    if not any(page.has_text for page in read):
        if not pictures:
            raise UnreadableDocument("PDF has neither text nor pictures")
        document.findings.insert(0, image_only(len(pictures)))
        return document
    if pictures:
        document.findings.append(image_only(len(pictures), where=f"pages {_numbers(pictures)}", severity="warning"))
    if failed:
        document.findings.append(Finding(PAGE_UNREADABLE, "warning", f"pages {_numbers(failed)}",
                                         f"{len(failed)} page(s) could not be read"))
    if len(pages) > MAX_PAGES:
        document.findings.append(Finding(ATTACHMENT_TRUNCATED, "warning", "document",
                                         f"only the first {MAX_PAGES} of {len(pages)} pages were read"))
    document.blocks = _blocks([item for page in read for item in page.items])
    return document


def _numbers(pages: list[int]) -> str:
    return ", ".join(map(str, pages[:20])) + (" …" if len(pages) > 20 else "")


def _read_page(page, number: int) -> _Page:
    """The lines and table fragments of one page in reading order (top to bottom)."""
    chars = page.chars
    unmapped = {id(char) for char in chars if char["text"].startswith("(cid:")}
    skipped = unmapped | _doubled_chars(chars)
    if skipped:
        page = page.filter(lambda obj: id(obj) not in skipped)
    words = page.extract_words(x_tolerance=_X_TOLERANCE, y_tolerance=3)
    items: list[_Line | _Grid] = []
    taken: set[int] = set()
    for table in page.find_tables():
        if len(table.cells) < 2:
            continue  # a frame around a paragraph, not a table
        grid, used = _fill(table.cells, words, number)
        taken |= used
        items.append(grid)
    rest = [word for index, word in enumerate(words) if index not in taken]
    items.extend(line for line in _lines(rest, number) if not _is_footer(line, page.height))
    items.sort(key=lambda item: item.top)
    return _Page(items, bool(words), bool(page.images or page.curves or unmapped), len(unmapped))


def _doubled_chars(chars: list[dict]) -> set[int]:
    """Characters printed a second time within 1 pt of the first: WPS and Word fake bold that way.

    (pdfplumber's ``dedupe_chars`` does the same but costs a third of the page's parse time.)
    """
    seen: dict[tuple[str, int], list[tuple[float, float]]] = {}
    doubled: set[int] = set()
    for char in chars:
        row = round(char["top"])
        spot = (char["x0"], char["top"])
        if any(abs(spot[0] - x) < 1 and abs(spot[1] - y) < 1
               for key in ((char["text"], row - 1), (char["text"], row), (char["text"], row + 1))
               for x, y in seen.get(key, ())):
            doubled.add(id(char))
        else:
            seen.setdefault((char["text"], row), []).append(spot)
    return doubled


def _is_footer(line: _Line, page_height: float) -> bool:
    compact = re.sub(r"\s+", "", line.text)
    if _FOOTER.match(compact):
        return True
    return compact.isdigit() and len(compact) <= 4 and line.top > page_height * 0.9  # a bare page number


# ------------------------------------------------------------------------------------ words and text


def _join_words(words: list[dict]) -> str:
    """One line of words: no space inside CJK text, a space where the gap is as wide as one."""
    text = words[0]["text"]
    for before, after in zip(words, words[1:]):
        gap = after["x0"] - before["x1"]
        size = before["bottom"] - before["top"]
        cjk = bool(_CJK.match(before["text"][-1]) or _CJK.match(after["text"][0]))
        text += "" if gap < 0.2 * size or (cjk and gap < size) else " "
        text += after["text"]
    return text


def _line_groups(words: list[dict]) -> list[list[dict]]:
    """Words grouped into visual lines (vertical overlap), each sorted left to right."""
    groups: list[list[dict]] = []
    bottom = float("-inf")
    for word in sorted(words, key=lambda w: (w["top"], w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        if groups and middle < bottom:
            groups[-1].append(word)
            bottom = max(bottom, word["bottom"])
        else:
            groups.append([word])
            bottom = word["bottom"]
    return [sorted(group, key=lambda w: w["x0"]) for group in groups]


def _lines(words: list[dict], page: int) -> list[_Line]:
    return [_Line(_join_words(group), page, group[0]["x0"], max(w["x1"] for w in group),
                  min(w["top"] for w in group), max(w["bottom"] for w in group))
            for group in _line_groups(words)]


def _cell_text(words: list[dict]) -> str:
    """A cell's lines joined: wrapped CJK text and numbers wrapped in narrow cells without a space."""
    text = ""
    for group in _line_groups(words):
        line = _join_words(group)
        if text:
            glue = _CJK.match(text[-1]) or _CJK.match(line[0]) or (text[-1].isdigit() and line[0].isdigit())
            text += "" if glue else " "
        text += line
    return normalise_cell_text(text)  # the same cell text as the HTML and DOCX readers give


# ------------------------------------------------------------------------------------------- tables


def _snap(values: list[float]) -> list[float]:
    """Sorted distinct positions, merging those within :data:`_SNAP` of the previous one."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > _SNAP:
            out.append(value)
    return out


def _index(lines: list[float], value: float) -> int:
    """The index of the grid line nearest to ``value``."""
    i = bisect_left(lines, value)
    if i == len(lines) or (i > 0 and value - lines[i - 1] <= lines[i] - value):
        return i - 1
    return i


def _fill(cells: list[tuple], words: list[dict], page: int) -> tuple[_Grid, set[int]]:
    """Lay the cell rectangles on a grid and place each word in exactly one cell."""
    xs = _snap([x for cell in cells for x in (cell[0], cell[2])])
    ys = _snap([y for cell in cells for y in (cell[1], cell[3])])
    boxes = [(_index(ys, top), _index(xs, x0), _index(ys, bottom), _index(xs, x1)) for x0, top, x1, bottom in cells]
    owner: dict[tuple[int, int], int] = {}
    for number, (r0, c0, r1, c1) in enumerate(boxes):
        for r in range(r0, r1):
            for c in range(c0, c1):
                owner.setdefault((r, c), number)
    content: dict[int, list[dict]] = {}
    straddling: list[tuple[dict, list[int]]] = []
    used: set[int] = set()
    for index, word in enumerate(words):
        row = bisect_right(ys, (word["top"] + word["bottom"]) / 2) - 1
        if not 0 <= row < len(ys) - 1:
            continue
        first = max(bisect_right(xs, word["x0"] + 0.5) - 1, 0)
        last = min(bisect_left(xs, word["x1"] - 0.5) - 1, len(xs) - 2)
        owners = list(dict.fromkeys(owner[(row, c)] for c in range(first, last + 1) if (row, c) in owner))
        if not owners:
            continue
        used.add(index)
        if len(owners) == 1:
            content.setdefault(owners[0], []).append(word)
        else:
            straddling.append((word, owners))
    for word, owners in straddling:
        lonely = [number for number in owners if number not in content]
        target = lonely[0] if len(lonely) == 1 else max(owners, key=lambda n: _overlap(cells[n], word))
        content.setdefault(target, []).append(word)
    rows: list[list[str | None]] = [[None] * (len(xs) - 1) for _ in range(len(ys) - 1)]
    for number, (r0, c0, r1, c1) in enumerate(boxes):
        if r1 > r0 and c1 > c0:
            rows[r0][c0] = _cell_text(content[number]) if number in content else ""
    return _Grid(rows, xs, page, ys[0]), used


def _overlap(cell: tuple, word: dict) -> float:
    return min(cell[2], word["x1"]) - max(cell[0], word["x0"])


def _continues(first: _Grid, second: _Grid) -> bool:
    """Whether ``second`` (top of the next page) continues ``first`` (bottom of the previous one)."""
    if second.page != first.page + 1:
        return False
    if abs(first.xs[0] - second.xs[0]) > _EDGE_MATCH or abs(first.xs[-1] - second.xs[-1]) > _EDGE_MATCH:
        return False
    fewer, more = sorted((first.xs[1:-1], second.xs[1:-1]), key=len)
    shared = sum(1 for x in fewer if any(abs(x - y) <= _EDGE_MATCH for y in more))
    return shared * 2 >= len(fewer)


def _stitch(first: _Grid, second: _Grid) -> _Grid:
    """One grid over the union of both fragments' column boundaries (a wide column spans several)."""
    xs = _snap(first.xs + second.xs)
    rows: list[list[str | None]] = []
    for fragment in (first, second):
        starts = [_index(xs, x) for x in fragment.xs[:-1]]
        for row in fragment.rows:
            out: list[str | None] = [None] * (len(xs) - 1)
            for start, text in zip(starts, row):
                out[start] = text
            rows.append(out)
    return _Grid(rows, xs, second.page, first.top)


# ---------------------------------------------------------------------------------------- paragraphs


def _blocks(items: list[_Line | _Grid]) -> list[Block]:
    """Stitch table fragments, join lines into paragraphs, and emit blocks in reading order."""
    lines = [item for item in items if isinstance(item, _Line)]
    left = min((line.x0 for line in lines), default=0.0)
    right = max((line.x1 for line in lines), default=0.0)
    blocks: list[Block] = []
    previous: _Line | _Grid | None = None
    for item in items:
        if isinstance(item, _Grid):
            if isinstance(previous, _Grid) and _continues(previous, item):
                item = _stitch(previous, item)
                blocks[-1] = Table(item.rows, positional=True)
            else:
                blocks.append(Table(item.rows, positional=True))
        elif isinstance(previous, _Line) and _continues_paragraph(previous, item, left, right):
            blocks[-1] = Paragraph(_glue(blocks[-1].text, item.text))
        else:
            blocks.append(Paragraph(item.text))
        previous = item
    return blocks


def _continues_paragraph(previous: _Line, line: _Line, left: float, right: float) -> bool:
    """A line continues the paragraph above unless it is indented, follows a gap, or the line
    above stopped short of the right margin (a heading, a paragraph's last line)."""
    size = line.height
    if line.x0 - left > 0.8 * size or previous.x1 < right - 1.5 * size:
        return False
    return line.page != previous.page or line.top - previous.bottom < 0.8 * size


def _glue(text: str, more: str) -> str:
    return text + ("" if _CJK.match(text[-1]) or _CJK.match(more[0]) else " ") + more
