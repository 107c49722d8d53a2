"""Turn the bytes of one annual report into the canonical record of ``spec/record.md``.

The public surface is small on purpose: storage, the spider and the CLI call
:func:`parse_bytes` (or :func:`parse_file`) and read :data:`PARSER_VERSION`; nothing else in
this package knows about HTTP, files on disk or databases.
"""

from parsers.api import PARSER_VERSION, UnreadableDocument, parse_bytes, parse_file

__all__ = ["PARSER_VERSION", "UnreadableDocument", "parse_bytes", "parse_file"]
