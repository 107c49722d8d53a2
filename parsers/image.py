"""Reports published as pictures: recognised and reported, never read as empty tables.

Some agencies post a scan (a JPEG per page, or a PDF of scans) instead of a text document. Without
OCR nothing in it can be read, and an empty result must not look like a report with blank
tables, so the document carries one ``image_only`` finding with the page count and no blocks.
"""

from __future__ import annotations

from parsers.document import Document, Finding
from parsers.findings import IMAGE_ONLY



def image_only(pages: int, *, where: str = "document", severity: str = "error") -> Finding:
    """The finding for ``pages`` pages that show something but have no readable text layer."""
    return Finding(IMAGE_ONLY, severity, where,
                   f"{pages} page(s) have no readable text layer (scanned or unmapped fonts); not read (no OCR)")


def extract_image(data: bytes, *, media_type: str) -> Document:
    """An image file is one scanned page: the finding, no blocks."""
    return Document(media_type=media_type, findings=[image_only(1)])
