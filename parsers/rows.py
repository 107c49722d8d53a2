"""Cells to typed items: the row stream every table reader walks.

Each physical row (a grid row, a text line, a paragraph) becomes a list of :class:`Label` and
:class:`Value` items. Converters put labels and numbers in the same cell (``规章 0 0 0``), split a
number's unit off, or print ``〇`` and full-width digits; all of that is undone here, once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from parsers.document import Document, Paragraph
from parsers.labels import MAX_LABEL_LENGTH, NOT_APPLICABLE_TOKENS
from parsers.normalize import label_key
from parsers.text import split_cells

_NUMBER = re.compile(r"^(?P<sign>[+\-]?)(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                     r"(?P<unit>万元|元|件|个|条|项|次|家)?$")
_GARBLED = re.compile(r"^[^\u4e00-\u9fff]*[?？*�□■][^\u4e00-\u9fff]*$")
_NUMBERING_TOKEN = re.compile(r"^[1-9]\d?[.、．]?$")


@dataclass(frozen=True, slots=True)
class Value:
    """A value slot of a table row: a number, or why there is none.

    ``kind`` is ``number``, ``blank`` (nothing printed), ``na`` (``/``, ``-``, ``无``) or ``garbled``
    (``?3``: printed but unreadable). ``unit`` is the money unit written in the cell, if any.
    """

    kind: str
    raw: str
    number: Decimal | None = None
    unit: str | None = None

    @property
    def is_digit_run(self) -> bool:
        """A bare integer of several digits: possibly several cells run together."""
        return self.kind == "number" and self.unit is None and self.raw.isdigit() and len(self.raw) > 1


@dataclass(frozen=True, slots=True)
class Label:
    """Text in a table row or a short paragraph, with its matching key."""

    text: str
    key: str


Item = Label | Value
BLANK = Value("blank", "")


@dataclass(slots=True)
class Row:
    """One physical row of items; ``positional`` when the column index of a cell is trustworthy."""

    items: list[Item]
    positional: bool = False
    cells: list[str | None] | None = None  # the raw cells, kept for header-position mapping

    @property
    def labels(self) -> list[Label]:
        return [item for item in self.items if isinstance(item, Label)]

    @property
    def values(self) -> list[Value]:
        return [item for item in self.items if isinstance(item, Value)]


def parse_number(token: str) -> Value | None:
    """A number token (``12``, ``-8``, ``3,920,141.46元``, ``31.2万元``) as a Value, else None."""
    match = _NUMBER.match(token)
    if not match:
        return None
    try:
        number = Decimal(match.group("digits").replace(",", ""))
    except InvalidOperation:
        return None
    if match.group("sign") == "-":
        number = -number
    unit = match.group("unit")
    return Value("number", token, number, unit if unit in ("元", "万元") else None)


def _token_value(token: str) -> Value | None:
    token = unicodedata.normalize("NFKC", token).replace("〇", "0")
    if token in NOT_APPLICABLE_TOKENS:
        return Value("na", token)
    number = parse_number(token)
    if number is not None:
        return number
    if _GARBLED.match(token) and not re.search(r"[\u4e00-\u9fff]", token):
        return Value("garbled", token)
    return None


def cell_items(cell: str) -> list[Item]:
    """Split one cell into items; consecutive words form one label, a list number opening the cell joins it."""
    text = cell.replace("\u3000", " ").strip()
    if not text:
        return [BLANK]
    whole = _token_value(text.replace(" ", "")) if len(text) <= 24 else None
    if whole is not None and not (whole.kind == "number" and " " in text):
        return [whole]
    items: list[Item] = []
    words: list[str] = []
    tokens = text.split()
    for index, token in enumerate(tokens):
        value = _token_value(token)
        is_numbering = (value is not None and index == 0 and _NUMBERING_TOKEN.match(token)
                        and index + 1 < len(tokens) and _token_value(tokens[index + 1]) is None)
        if value is None or is_numbering:
            words.append(token)
            continue
        if words:
            items.append(_label(" ".join(words)))
            words = []
        items.append(value)
    if words:
        items.append(_label(" ".join(words)))
    return items


def _label(text: str) -> Label:
    return Label(text, label_key(text))


def row_stream(document: Document) -> list[Row]:
    """Every paragraph and grid row of the document as rows of items, in reading order."""
    rows: list[Row] = []
    for block in document.blocks:
        if isinstance(block, Paragraph):
            key = label_key(block.text)
            cells = split_cells(block.text)  # a pipe or tab row pasted as a paragraph
            if cells is not None and len(key) <= MAX_LABEL_LENGTH * 4:
                rows.append(Row([item for cell in cells for item in cell_items(cell)], cells=cells))
            elif len(key) > MAX_LABEL_LENGTH:
                rows.append(Row([Label(block.text, key)]))
            else:
                rows.append(Row(cell_items(block.text)))
            continue
        for cells in block.rows:
            items: list[Item] = []
            for cell in cells:
                if cell is None:
                    continue
                items.extend(cell_items(cell))
            rows.append(Row(items, positional=block.positional, cells=list(cells)))
    return rows
