"""Render a canonical record as the DOCX and PDF attachments agencies actually publish.

Most reports reach the portals as Word files or PDFs exported from Word/WPS. The readers in
``parsers.docx`` and ``parsers.pdf`` must survive what those files do to the three national
tables, so the renderings reproduce it on purpose: merged cells (rowspan/colspan), long labels
that wrap inside narrow cells, a vertical group label one character wide, a table that breaks
across pages between two ``- N -`` footers and, on request, a number whose first digit overhangs
into the neighbouring cell. The content is the shared block model of
:func:`collector.sample.blocks.document_blocks`, so these files print what the HTML and text
layouts print; every choice that varies is a pure function of ``seed``.
"""

from __future__ import annotations

import io
import random

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt
from PIL import Image, ImageDraw
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus import Paragraph as PdfParagraph

from collector.sample.blocks import Block, Heading, Paragraph, document_blocks
from collector.sample.style import Style, choose_style
from collector.sample.tables import Cell, Covered, Kind, TableModel, slots

Grid = list[list[Cell | Covered]]


def _style(record: dict, seed: int | str) -> Style:
    return choose_style(record, random.Random(f"binary-style|{seed}"))


def report_blocks(record: dict, *, seed: int | str = 0) -> list[Block]:
    """The blocks a rendering with ``seed`` prints (its style: label numbering, headings …)."""
    return document_blocks(record, _style(record, seed))


def _spans(grid: Grid) -> list[tuple[int, int, int, int]]:
    """(row, column, last row, last column) of every cell that covers more than its position."""
    return [(r, c, r + cell.rowspan - 1, c + cell.colspan - 1) for r, row in enumerate(grid)
            for c, cell in enumerate(row) if isinstance(cell, Cell) and (cell.rowspan > 1 or cell.colspan > 1)]


def table_grids(record: dict, *, seed: int | str = 0) -> list[list[list[str | None]]]:
    """The tables of the rendering with ``seed`` as an extractor must return them: each cell's
    text at its top-left position, ``None`` where a span covers (:class:`parsers.document.Table`)."""
    return [[[cell.text if isinstance(cell, Cell) else None for cell in row] for row in slots(block)]
            for block in report_blocks(record, seed=seed) if isinstance(block, TableModel)]


def prose_lines(record: dict, *, seed: int | str = 0) -> list[str]:
    """The title, headings and paragraphs of the rendering with ``seed``, in order."""
    return [block.text for block in report_blocks(record, seed=seed) if not isinstance(block, TableModel)]


# --------------------------------------------------------------------------------------------- DOCX


def render_docx(record: dict, *, seed: int | str = 0) -> bytes:
    """The record as a Word document: section headings as bold runs or as Heading 1 (by ``seed``)."""
    styled_headings = random.Random(f"binary-docx|{seed}").random() < 0.5
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    for block in report_blocks(record, seed=seed):
        if isinstance(block, TableModel):
            _docx_table(document, slots(block))
        elif isinstance(block, Heading) and block.level == 0:
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = paragraph.add_run(block.text)
            run.bold, run.font.size = True, Pt(18)
        elif isinstance(block, Heading) and block.level == 1 and styled_headings:
            document.add_heading(block.text, level=1)
        elif isinstance(block, Heading):
            document.add_paragraph().add_run(block.text).bold = True
        else:
            paragraph = document.add_paragraph(block.text)
            if block.signature:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            else:
                paragraph.paragraph_format.first_line_indent = Pt(24)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_table(document, grid: Grid) -> None:
    table = document.add_table(rows=len(grid), cols=len(grid[0]))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r0, c0, r1, c1 in _spans(grid):
        table.cell(r0, c0).merge(table.cell(r1, c1))
    for printed, row in zip(table.rows, grid):
        cells = printed.cells  # one lookup per row: table.cell() rebuilds the whole grid on every call
        for c, cell in enumerate(row):
            if isinstance(cell, Cell) and cell.text:
                cells[c].text = cell.text


# ---------------------------------------------------------------------------------------------- PDF

_FONT = "STSong-Light"  # a CID font every PDF reader has: no font file to ship
_PAD = 3.0  # cell padding, points
#: Column widths in points on an A4 page with 50 pt margins (495 pt of text width). The first
#: label column of table 三 is one character wide, so 「三、本年度办理结果」 prints one character a line.
_WIDTHS = {"proactive": [135.0, 120.0, 120.0, 120.0], "requests": [18.0, 36.0, 150.0] + [41.5] * 7,
           "review_litigation": [33.0] * 15}
_STYLES: dict[str, ParagraphStyle] = {}


def _styles() -> dict[str, ParagraphStyle]:
    if not _STYLES:
        pdfmetrics.registerFont(UnicodeCIDFont(_FONT))
        body = ParagraphStyle("text", fontName=_FONT, fontSize=10.5, leading=16, wordWrap="CJK", firstLineIndent=21)
        _STYLES.update(
            title=ParagraphStyle("title", parent=body, fontSize=16, leading=24, alignment=TA_CENTER, firstLineIndent=0),
            heading=ParagraphStyle("heading", parent=body, fontSize=12, leading=20, firstLineIndent=0, spaceBefore=6),
            text=body,
            signature=ParagraphStyle("signature", parent=body, alignment=TA_RIGHT, firstLineIndent=0),
            cell=ParagraphStyle("cell", parent=body, fontSize=9, leading=11, firstLineIndent=0, alignment=TA_CENTER),
            label=ParagraphStyle("label", parent=body, fontSize=9, leading=11, firstLineIndent=0),
        )
    return _STYLES


