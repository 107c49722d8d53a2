"""Bytes to text for pages and text files of unknown or mislabelled encoding.

Chinese portals declare gb2312 for GBK bytes, send UTF-8 under a gb2312 header, or declare
nothing. Declarations are therefore hints: the decoding that yields valid text wins, and
gb2312/gbk always widen to gb18030 (a strict superset).
"""

from __future__ import annotations

import codecs
import re

from parsers.errors import UnreadableDocument

_CHARSET_DECLARATION = re.compile(rb"""charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_WIDEN = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _normalise_charset(name: str) -> str | None:
    name = name.strip().lower()
    name = _WIDEN.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charset(head: bytes) -> str | None:
    """The charset a page declares in its first few kilobytes (meta tag or XML prolog), if any."""
    match = _CHARSET_DECLARATION.search(head[:4096])
    return _normalise_charset(match.group(1).decode("ascii", "ignore")) if match else None


def _bad_characters(text: str) -> int:
    """Replacement characters and C0 controls other than whitespace: signs of a wrong decoding."""
    return sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f\v"))


def decode_text(data: bytes) -> str:
    """Decode report bytes to text, choosing the encoding that yields the cleanest text.

    Raises :class:`UnreadableDocument` for binary data (no encoding gives mostly clean text).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding, errors="replace")
    if not data.strip():
        raise UnreadableDocument("empty file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        # A truncated or lightly damaged UTF-8 file still beats a wrong legacy decoding, so UTF-8
        # competes too; min() keeps the first of equals, and the order puts UTF-8 first.
        candidates = ["utf-8", *(enc for enc in (declared_charset(data), "gb18030", "big5") if enc)]
        decoded = [data.decode(enc, errors="replace") for enc in dict.fromkeys(candidates)]
        text = min(decoded, key=_bad_characters)
    if _bad_characters(text) > len(text) * 0.02 or not any(ch.isalnum() for ch in text):
        raise UnreadableDocument("binary data, not a text or HTML document")
    return text
