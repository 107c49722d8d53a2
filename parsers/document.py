"""The neutral intermediate every extractor produces and the interpreter consumes.

HTML, plain text, PDF and DOCX readers all turn their input into a :class:`Document`: an ordered
list of paragraphs and table grids plus whatever metadata the container carried. The table and
record logic (``parsers.interpret``) only ever sees this shape, so a new input format plugs in by
writing one extractor, without touching the table logic.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A run of text that is not part of a table grid (a heading, a sentence, a flattened cell)."""

    text: str


@dataclass(slots=True)
class Table:
    """A table as a grid of cell texts, one list per physical row.

    A span's text sits at its top-left position only; the positions it covers are ``None`` (the
    model pdfplumber uses), while ``""`` is a real cell left empty. ``positional`` says whether the
    column index of a cell can be trusted: true for grids read from real table markup, false for
    rows split out of text, where converters drop empty cells.
    """

    rows: list[list[str | None]]
    positional: bool = False


Block = Paragraph | Table


@dataclass(frozen=True, slots=True)
class Finding:
    """A doubt or error about the document, with a stable code (see ``parsers.findings``)."""

    code: str
    severity: str  # "error" | "warning" | "info"
    where: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "where": self.where, "message": self.message}


@dataclass(slots=True)
class Document:
    """What an extractor read from one file: blocks in reading order and container metadata."""

    media_type: str
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    published_at: str | None = None  # ISO date from the container's own metadata
    findings: list[Finding] = field(default_factory=list)

    def text_lines(self) -> list[str]:
        """Every paragraph and every non-empty cell as lines, in reading order."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Paragraph):
                lines.append(block.text)
            else:
                for row in block.rows:
                    lines.extend(cell for cell in row if cell)
        return lines
