"""Attachment parse cost: ms per PDF page and per DOCX report, and peak memory.

Prints figures; asserts nothing. Targets (issue "Attachments"): under 150 ms per PDF page and
under 100 ms per DOCX report on one core. Each format is timed three ways: the extractor alone in
this process, the extractor as registered (the PDF one runs in a forked, bounded child), and the
whole ``parse_bytes``. Peak RSS is this process's and its largest child's (the PDF sandboxes).

    .venv/bin/python bench/parse_attachments.py --count 20
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pdfplumber  # noqa: E402

from collector.sample.records import make_record  # noqa: E402
from collector.sample.render_binary import render_docx, render_pdf  # noqa: E402
from parsers import ole, parse_bytes  # noqa: E402
from parsers.docx import extract_docx  # noqa: E402
from parsers.extract import extract  # noqa: E402
from parsers.pdf import extract_pdf  # noqa: E402

DOC_FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "attachments" / "report-2021.doc"


def _peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _records(count: int) -> list[dict]:
    return [make_record(seed, agency=f"测试市第{seed % 97}局", year=2019 + seed % 6) for seed in range(count)]


def _pages(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def _median_ms(function: Callable[[bytes], object], documents: list[bytes]) -> tuple[float, float]:
    """Median milliseconds per document and total seconds."""
    timings = []
    for data in documents:
        start = time.perf_counter()
        function(data)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000, sum(timings)


def report(count: int) -> None:
    """Print the attachment rows for ``count`` generated reports per format (also used by parse.py)."""
    records = _records(count)
    pdfs = [render_pdf(record, seed=seed, split_digits=False) for seed, record in enumerate(records)]
    docxs = [render_docx(record, seed=seed) for seed, record in enumerate(records)]
    pages = sum(_pages(data) for data in pdfs)
    extract_pdf(pdfs[0])  # warm pdfminer's CMap cache once, as a long-running process has it

    print(f"{len(pdfs)} PDFs ({pages} pages, {pages / len(pdfs):.1f} per report), {len(docxs)} DOCX reports")
    print(f"{'format':6} {'path':22} {'median ms/report':>16} {'ms/page':>8}")
    rows = [("pdf", "extract_pdf in-process", extract_pdf, pdfs), ("pdf", "extract (sandboxed)", extract, pdfs),
            ("pdf", "parse_bytes", parse_bytes, pdfs), ("docx", "extract_docx", extract_docx, docxs),
            ("docx", "parse_bytes", parse_bytes, docxs)]
    if ole.shutil.which(ole.CONVERTER):
        rows.append(("doc", "parse_bytes (fixture)", parse_bytes, [DOC_FIXTURE.read_bytes()] * min(count, 5)))
    for kind, path, function, documents in rows:
        median, total = _median_ms(function, documents)
        per_page = f"{total * 1000 / pages:8.1f}" if kind == "pdf" else f"{'':8}"
        print(f"{kind:6} {path:22} {median:16.1f} {per_page}")
    print(f"peak RSS: this process {_peak_mb(resource.RUSAGE_SELF):.0f} MB, "
          f"largest child {_peak_mb(resource.RUSAGE_CHILDREN):.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="generated reports per format")
    report(parser.parse_args().count)


if __name__ == "__main__":
    main()
