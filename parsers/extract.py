"""Sniff what a file is from its bytes and hand it to the matching extractor."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from parsers import docx, html, image, ole, pdf, text
from parsers.decode import decode_text
from parsers.document import Document
from parsers.errors import UnreadableDocument
from parsers.sandbox import bounded

HTML = "text/html"
PLAIN = "text/plain"

_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (b"\x89PNG", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF8", "image/gif"),
)

_HTML_MARKERS = (b"<html", b"<!doctype html", b"<body", b"<table", b"<div", b"<p>", b"<p ", b"<meta", b"<head")

#: Extractors for binary formats by sniffed media type. A zip is read as DOCX when it holds
#: ``word/document.xml`` (else refused); the PDF reader runs in a bounded child process.
BINARY_EXTRACTORS: dict[str, Callable[[bytes], Document]] = {
    "application/pdf": bounded(pdf.extract_pdf),
    "application/zip": docx.extract_docx,
    "application/x-ole-storage": ole.extract_ole,
    **{media: partial(image.extract_image, media_type=media) for media in ("image/png", "image/jpeg", "image/gif")},
}


def sniff(data: bytes) -> str:
    """The media type of ``data`` judged from its content, never from a file name."""
    head = data[:2048].lstrip()
    for signature, media_type in _BINARY_SIGNATURES:
        if head.startswith(signature) or data.startswith(signature):
            return media_type
    lowered = data[:65536].lower()
    if any(marker in lowered for marker in _HTML_MARKERS):
        return HTML
    return PLAIN


def extract(data: bytes) -> Document:
    """Read ``data`` into the neutral intermediate; raises :class:`UnreadableDocument`."""
    media_type = sniff(data)
    if media_type in BINARY_EXTRACTORS:
        return BINARY_EXTRACTORS[media_type](data)
    if media_type not in (HTML, PLAIN):
        raise UnreadableDocument(f"{media_type} documents are not supported")
    if media_type == HTML:
        return html.extract_html(data)
    return text.extract_text(decode_text(data))
