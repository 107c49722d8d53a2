"""Walk a table's rows and collect, for each template row, the values printed for it.

Linearised tables separate a label from its numbers in many ways: same cell, next cells, next
lines (one cell per line), all labels first and all numbers after, or numbers between the two
halves of a wrapped label. The walker handles them with one rule set:

* a row label opens a *read*; values after it in the same physical row belong to it;
* values in rows without a template label go to the oldest read still waiting for its first
  value (labels listed before their numbers), else to the open read if it still needs values;
* a new label closes the open read once it has values; a read with no values yet waits in line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from parsers.rows import Label, Row, Value


@dataclass(slots=True)
class RowRead:
    """The values collected for one template row, in printed order."""

    key: str
    expected: int
    values: list[Value] = field(default_factory=list)
    positional: bool = False

    @property
    def needs(self) -> int:
        return self.expected - len(self.values)


def _trim_blanks(values: list[Value]) -> list[Value]:
    """Drop blanks around a run of values in text rows: there they are separators, not cells."""
    start, end = 0, len(values)
    while start < end and values[start].kind == "blank":
        start += 1
    while end > start and values[end - 1].kind == "blank":
        end -= 1
    return values[start:end]


def _row_values(items: list, positional: bool) -> list[Value]:
    values = [item for item in items if isinstance(item, Value)]
    return values if positional else _trim_blanks(values)


class RowReader:
    """Collects :class:`RowRead` objects from a row stream.

    ``match(label, last_key)`` returns the template key a label names (or None); ``expected(key)``
    how many values that row has; ``supersedes(new_key, waiting_key)`` says whether a valueless
    read is really a group heading of the new row (2021's （六）其他处理 over its sub-rows).
    """

    def __init__(self, match: Callable[[Label, str | None], str | None], expected: Callable[[str], int],
                 supersedes: Callable[[str, str], bool] = lambda new, old: False) -> None:
        self._match = match
        self._expected = expected
        self._supersedes = supersedes
        self.reads: dict[str, RowRead] = {}
        self._waiting: deque[RowRead] = deque()
        self._open: RowRead | None = None
        self._last_key: str | None = None

    def feed(self, row: Row) -> None:
        matches = [(index, key) for index, item in enumerate(row.items)
                   if isinstance(item, Label) and (key := self._match(item, self._last_key))]
        if not matches:
            self._give(_row_values(row.items, row.positional), row.positional)
            return
        first_index, _ = matches[0]
        self._give(_row_values(row.items[:first_index], row.positional), row.positional)
        index, key = matches[-1]
        self._open_read(key)
        self._last_key = key
        values = _row_values(row.items[index + 1:], row.positional)
        if values and self._open is not None:
            self._open.positional = row.positional
            self._open.values.extend(values)

    def _open_read(self, key: str) -> None:
        if self._open is not None and not self._open.values:
            self._waiting.append(self._open)
        for read in list(self._waiting):
            if self._supersedes(key, read.key):
                self._waiting.remove(read)
                self.reads.pop(read.key, None)
        existing = self.reads.get(key)
        if existing is not None and existing.values:
            self._open = None  # the label again (its wrapped second half, a repeat): values are already read
            return
        self._open = existing or RowRead(key, self._expected(key))
        self.reads[key] = self._open

    def _give(self, values: list[Value], positional: bool) -> None:
        while values:
            target = self._waiting[0] if self._waiting else self._open
            if target is None or target.needs <= 0:
                return
            taken, values = values[:target.needs], values[target.needs:]
            target.values.extend(taken)
            target.positional = target.positional or positional
            if self._waiting and target is self._waiting[0] and target.needs <= 0:
                self._waiting.popleft()
