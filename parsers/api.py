"""Entry points: sniff the input, run the matching extractor, interpret the result."""

from __future__ import annotations

import hashlib
from pathlib import Path

from parsers.errors import UnreadableDocument
from parsers.extract import extract
from parsers.interpret import interpret

#: Bumped whenever the parser's output for some input can change; stored with every record so
#: ``collector reparse`` knows which records are stale.
PARSER_VERSION = "1.0.0"

#: Files larger than this are refused before any work is done (a report is rarely over 5 MB).
MAX_INPUT_BYTES = 50 * 1024 * 1024


def parse_bytes(
    data: bytes,
    *,
    path: str | None = None,
    url: str | None = None,
    agency: str | None = None,
    year: int | None = None,
) -> dict:
    """Parse one document into the canonical record.

    The format is judged from the content, never from a name or header. ``agency`` and ``year``
    are context from the caller (the registry or the command line) used when the document does not state them.
    Raises :class:`UnreadableDocument` when the bytes hold no readable text at all.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise UnreadableDocument(f"file too large ({len(data):,} bytes; limit {MAX_INPUT_BYTES:,})")
    document = extract(data)
    record = interpret(document, agency_hint=agency, year_hint=year)
    return {
        "parser_version": PARSER_VERSION,
        "source": {
            "sha256": hashlib.sha256(data).hexdigest(),
            "media_type": document.media_type,
            "url": url,
            "path": path,
        },
        **record,
    }


def parse_file(path: str | Path, **context) -> dict:
    """Read a local file and parse it; see :func:`parse_bytes`."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise UnreadableDocument(f"file too large ({size:,} bytes; limit {MAX_INPUT_BYTES:,})")
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"cannot read file: {exc.strerror or exc}") from exc
    return parse_bytes(data, path=str(path), **context)
