"""Plain text and Markdown to the intermediate: lines with cell separators become table rows.

Reports reach us as text linearised by many converters: tab-separated rows, pipe rows with stray
``||||``, one cell per line, Markdown headings and emphasis. This reader only splits; it does not
guess which cell belongs to which column (that is the interpreter's job, with the template).
"""

from __future__ import annotations

import re

from parsers.document import Document, Paragraph, Table

_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_MARKDOWN_EMPHASIS = re.compile(r"\*\*|__")
_RULE_LINE = re.compile(r"^[\s|:\-=+]*$")


def split_cells(line: str) -> list[str] | None:
    """Split a line into cells when it carries tab or pipe separators, else ``None``."""
    if "\t" in line:
        return [cell.strip() for cell in line.split("\t")]
    if "|" in line:
        stripped = line.strip()
        if stripped.startswith("|"):
            stripped = stripped[1:]
        if stripped.endswith("|"):
            stripped = stripped[:-1]
        return [cell.strip() for cell in stripped.split("|")]
    return None


def extract_text(text: str) -> Document:
    """Read decoded text into paragraphs and (non-positional) table rows."""
    blocks: list[Paragraph | Table] = []
    rows: list[list[str]] = []

    def flush_rows() -> None:
        if rows:
            blocks.append(Table(rows=list(rows), positional=False))
            rows.clear()

    for raw in text.splitlines():
        line = _MARKDOWN_EMPHASIS.sub("", raw.rstrip("\r\n"))
        if not line.strip():
            continue
        if ("-" in line or "=" in line) and _RULE_LINE.match(line):
            continue  # Markdown table rules and underlines carry no cells
        cells = split_cells(line)
        if cells is None:
            flush_rows()
            blocks.append(Paragraph(_MARKDOWN_HEADING.sub("", line).strip()))
        else:
            rows.append(cells)
    flush_rows()
    return Document(media_type="text/plain", blocks=blocks)
