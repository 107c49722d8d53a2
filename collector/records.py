"""What the application reads out of a canonical record (``spec/record.md``) to store, compare and export it.

Storage keeps a record as opaque JSON plus a few columns; this module is the one place that knows
which record keys fill those columns, what counts as "the same record" and where the table cells are.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from storage.reports import ReportRow

Path = tuple[str, ...]

#: What every finding of a record carries, and what storage keeps of it.
FINDING_KEYS = ("code", "severity", "where", "message")


def record_digest(record: dict[str, Any]) -> str:
    """A fingerprint of what the record says, leaving out which parser version said it.

    Two parses with equal digests are "unchanged" even across a parser version bump.
    """
    content = {key: value for key, value in record.items() if key != "parser_version"}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _typed(record: dict[str, Any], key: str, kind: type) -> Any:
    value = record.get(key)
    if value is not None and (not isinstance(value, kind) or isinstance(value, bool)):
        raise ValueError(f"{key} is {value!r}, not {kind.__name__}")
    return value


def _finding(finding: Any) -> dict[str, str]:
    if not isinstance(finding, dict) or not all(isinstance(finding.get(key), str) for key in FINDING_KEYS):
        raise ValueError(f"finding {finding!r} lacks one of {', '.join(FINDING_KEYS)}")
    return {key: finding[key] for key in FINDING_KEYS}


def report_row(document_id: int, record: dict[str, Any], parser_version: str) -> ReportRow:
    """The row that stores ``record`` for a document.

    Raises ``ValueError`` when a field copied into a column does not have the type ``spec/record.md``
    gives it: one such record must become a failed document, not stop a run over thousands.
    """
    published_at = _typed(record, "published_at", str)
    try:
        published_on = date.fromisoformat(published_at) if published_at else None
    except ValueError:
        raise ValueError(f"published_at is {published_at!r}, not YYYY-MM-DD") from None
    return ReportRow(
        document_id=document_id,
        parser_version=parser_version,
        record=record,
        record_sha256=record_digest(record),
        year=_typed(record, "year", int),
        template=_typed(record, "format", str),
        published_at=published_on,
        title=_typed(record, "title", str),
        agency_name=_typed(record, "agency", str),
        findings=tuple(_finding(finding) for finding in record.get("findings") or ()),
    )


def failure_row(document_id: int, error: str, parser_version: str) -> ReportRow:
    """The row that says this parser version could not read the document."""
    return ReportRow(document_id=document_id, parser_version=parser_version, error=error)


def leaves(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every leaf of nested mappings with its key path; lists (findings) are leaves."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaves(child, (*path, str(key)))
    else:
        yield path, value


def table_cells(record: dict[str, Any]) -> Iterator[tuple[str, str, str, Any]]:
    """``(table, row, column, value)`` for every cell of the record's tables, in record order.

    A cell's path is ``table → row → column``; deeper nesting, should a table ever have it, is kept
    in the row name joined by dots.
    """
    for path, value in leaves(record.get("tables") or {}):
        if len(path) >= 3:
            yield path[0], ".".join(path[1:-1]), path[-1], value


_ABSENT = object()


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """``(dotted path, old value, new value)`` for every leaf that differs, parser version aside."""
    before = {path: value for path, value in leaves(old) if path != ("parser_version",)}
    after = {path: value for path, value in leaves(new) if path != ("parser_version",)}
    changed = []
    for path in [*before, *(path for path in after if path not in before)]:
        old_value, new_value = before.get(path, _ABSENT), after.get(path, _ABSENT)
        if old_value != new_value:
            changed.append((".".join(path), None if old_value is _ABSENT else old_value,
                            None if new_value is _ABSENT else new_value))
    return changed
