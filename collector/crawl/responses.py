"""What a response says beyond its body: a block page, a Retry-After, headers worth keeping, a file name.

All of it is untrusted input. Block pages are recognised, never solved (portals.md §9): a 521 with a
cookie script is 加速乐, a 202/412 with ``$_ts`` is 瑞数, a 403/405 with a WAF text is a WAF. A
``Content-Disposition`` file name is decoded for people to read and stripped of every path part; it
is stored as text and never used to name a file.
"""

from __future__ import annotations

import email.utils
import re
import time
from collections.abc import Callable, Mapping
from urllib.parse import unquote

from collector.crawl import patterns

#: Response headers stored with a document (conditional requests need the validators).
KEPT_HEADERS = ("content-type", "content-length", "content-disposition", "etag", "last-modified", "date", "server")
_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([\w-]+)'[^']*'([^;]+)", re.IGNORECASE)
_FILENAME = re.compile(r"filename\s*=\s*(\"[^\"]*\"|[^;]+)", re.IGNORECASE)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
#: Only the first bytes of a body are searched for challenge markers: challenge pages are small.
_SNIFF = 4096


def may_refer(source: str, target: str) -> bool:
    """Scrapy's default Referer policy: a page refers to any URL except an http one from an https page."""
    return not (source.startswith("https:") and target.startswith("http:"))


def block_reason(status: int, body: bytes) -> str | None:
    """Why this response is an anti-bot challenge or a WAF block, or None when it is not one."""
    head = body[:_SNIFF].decode("utf-8", "replace")
    if status == 521 and patterns.JIASULE_CHALLENGE.search(head):
        return "加速乐/创宇盾 JavaScript cookie challenge (HTTP 521)"
    if status in (202, 412) and patterns.RUISHU_CHALLENGE.search(head):
        return f"瑞数 dynamic script challenge (HTTP {status})"
    if status in (403, 405) and patterns.WAF_PAGE.search(head):
        return f"WAF block page (HTTP {status}: {patterns.WAF_PAGE.search(head)[0]})"
    return None


def retry_after(value: bytes | None, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - now())


def header_text(value: bytes) -> str:
    """A header value as text: UTF-8 when valid, else GB18030 (portals send GBK file names raw)."""
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("gb18030", "replace")


def attachment_filename(disposition: bytes | None) -> str | None:
    """The file name a ``Content-Disposition`` offers, decoded (RFC 5987, GBK, UTF-8) and without any path part."""
    if not disposition:
        return None
    text = header_text(disposition)
    star = _FILENAME_STAR.search(text)
    if star:
        try:
            name = unquote(star[2].strip(), encoding=star[1], errors="replace")
        except LookupError:
            name = unquote(star[2].strip(), errors="replace")
    else:
        plain = _FILENAME.search(text)
        if not plain:
            return None
        name = plain[1].strip().strip('"')
    name = _UNSAFE.sub("", name.replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[:200] if name not in ("", ".", "..") else None


def kept_headers(headers: Mapping[bytes, list[bytes]]) -> dict[str, str]:
    """The headers stored with a document, as text, plus the safe ``filename`` from Content-Disposition.

    ``headers`` as Scrapy's ``Headers`` holds them: each name (any case) with its values, the last of
    which counts. One pass over them: a lookup by name re-normalises it, eight times per document.
    """
    kept, disposition = {}, None
    for name, values in headers.items():
        key = name.decode("latin-1").lower()
        if key in KEPT_HEADERS and values and values[-1]:
            kept[key] = header_text(values[-1])
            if key == "content-disposition":
                disposition = values[-1]
    filename = attachment_filename(disposition)
    if filename:
        kept["filename"] = filename
    return kept