def _paragraph_style(block: Heading | Paragraph) -> str:
    if isinstance(block, Paragraph):
        return "signature" if block.signature else "text"
    return ("title", "heading", "text")[block.level]  # a sub-heading is indented like the prose


class _Overhang(Flowable):
    """A number drawn so that its first digit lies left of the cell border, as in badly fitted PDFs."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 11.0

    def draw(self) -> None:
        self.canv.setFont(_FONT, 9)
        self.canv.drawString(-_PAD - 0.75 * pdfmetrics.stringWidth(self.text[0], _FONT, 9), 2.0, self.text)


class _LeaveRoom(Flowable):
    """Fills the frame so that exactly ``room`` points remain: the next table must break there."""

    def __init__(self, room: float) -> None:
        super().__init__()
        self.room = room

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if available_height < self.room:
            return available_width, available_height + 1  # does not fit here: start on the next page
        return available_width, available_height - self.room

    def draw(self) -> None:
        return None


def _pdf_table(name: str, grid: Grid, overhang: tuple[int, int] | None) -> Table:
    styles = _styles()
    data: list[list[object]] = []
    for r, row in enumerate(grid):
        out: list[object] = []
        for c, cell in enumerate(row):
            if not isinstance(cell, Cell) or not cell.text:
                out.append("")
            elif (r, c) == overhang:
                out.append(_Overhang(cell.text))
            else:
                wide = cell.kind is not Kind.VALUE and len(cell.text) > 8
                out.append(PdfParagraph(cell.text, styles["label" if wide else "cell"]))
        data.append(out)
    commands: list[tuple] = [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                             ("LEFTPADDING", (0, 0), (-1, -1), _PAD), ("RIGHTPADDING", (0, 0), (-1, -1), _PAD)]
    commands += [("SPAN", (c0, r0), (c1, r1)) for r0, c0, r1, c1 in _spans(grid)]
    return Table(data, colWidths=_WIDTHS[name], style=TableStyle(commands))


def _room_for_rows(table: Table, rows: int) -> float:
    """Height that holds the first ``rows`` rows of ``table`` but not one more."""
    table.wrap(sum(table._colWidths), 10_000)
    heights = table._rowHeights
    return sum(heights[:rows]) + min(2.0, heights[rows] / 2)


def split_candidates(grid: Grid) -> list[tuple[int, int]]:
    """Value cells of table 三 with at least two digits: those ``split_digits`` may pick."""
    return [(r, c) for r, row in enumerate(grid) for c, cell in enumerate(row)
            if isinstance(cell, Cell) and cell.kind is Kind.VALUE and len(cell.text) >= 2 and cell.text.isdigit()]


def render_pdf(record: dict, *, seed: int | str = 0, split_digits: bool = False) -> bytes:
    """The record as an A4 PDF with footers ``- N -``; table 三 always breaks across a page.

    ``seed`` chooses where table 三 breaks: after its header, after row 一 or after row 二 (the only
    places a rowspan-aware writer can break it; the header fragment then has fewer column rules
    than the body). With ``split_digits`` one multi-digit number of table 三, chosen by ``seed``,
    overhangs into its left neighbour; :class:`ValueError` if the record has none.
    """
    styles = _styles()
    rng = random.Random(f"binary-pdf|{seed}")
    break_after = rng.choice((3, 4, 5))
    story: list[Flowable] = []
    for block in report_blocks(record, seed=seed):
        if not isinstance(block, TableModel):
            story.append(PdfParagraph(block.text, styles[_paragraph_style(block)]))
            continue
        grid = slots(block)
        overhang = None
        if block.name == "requests" and split_digits:
            candidates = split_candidates(grid)
            if not candidates:
                raise ValueError("split_digits needs a number of two or more digits in table 三")
            overhang = rng.choice(candidates)
        table = _pdf_table(block.name, grid, overhang)
        if block.name == "requests":
            story.append(_LeaveRoom(_room_for_rows(table, break_after)))
        story.append(table)

    def footer(canvas, document) -> None:
        canvas.setFont(_FONT, 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {document.page} -")

    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=50, rightMargin=50, topMargin=60, bottomMargin=60) \
        .build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def render_image_pdf(pages: int = 2) -> bytes:
    """A scanned-looking PDF: one grey raster image per page and no text layer at all."""
    scan = Image.new("L", (400, 560), 235)
    draw = ImageDraw.Draw(scan)
    for y in range(60, 520, 24):
        draw.rectangle((40, y, 360, y + 8), fill=90)  # lines of "text" as ink blots
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    for _ in range(pages):
        canvas.drawImage(ImageReader(scan), 40, 60, width=A4[0] - 80, height=A4[1] - 120)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
