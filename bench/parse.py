"""Parse throughput and memory per layout, with bare trafilatura beside the HTML layouts.

Prints figures; asserts nothing. Targets (issue "Report parser"): median under 10 ms per text
report on one core; for HTML the whole parse within 2x a bare ``trafilatura.extract`` of the
same bytes; memory flat in the number of reports.

    .venv/bin/python bench/parse.py --count 1000 --attachments 20
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura  # noqa: E402

from parse_attachments import report as attachment_report  # noqa: E402  (bench/ is on sys.path)

from collector.sample.records import make_record  # noqa: E402
from collector.sample.render import LAYOUTS, render  # noqa: E402
from parsers import parse_bytes  # noqa: E402

HTML_LAYOUTS = {layout for layout in LAYOUTS if layout.startswith("html")}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _documents(layout: str, count: int) -> list[bytes]:
    documents = []
    for seed in range(count):
        year = 2019 + seed % 6
        record = make_record(seed, agency=f"测试市第{seed % 97}局", year=year)
        documents.append(render(record, layout, seed=seed))
    return documents


def _timed(function, documents: list[bytes]) -> list[float]:
    timings = []
    for data in documents:
        start = time.perf_counter()
        function(data)
        timings.append(time.perf_counter() - start)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="reports per layout")
    parser.add_argument("--layouts", nargs="*", default=list(LAYOUTS))
    parser.add_argument("--attachments", type=int, default=20, help="PDF and DOCX reports to time (0: skip)")
    args = parser.parse_args()

    print(f"{'layout':18} {'reports':>7} {'median ms':>9} {'p95 ms':>7} {'reports/s':>9} {'trafilatura ms':>14} "
          f"{'ratio':>5} {'max RSS MB (25%/100%)':>22}")
    for layout in args.layouts:
        documents = _documents(layout, args.count)
        gc.collect()
        quarter = max(1, len(documents) // 4)
        _timed(parse_bytes, documents[:quarter])
        rss_quarter = _rss_mb()
        timings = _timed(parse_bytes, documents)
        rss_end = _rss_mb()
        median = statistics.median(timings) * 1000
        p95 = sorted(timings)[int(len(timings) * 0.95) - 1] * 1000
        rate = len(timings) / sum(timings)
        bare, ratio = "", ""
        if layout in HTML_LAYOUTS:
            bare_median = statistics.median(_timed(lambda data: trafilatura.extract(data), documents)) * 1000
            bare, ratio = f"{bare_median:.1f}", f"{median / bare_median:.2f}"
        print(f"{layout:18} {len(documents):7d} {median:9.2f} {p95:7.2f} {rate:9.0f} {bare:>14} {ratio:>5} "
              f"{rss_quarter:10.0f} /{rss_end:6.0f}")
    if args.attachments:
        print()
        attachment_report(args.attachments)


if __name__ == "__main__":
    main()
