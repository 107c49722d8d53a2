"""Legacy Word (.doc) and WPS attachments: converted to HTML by wvHtml, then read as HTML.

Both are OLE2 compound files with a ``WordDocument`` stream (WPS Office writes .wps in Word's
binary format). Of the converters Debian packages, wvHtml (package ``wv``, under 1 MB) keeps the
tables with their spans; antiword dropped the body of table 三 of a test report and catdoc
split UTF-8 characters with its cell tabs, and LibreOffice reads it well but weighs 200 MB.
wvHtml writes every row in full, a vertically merged cell's continuation as an empty
``<td rowspan="0">``, and a merge that starts right below another as ``rowspan="0"`` too (with
its text): the rowspans are rebuilt from that before the HTML reader sees the table.

The converter runs with a deadline, an address-space and file-size ceiling (``prlimit``), in a
temporary directory removed afterwards. Without wvHtml, or when it fails, the document raises
:class:`UnreadableDocument` with a one-line reason.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import lxml.html
from lxml import etree

from parsers.document import Document
from parsers.errors import UnreadableDocument
from parsers.html import extract_html

MEDIA_TYPE = "application/msword"
CONVERTER = "wvHtml"
MISSING_CONVERTER = "DOC/WPS needs wvHtml: apt-get install wv"
SECONDS = 30
MEMORY_BYTES = 1 << 30
MAX_OUTPUT_BYTES = 64 * 1024 * 1024

_WORD_STREAM = "WordDocument".encode("utf-16-le")
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")  # a password-protected DOCX/XLSX


def extract_ole(data: bytes) -> Document:
    """Read a .doc/.wps file through wvHtml; raises :class:`UnreadableDocument`."""
    if _ENCRYPTED_PACKAGE in data:
        raise UnreadableDocument("Office document is encrypted and needs a password")
    if _WORD_STREAM not in data:
        raise UnreadableDocument("OLE file holds no Word document stream (not a DOC/WPS file, or truncated)")
    converter = shutil.which(CONVERTER)
    if converter is None:
        raise UnreadableDocument(MISSING_CONVERTER)
    document = extract_html(_merge_vertical_spans(_convert(converter, data)))
    document.media_type = MEDIA_TYPE
    document.title = None  # wvHtml titles every page "Untitled"
    return document


def _convert(converter: str, data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="ole-") as directory:
        source, target, errors = Path(directory, "in.doc"), Path(directory, "out.html"), Path(directory, "errors")
        source.write_bytes(data)
        command = ["prlimit", f"--as={MEMORY_BYTES}", f"--fsize={MAX_OUTPUT_BYTES}", "--",
                   converter, f"--targetdir={directory}", source.name, target.name]
        try:
            with errors.open("wb") as stderr:
                completed = subprocess.run(command, cwd=directory, stdin=subprocess.DEVNULL,
                                           stdout=subprocess.DEVNULL, stderr=stderr, timeout=SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument(f"{CONVERTER} took more than {SECONDS} s; gave up") from exc
        except OSError as exc:  # prlimit (util-linux) missing, or the converter not executable
            raise UnreadableDocument(f"{CONVERTER} could not be started: {exc.strerror or exc}") from exc
        if completed.returncode != 0 or not target.is_file():
            raise UnreadableDocument(f"{CONVERTER} could not read the document: {_first_line(errors)}")
        return target.read_bytes()


def _first_line(path: Path) -> str:
    with path.open("rb") as handle:
        lines = handle.read(4096).decode("utf-8", "replace").strip().splitlines()
    return lines[0][:200] if lines else "no message"


def _merge_vertical_spans(html: bytes) -> bytes:
    """Rebuild each table's rowspans from wvHtml's continuation cells and remove those cells."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableDocument(f"{CONVERTER} wrote no readable HTML") from exc
    for table in root.iter("table"):
        origins: dict[int, etree._Element] = {}  # grid column → the cell a merge there started with
        for row in table.xpath("./tr | ./*/tr"):
            column = 0
            for cell in row.xpath("./td | ./th"):
                origin = origins.get(column)
                if cell.get("rowspan") == "0" and origin is not None and not cell.text_content().strip():
                    origin.set("rowspan", str(int(origin.get("rowspan")) + 1))
                    cell.drop_tree()
                else:
                    cell.set("rowspan", "1")
                    origins[column] = cell
                column += _colspan(cell)
    return lxml.html.tostring(root, encoding="utf-8")


def _colspan(cell: etree._Element) -> int:
    try:
        return max(1, min(64, int(cell.get("colspan", "1"))))
    except ValueError:
        return 1
