"""Report payloads: the canonical record behind each report item and its bytes in every layout.

The record is the truth (``make_record``); the bytes are what a portal publishes (``render`` for
HTML pages, ``render_binary`` for attachments). A report's record depends only on its owner and
year, so duplicates and mirrors of one report carry the same numbers, and a revised report is the
same record without its publisher error. Rendering is the expensive part of serving, so finished
payloads are cached; everything else about a site is cheap to rebuild.
"""

from __future__ import annotations

import io
import zipfile
from functools import lru_cache
from html import escape
from urllib.parse import quote

from reportlab import rl_config

from collector.sample.labels import SECTION_HEADINGS, SECTION_KEYS
from collector.sample.narrative import narrative
from collector.sample.portal import documents
from collector.sample.portal.agencies import Roster
from collector.sample.portal.config import FarmConfig
from collector.sample.portal.plan import ATTACHMENT_LAYOUTS, IMAGE, LEGACY, Item
from collector.sample.portal.rng import digest
from collector.sample.records import make_record
from collector.sample.render import HTML_LAYOUTS, render
from collector.sample.render_binary import render_docx, render_image_pdf, render_pdf

#: Text layouts a portal shows as one ``<p>`` per line (mirror sites' flattened copies, portals.md §5).
LINE_LAYOUTS = ("pipes",)
SCANNED_PDF = "pdf_scan"
#: Every layout a farm report can take, and which of them carry tables a parser can read back.
REPORT_LAYOUTS: tuple[str, ...] = (*HTML_LAYOUTS, *LINE_LAYOUTS, *ATTACHMENT_LAYOUTS, IMAGE, SCANNED_PDF)
READABLE_LAYOUTS = frozenset((*HTML_LAYOUTS, *LINE_LAYOUTS, *ATTACHMENT_LAYOUTS))
#: Layouts whose report lives in a file linked from the page, with the file's extension.
FILE_EXTENSIONS = {"pdf": "pdf", "docx": "docx", SCANNED_PDF: "pdf"}

# Same seed, same bytes: reportlab otherwise stamps every PDF with the time and a random id.
rl_config.invariant = 1

#: Where ``render``'s pages keep the report body: from the content container to the related box.
_CONTENT_START = '<div class="article-content"'
_CONTENT_END = '<div class="related">'


