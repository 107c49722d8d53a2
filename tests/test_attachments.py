"""PDF, DOCX, DOC and image attachments: generated from records, read back, and hostile inputs.

The extractor tests compare the intermediate ``Document`` with the layout the renderer drew, cell
by cell (``table_grids``), so they hold whatever the interpreter does. The ``parse_bytes`` tests
check the whole path to the record's tables.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import zipfile
import zlib
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from collector.cli import app
from collector.sample.labels import SECTION_HEADINGS
from collector.sample.narrative import narrative
from collector.sample.records import make_record
from collector.sample.render import render as render_html
from collector.sample.render_binary import (
    prose_lines,
    render_docx,
    render_image_pdf,
    render_pdf,
    report_blocks,
    split_candidates,
    table_grids,
)
from collector.sample.tables import TableModel, slots
from parsers import ole, parse_bytes
from parsers.api import MAX_INPUT_BYTES
from parsers.document import Document, Paragraph, Table
from parsers.docx import extract_docx
from parsers.errors import UnreadableDocument
from parsers.extract import extract
from parsers.html import normalise_cell_text
from parsers.pdf import extract_pdf
from parsers.sandbox import run_bounded

FIXTURES = Path(__file__).parent / "fixtures" / "attachments"
FIXTURE_SEED = 1  # report-2021.doc is render_docx(report-2021.json, seed=1) saved as .doc by LibreOffice
#: Without wvHtml the DOC tests skip locally; in CI (``CI`` set) they run and fail, so a missing
#: install step shows.
NEEDS_WV = pytest.mark.skipif(shutil.which(ole.CONVERTER) is None and not os.environ.get("CI"),
                              reason="wvHtml not installed (apt-get install wv)")

RECORDS = [
    pytest.param(dict(seed=1, agency="某市某区人民政府", year=2022), id="2021-district"),
    pytest.param(dict(seed=2, agency="某县教育局", year=2020), id="2019-department"),
    pytest.param(dict(seed=3, agency="某镇人民政府", year=2021, template="2019"), id="2019-outdated"),
    pytest.param(dict(seed=4, agency="某市市场监督管理局", year=2023, publisher_error="total_mismatch"),
                 id="2021-publisher-error"),
]


def _record(params: dict) -> dict:
    params = dict(params)
    return make_record(params.pop("seed"), **params)


def _tables(document: Document) -> list[list[list[str | None]]]:
    return [block.rows for block in document.blocks if isinstance(block, Table)]


def _paragraphs(document: Document) -> list[str]:
    return [block.text for block in document.blocks if isinstance(block, Paragraph)]


def _expected_tables(record: dict, seed: int | str) -> list[list[list[str | None]]]:
    """The drawn grids with cell text normalised as every reader does (no spaces next to CJK)."""
    return [[[cell if cell is None else normalise_cell_text(cell) for cell in row] for row in grid]
            for grid in table_grids(record, seed=seed)]


def _expected_prose(record: dict, seed: int | str) -> list[str]:
    return [normalise_cell_text(line) for line in prose_lines(record, seed=seed)]


def _requests_grid(record: dict, seed: int | str) -> list:
    return next(slots(block) for block in report_blocks(record, seed=seed)
                if isinstance(block, TableModel) and block.name == "requests")


# ------------------------------------------------------------------------------------------- DOCX


@pytest.mark.parametrize("params", RECORDS)
@pytest.mark.parametrize("seed", [0, 1])
def test_docx_tables_are_the_drawn_grids_with_merged_cells_normalised(params: dict, seed: int) -> None:
    record = _record(params)
    document = extract_docx(render_docx(record, seed=seed))
    assert _tables(document) == _expected_tables(record, seed)
    assert all(table.positional for table in document.blocks if isinstance(table, Table))
    assert _paragraphs(document) == _expected_prose(record, seed)


def test_docx_covered_cells_are_none_not_repeated_text() -> None:
    record = _record(RECORDS[0].values[0])
    requests = _tables(extract_docx(render_docx(record, seed=0)))[1]
    corner = requests[0][0]
    assert corner.startswith("（本列数据的勾稽关系为")
    assert [row[0] for row in requests[1:3]] == [None, None]  # rowspan 3
    assert requests[0][1:3] == [None, None]  # colspan 3
    column = [row[0] for row in requests[5:27]]
    assert column[0] == "三、本年度办理结果" and set(column[1:]) == {None}


# -------------------------------------------------------------------------------------------- PDF


@pytest.mark.parametrize("params", RECORDS)
@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_pdf_tables_are_the_drawn_grids(params: dict, seed: int) -> None:
    record = _record(params)
    document = extract_pdf(render_pdf(record, seed=seed))
    assert _tables(document) == _expected_tables(record, seed)
    assert document.findings == []


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pdf_table_across_a_page_break_is_stitched_and_footers_dropped(seed: int) -> None:
    record = _record(RECORDS[0].values[0])
    data = render_pdf(record, seed=seed)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        fragments = [(page.page_number, len(table.rows)) for page in pdf.pages for table in page.find_tables()
                     if "申请人情况" in (page.within_bbox(table.bbox).extract_text() or "")
                     or "结转下年度" in (page.within_bbox(table.bbox).extract_text() or "")]
        footers = [page.extract_text().splitlines()[-1] for page in pdf.pages]
    assert len({page for page, _ in fragments}) == 2, "the generator must break table 三 across two pages"
    assert footers == [f"- {n} -" for n in range(1, len(footers) + 1)]
    document = extract_pdf(data)
    requests = _tables(document)[1]
    assert requests == _expected_tables(record, seed)[1]
    assert len(requests) == 28
    assert not any(text.replace(" ", "").strip("-").isdigit() for text in _paragraphs(document))


def test_pdf_wrapped_labels_and_one_character_columns_are_joined_without_spaces() -> None:
    record = _record(RECORDS[0].values[0])
    labels = [cell for row in _tables(extract_pdf(render_pdf(record, seed=0)))[1] for cell in row[:3] if cell]
    assert "三、本年度办理结果" in labels  # printed one character per line
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请" in labels
    assert labels == [cell for row in _expected_tables(record, 0)[1] for cell in row[:3] if cell]


@pytest.mark.parametrize("seed", range(6))
def test_pdf_number_overhanging_into_the_neighbour_cell_stays_whole(seed: int) -> None:
    record = _record(RECORDS[0].values[0])
    assert split_candidates(_requests_grid(record, seed))
    document = extract_pdf(render_pdf(record, seed=seed, split_digits=True))
    assert _tables(document) == _expected_tables(record, seed)


def test_pdf_split_digits_needs_a_multi_digit_number() -> None:
    record = _record(RECORDS[0].values[0])
    record["tables"]["requests"] = {row: {column: 0 for column in cells}
                                    for row, cells in record["tables"]["requests"].items()}
    with pytest.raises(ValueError, match="two or more digits"):
        render_pdf(record, split_digits=True)


@pytest.mark.parametrize("params", RECORDS[:2])
def test_pdf_paragraphs_are_the_lines_of_the_report(params: dict) -> None:
    record = _record(params)
    paragraphs = _paragraphs(extract_pdf(render_pdf(record, seed=7)))
    assert paragraphs == _expected_prose(record, 7)
    for key in ("overview", "problems"):
        assert all(normalise_cell_text(line) in paragraphs for line in narrative(record)[key].splitlines())
    assert any(heading in paragraphs for heading in SECTION_HEADINGS["requests"])


def test_pdf_fake_bold_doubled_characters_are_read_once() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont("STSong-Light", 14)
    for dx in (0, 0.35):  # WPS prints bold text twice, slightly shifted
        canvas.drawString(72 + dx, 700, "一、总体情况")
    canvas.setFont("STSong-Light", 10.5)
    canvas.drawString(72, 680, "正文一行。")
    canvas.save()
    assert _paragraphs(extract_pdf(out.getvalue())) == ["一、总体情况", "正文一行。"]


# ------------------------------------------------------------------------------------ images


def test_image_only_pdf_gives_the_finding_with_the_page_count_and_no_tables() -> None:
    document = extract(render_image_pdf(pages=3))
    assert document.blocks == []
    assert [(f.code, f.severity, f.where) for f in document.findings] == [("image_only", "error", "document")]
    assert document.findings[0].message.startswith("3 page(s)")


def test_pdf_with_some_scanned_pages_warns_about_those_pages() -> None:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setFont("STSong-Light", 12)
    canvas.drawString(72, 700, "一、总体情况")
    canvas.showPage()
    canvas.drawImage(_image_reader(), 72, 72, width=400, height=600)
    canvas.showPage()
    canvas.save()
    document = extract_pdf(out.getvalue())
    assert _paragraphs(document) == ["一、总体情况"]
    assert [(f.code, f.severity, f.where) for f in document.findings] == [("image_only", "warning", "pages 2")]


def _image_reader():
    from reportlab.lib.utils import ImageReader

    return ImageReader(Image.new("L", (40, 60), 128))


@pytest.mark.parametrize("image_format,media_type", [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("GIF", "image/gif")])
def test_image_reports_give_the_finding(image_format: str, media_type: str) -> None:
    out = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(out, format=image_format)
    document = extract(out.getvalue())
    assert document.media_type == media_type and document.blocks == []
    assert [f.code for f in document.findings] == ["image_only"]
    assert document.findings[0].message.startswith("1 page(s)")


# ------------------------------------------------------------------------------------- DOC/WPS


@NEEDS_WV
def test_doc_fixture_is_read_through_the_converter() -> None:
    record = json.loads((FIXTURES / "report-2021.json").read_text(encoding="utf-8"))
    document = extract((FIXTURES / "report-2021.doc").read_bytes())
    assert document.media_type == "application/msword"
    assert _tables(document) == _expected_tables(record, FIXTURE_SEED)
    assert _paragraphs(document) == _expected_prose(record, FIXTURE_SEED)


def test_doc_without_the_converter_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ole.shutil, "which", lambda name: None)
    with pytest.raises(UnreadableDocument, match="apt-get install wv"):
        extract((FIXTURES / "report-2021.doc").read_bytes())


# ---------------------------------------------------------------------------------- hostile input

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _encrypted_pdf(user_password: str) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, encrypt=StandardEncryption(user_password, ownerPassword="owner", canModify=0))
    canvas.setFont("Helvetica", 12)
    canvas.drawString(72, 700, "Annual report 2022")
    canvas.save()
    return out.getvalue()


#: A CID font with Identity encoding and no ToUnicode map: its glyphs cannot be turned into text.
_UNMAPPED_FONT = [
    b"<< /Type /Font /Subtype /Type0 /BaseFont /Unknown /Encoding /Identity-H /DescendantFonts [6 0 R] >>",
    b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Unknown "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
]


def _pdf_with_content(stream: bytes, font: list[bytes] | None = None) -> bytes:
    """A one-page PDF whose page content is ``stream`` (FlateDecoded); offsets need not be exact."""
    resources = b" /Resources << /Font << /F1 5 0 R >> >>" if font else b""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R%s >>" % resources,
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
               *(font or [])]
    body = b"%PDF-1.4\n" + b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, obj) for n, obj in enumerate(objects, 1))
    return body + b"trailer\n<< /Root 1 0 R /Size %d >>\n%%%%EOF\n" % (len(objects) + 1)


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


def _hostile_inputs() -> list:
    docx = render_docx(_record(RECORDS[0].values[0]))
    pdf = render_pdf(_record(RECORDS[0].values[0]))
    doc = (FIXTURES / "report-2021.doc").read_bytes()
    return [
        pytest.param(_encrypted_pdf("secret"), "encrypted", id="pdf-password"),
        pytest.param(pdf[: len(pdf) // 2], None, id="pdf-truncated"),
        pytest.param(b"%PDF-1.7\n" + os.urandom(5000), None, id="pdf-garbage"),
        pytest.param(b"%PDF-1.4\n", None, id="pdf-header-only"),
        pytest.param(_pdf_with_content(b"not deflate data"), None, id="pdf-bad-stream"),
        pytest.param(docx[: len(docx) // 2], "zip", id="docx-truncated"),
        pytest.param(b"PK\x03\x04" + os.urandom(3000), "zip", id="zip-garbage"),
        pytest.param(_zip({"readme.txt": b"hello"}), "not a Word document", id="zip-not-docx"),
        pytest.param(_zip({"word/document.xml": b"<w:document"}), None, id="docx-bad-xml"),
        pytest.param(_zip({"word/document.xml": bytes(40 << 20)}), "zip bomb", id="docx-zip-bomb"),
        pytest.param(_zip({f"word/media/{n}.bin": b"" for n in range(2500)} | {"word/document.xml": b""}),
                     "entries", id="docx-too-many-entries"),
        pytest.param(_OLE + "EncryptedPackage".encode("utf-16-le") + bytes(600), "encrypted", id="ooxml-encrypted"),
        pytest.param(_OLE + bytes(2000), "no Word document stream", id="ole-not-word"),
        pytest.param(doc[: len(doc) // 3], None, id="doc-truncated"),
        pytest.param(_OLE + "WordDocument".encode("utf-16-le") + os.urandom(4000), None, id="doc-garbage"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + os.urandom(100), None, id="png-garbage"),
    ]


@pytest.mark.parametrize("data,message", _hostile_inputs())
def test_hostile_input_gives_a_finding_or_unreadable_quickly(data: bytes, message: str | None) -> None:
    started = time.monotonic()
    try:
        document = extract(data)
    except UnreadableDocument as exc:
        assert "\n" not in str(exc) and str(exc)
        if message:
            assert message in str(exc)
    else:
        assert message is None, f"expected UnreadableDocument({message!r})"
        assert isinstance(document, Document)
    assert time.monotonic() - started < 30


def test_pdf_with_an_empty_user_password_is_read() -> None:
    assert _paragraphs(extract(_encrypted_pdf(""))) == ["Annual report 2022"]


def test_pdf_glyphs_without_a_unicode_map_are_not_taken_for_text() -> None:
    document = extract(_pdf_with_content(zlib.compress(b"BT /F1 12 Tf 72 700 Td <4E004E01> Tj ET"), _UNMAPPED_FONT))
    assert document.blocks == []
    assert [(f.code, f.where) for f in document.findings] == [("image_only", "document"), ("text_unmapped", "pages 1")]
    assert document.findings[1].message.startswith("2 characters")


def test_pdf_decompression_bomb_hits_the_memory_ceiling() -> None:
    bomb = zlib.compressobj(1)
    stream = b"".join(bomb.compress(bytes(1 << 24)) for _ in range(16)) + bomb.flush()  # 256 MB of zeros
    with pytest.raises(UnreadableDocument, match="more than 64 MB|died"):
        run_bounded(extract_pdf, _pdf_with_content(stream), memory_bytes=64 << 20, seconds=30)


def _never_returns(data: bytes) -> Document:
    while True:
        pass


def _dies(data: bytes) -> Document:
    os._exit(3)


def test_sandbox_gives_up_at_the_deadline() -> None:
    started = time.monotonic()
    with pytest.raises(UnreadableDocument, match="too long"):
        run_bounded(_never_returns, b"", seconds=0.5)
    assert time.monotonic() - started < 5


def test_sandbox_reports_a_dead_reader() -> None:
    with pytest.raises(UnreadableDocument, match="died"):
        run_bounded(_dies, b"")


def test_oversized_input_is_refused_before_any_work() -> None:
    with pytest.raises(UnreadableDocument, match="too large"):
        parse_bytes(b"%PDF-1.4\n" + bytes(MAX_INPUT_BYTES))


# --------------------------------------------------------------------------- through to the record


@pytest.mark.parametrize("params", RECORDS)
@pytest.mark.parametrize("render", [render_docx, render_pdf, lambda r: render_pdf(r, seed=3, split_digits=True)],
                         ids=["docx", "pdf", "pdf-split-digits"])
def test_parse_bytes_gives_the_record_tables_as_from_html(params: dict, render) -> None:
    record = _record(params)
    parsed = parse_bytes(render(record))
    assert parsed["tables"] == record["tables"]
    assert parsed["format"] == record["format"]
    assert parsed["tables"] == parse_bytes(render_html(record, "html_clean"))["tables"]


@NEEDS_WV
def test_parse_bytes_reads_the_doc_fixture() -> None:
    record = json.loads((FIXTURES / "report-2021.json").read_text(encoding="utf-8"))
    parsed = parse_bytes((FIXTURES / "report-2021.doc").read_bytes())
    assert parsed["source"]["media_type"] == "application/msword"
    assert parsed["tables"] == record["tables"]


def test_collector_parse_accepts_pdf_and_docx(tmp_path: Path) -> None:
    record = _record(RECORDS[0].values[0])
    (tmp_path / "report.pdf").write_bytes(render_pdf(record))
    (tmp_path / "report.docx").write_bytes(render_docx(record))
    (tmp_path / "scan.pdf").write_bytes(render_image_pdf(pages=2))
    result = CliRunner().invoke(app, ["parse", "--json", *(str(tmp_path / name) for name in
                                                           ("report.pdf", "report.docx", "scan.pdf"))])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [r["source"]["media_type"] for r in records] == [
        "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/pdf"]


def test_parse_bytes_carries_image_only_into_the_record() -> None:
    findings = parse_bytes(render_image_pdf(pages=2))["findings"]
    assert {"code": "image_only", "severity": "error", "where": "document",
            "message": "2 page(s) have no readable text layer (scanned or unmapped fonts); not read (no OCR)"} in findings
