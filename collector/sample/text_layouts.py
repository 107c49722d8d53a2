"""Plain-text linearisations of a report, as the converters in front of a parser produce them.

Each layout mimics one family seen in the real seed reports (``shared/seeds``): tab rows with
empty label-area cells (seeds 000/001), pipe rows with stray ``||||`` (002), one cell per line
(003), Markdown from a broken converter with labels torn from their numbers (004), and rows of
space-separated numbers, some run together. They all print the same :class:`TableModel` grids
through :func:`_row_cells`, which is also where a converter's dropped cells vanish.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from collector.sample.blocks import Heading, Paragraph, RenderContext
from collector.sample.tables import Cell, Covered, Kind, TableModel, slots

_PIPE_TAILS = (" |", " | |", " | ||", " | ||||")
_GARBLED_ROW = "? | ? | ? | ? | ? |"
_WRAPPED_ROW = "not_processed_confirmation"  # its long label wraps in seed 004
_BREAKABLE = re.compile(r"^[\u4e00-\u9fff/]{5,10}$")  # column headers a narrow cell wraps: 本年新\n制作数量


def _row_cells(model: TableModel, ctx: RenderContext, *, rowspan_blanks: bool,
               colspan_blanks: bool = False) -> list[list[Cell | None]]:
    """Physical rows as the cells a converter emits; ``None`` is an empty cell for a span it expanded.

    Cells the converter dropped (``ctx.dropped``) vanish, so the cells after them shift left.
    """
    rows = []
    for slot_row in slots(model):
        cells: list[Cell | None] = []
        for slot in slot_row:
            if isinstance(slot, Cell):
                if not (model.name == "requests" and slot.key in ctx.dropped):
                    cells.append(slot)
            elif (slot is Covered.BY_ROWSPAN and rowspan_blanks) or (slot is Covered.BY_COLSPAN and colspan_blanks):
                cells.append(None)
        rows.append(cells)
    return rows


def _text(cell: Cell | None) -> str:
    return cell.text if cell is not None else ""


def _row_key(row: list[Cell | None]) -> str | None:
    """The record row a physical row holds values of, if any."""
    return next((cell.key[0] for cell in row if cell is not None and cell.kind is Kind.VALUE), None)


def _document(ctx: RenderContext, *, table: Callable[[TableModel], str], separator: str,
              heading: Callable[[Heading], str] = lambda block: block.text,
              paragraph: Callable[[Paragraph], str] = lambda block: block.text) -> str:
    parts = [table(block) if isinstance(block, TableModel) else heading(block) if isinstance(block, Heading)
             else paragraph(block) for block in ctx.blocks]
    return separator.join(parts) + "\n"


def tabs(ctx: RenderContext) -> str:
    """Tab-separated rows, label-area spans as empty cells, often a trailing tab (seeds 000/001)."""
    rng = ctx.rng
    markdown_headings = rng.random() < 0.5

    def table(model: TableModel) -> str:
        trailing = "\t" if rng.random() < 0.6 else ""
        rows = _row_cells(model, ctx, rowspan_blanks=True, colspan_blanks=rng.random() < 0.5)
        return "\n".join("\t".join(_text(cell) for cell in row) + trailing for row in rows)

    def heading(block: Heading) -> str:
        return ("#" * (block.level + 1) + " " if markdown_headings else "") + block.text

    return _document(ctx, table=table, heading=heading, separator="\n\n")


def pipes(ctx: RenderContext) -> str:
    """`` | ``-separated rows with phantom trailing cells and a garbled line (seed 002)."""
    rng = ctx.rng

    def table(model: TableModel) -> str:
        lines = [" | ".join(_text(cell) for cell in row) + rng.choice(_PIPE_TAILS)
                 for row in _row_cells(model, ctx, rowspan_blanks=False)]
        if model.name == "proactive" and rng.random() < 0.5:
            lines.append(_GARBLED_ROW)
        return "\n".join(lines)

    return _document(ctx, table=table, separator="\n")


def spaces(ctx: RenderContext) -> str:
    """Each row as its labels and numbers separated by spaces; ``ctx.run_together`` rows lose them.

    Only rows whose digits split back in one way are run together (see ``recovery.splits``).
    """
    rng = ctx.rng

    def line(row: list[Cell | None]) -> str:
        labels = [cell.text for cell in row if cell is not None and cell.kind is not Kind.VALUE and cell.text]
        values = [cell.text for cell in row if cell is not None and cell.kind is Kind.VALUE]
        if _row_key(row) in ctx.run_together:
            values = ["".join(values)]
        return rng.choice((" ", "  ")).join(labels + values)

    def table(model: TableModel) -> str:
        return "\n".join(line(row) for row in _row_cells(model, ctx, rowspan_blanks=False))

    return _document(ctx, table=table, separator="\n")


def one_cell_per_line(ctx: RenderContext) -> str:
    """Every cell on its own tab-prefixed line, rows apart by a blank line, headers wrapped (seed 003)."""
    rng = ctx.rng

    def cell_line(cell: Cell | None) -> str:
        text = _text(cell)
        if cell is not None and cell.kind is Kind.HEADER and _BREAKABLE.match(text) and rng.random() < 0.6:
            text = f"{text[:3]}\n{text[3:]}"  # 本年新\n制作数量
        elif cell is not None and cell.kind is Kind.VALUE and rng.random() < 0.5:
            text = rng.choice((f" {text}", f"{text} "))
        return f"\t{text}"

    def table(model: TableModel) -> str:
        rows = _row_cells(model, ctx, rowspan_blanks=True)
        return "\n" + "\n\n".join("\n".join(cell_line(cell) for cell in row) for row in rows) + "\n"

    return _document(ctx, table=table, separator="\n")


def _markdown_row(texts: list[str]) -> str:
    return "| " + " | ".join(texts) + " |"


def _halves(text: str) -> tuple[str, str]:
    """Where a converter wraps a long label: before 或 when there is one, else in the middle."""
    cut = text.find("或", 2)
    cut = cut if cut > 0 else len(text) // 2
    return text[:cut], text[cut:]


def markdown_broken(ctx: RenderContext) -> str:
    """Markdown from a broken converter: split headers, labels detached from or wrapped around numbers."""
    rng = ctx.rng
    label_lines_as_rows = rng.random() < 0.5

    def heading(block: Heading) -> str:
        if block.level == 2 and rng.random() < 0.5:
            return f"**{block.text}**"
        marks = {0: "#", 1: rng.choice(("##", "##", "####")), 2: "###"}[block.level]
        return f"{marks} {block.text}"

    def paragraph(block: Paragraph) -> str:
        first, dot, rest = block.text.partition("。")
        return f"**{first}。**{rest}" if dot and rest and rng.random() < 0.3 else block.text

    def data_row(row: list[Cell | None]) -> list[str]:
        labels = [cell.text for cell in row if cell is not None and cell.kind is Kind.LABEL]
        values = [cell.text for cell in row if cell is not None and cell.kind is not Kind.LABEL]
        if labels and (_row_key(row) == _WRAPPED_ROW or (len(labels[-1]) > 20 and rng.random() < 0.3)):
            first, second = _halves(labels[-1])
            return [_markdown_row(labels[:-1] + [first] + values), _markdown_row([second])]
        if labels and (_row_key(row) == "new_received" or rng.random() < 0.3):
            label_line = _markdown_row(labels) if label_lines_as_rows else " ".join(labels)
            return [label_line, _markdown_row(values)]
        return [_markdown_row(labels + values)]

    def header_row(row: list[Cell | None]) -> list[str]:
        texts = [_text(cell) for cell in row]
        long = [text for text in texts if len(text) > 20]
        if not long:
            return [_markdown_row(texts)]
        first, second = long[0][:len(long[0]) // 2], long[0][len(long[0]) // 2:]
        return [_markdown_row([first if text == long[0] else text for text in texts]), _markdown_row([second])]

    def table(model: TableModel) -> str:
        lines: list[str] = []
        for index, row in enumerate(_row_cells(model, ctx, rowspan_blanks=False)):
            lines += data_row(row) if _row_key(row) else header_row(row)
            if index == 0:
                lines.insert(1, _markdown_row(["---"] * len(row)))
        return "\n" + "\n".join(lines) + "\n"

    return _document(ctx, table=table, heading=heading, paragraph=paragraph, separator="\n\n")