class Bodies:
    """Records and rendered payloads of one farm, cached by what they depend on."""

    def __init__(self, config: FarmConfig, roster: Roster, cache_size: int = 512) -> None:
        self._config = config
        self._roster = roster
        self.record = lru_cache(maxsize=cache_size * 4)(self._record)
        self.content = lru_cache(maxsize=cache_size)(self._content)
        self.file = lru_cache(maxsize=cache_size // 4)(self._file)

    def seed(self, item: Item) -> int:
        """The render seed of an item: stable per (farm seed, owner, item)."""
        return digest(self._config.seed, item.owner, item.key) % 2**31

    def _record(self, owner: int, year: int, template: str, publisher_error: str | None) -> dict:
        agency = self._roster[owner]
        return make_record(f"{self._config.seed}:{agency.id}:{year}", agency=agency.name, year=year,
                           template=template, publisher_error=publisher_error)

    def record_for(self, item: Item, revised: bool) -> dict | None:
        """The canonical record the item's bytes print (title and date as published), or None for legacy."""
        if item.template in (None, "legacy"):
            return None
        error = None if revised else item.publisher_error
        record = dict(self.record(item.owner, item.year, item.template, error))
        record["title"] = item.title
        record["published_at"] = item.posted.isoformat()
        return record

    def _content(self, item: Item, revised: bool, file_href: str | None, image_hrefs: tuple[str, ...]) -> str:
        """The HTML that goes inside the family's content container."""
        if not item.is_report:
            return _distractor_body(item, self._roster[item.owner].name, file_href, image_hrefs)
        if item.layout == LEGACY:
            return documents.legacy_report(self._config.seed, self._roster[item.owner].name, item.year, item.posted)
        record = self.record_for(item, revised)
        if item.layout in HTML_LAYOUTS:
            page = render(record, item.layout, traditional=item.traditional, seed=self.seed(item)).decode("utf-8")
            return _report_body(page)
        if item.layout in LINE_LAYOUTS:
            text = render(record, item.layout, traditional=item.traditional, seed=self.seed(item)).decode("utf-8")
            return "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
        if item.layout == IMAGE:
            return _image_body(record, image_hrefs)
        return f"<p>{escape(item.title)}全文见附件。</p>" + attachment_link(item, file_href or "")

    def _file(self, item: Item, revised: bool) -> bytes:
        """The attachment of a file layout (PDF, DOCX, scanned PDF)."""
        if not item.is_report:
            return documents.distractor_pdf(item.title, self._config.seed)
        if item.layout == SCANNED_PDF:
            return render_image_pdf()
        record = self.record_for(item, revised)
        if item.layout == "pdf":
            return render_pdf(record, seed=self.seed(item))
        return _without_zip_times(render_docx(record, seed=self.seed(item)))

    def image(self, item: Item, revised: bool, table: str) -> bytes:
        """A picture of one table of the record (the numbers are real, the text is not there)."""
        record = self.record_for(item, revised)
        if record is None:  # an infographic: numbers that belong to no table
            return documents.table_image([digest(item.title, table, n) % 500 for n in range(24)])
        cells = record["tables"][table]
        numbers = [value for row in cells.values() for value in row.values() if isinstance(value, int | float)]
        return documents.table_image([int(number) for number in numbers])

    def expected(self, item: Item, revised: bool) -> dict | None:
        """What a correct parse of the item yields: tables and findings, when its layout is readable."""
        record = self.record_for(item, revised)
        if record is None or item.layout not in READABLE_LAYOUTS:
            return None
        return {"tables": record["tables"], "findings": record["findings"], "format": record["format"]}


IMAGE_TABLES = ("proactive", "requests", "review_litigation")


def attachment_link(item: Item, href: str) -> str:
    """How the page points at the file: a plain link, a PDF.js viewer frame, or a ``window.open`` handler."""
    name = escape(f"{item.title}.{FILE_EXTENSIONS.get(item.layout, 'pdf')}")
    if item.link_style == "viewer":
        return (f'<iframe src="/pdfjs/web/viewer.html?file={escape(quote(href, safe=""))}" '
                'width="100%" height="800" frameborder="0"></iframe>')
    if item.link_style == "window_open":
        return f"<p>附件：<a href=\"javascript:void(0);\" onclick=\"window.open('{escape(href)}')\">{name}</a></p>"
    return f'<p>附件：<a href="{escape(href)}" target="_blank">{name}</a></p>'


def _without_zip_times(data: bytes) -> bytes:
    """The same zip with every member dated 1980-01-01, so a DOCX does not change with the clock."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            target.writestr(zipfile.ZipInfo(member.filename, date_time=(1980, 1, 1, 0, 0, 0)),
                            source.read(member), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _report_body(page: str) -> str:
    """The report body of a page made by ``render``, without that page's own chrome."""
    start, end = page.find(_CONTENT_START), page.rfind(_CONTENT_END)
    if start < 0 or end < start:
        raise ValueError("render() page lacks the content container the portal re-wraps")
    body = page[start:end].rstrip()
    return body.removesuffix("</div>").rstrip()  # the article wrapper closes before the related box


def _distractor_body(item: Item, owner_name: str, file_href: str | None, image_hrefs: tuple[str, ...]) -> str:
    """A non-report page: its prose, plus the PDF or picture some kinds come with."""
    text = documents.distractor_text(item.kind, owner_name, item.year)
    if file_href is not None:
        text += attachment_link(item, file_href)
    return text + "".join(f'<p><img src="{escape(href)}"></p>' for href in image_hrefs)


def _image_body(record: dict, image_hrefs: tuple[str, ...]) -> str:
    """The report's prose with its three tables as pictures (an image-only report)."""
    texts = narrative(record)
    parts = [f"<p>{escape(texts['preface'])}</p>"]
    images = dict(zip(IMAGE_TABLES, image_hrefs))
    for key in SECTION_KEYS:
        parts.append(f"<p><strong>{SECTION_HEADINGS[key][0]}</strong></p>")
        parts += [f"<p>{escape(line)}</p>" for line in texts[key].splitlines() if line.strip()]
        if key in images:
            parts.append(f'<p style="text-align:center"><img src="{escape(images[key])}" border="0"></p>')
    parts += [f'<p style="text-align:right">{escape(line)}</p>' for line in texts["signature"].splitlines()]
    return "".join(parts)
