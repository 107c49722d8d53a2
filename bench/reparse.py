"""How much storage adds to parsing: ``collector reparse`` throughput and memory on generated documents.

Generates N distinct reports by varying the seed reports (city names and table numbers substituted),
then, for SQLite and for PostgreSQL: imports them (archive + parse + store, the path every document
takes first), re-parses them all with ``reparse --all --force`` (records compared, nothing changed to
write) and once more after marking every report as made by an older parser (every report and its
findings rewritten: the run after a parser upgrade). The same documents are also parsed bare with
``parse_bytes``. Printed: documents per second and the ratio to bare parsing; the share of each
reparse spent inside the parser (target ≥ 80 %, i.e. storage costs at most a fifth; measured within
the run, so a busy machine does not skew it); and peak resident memory, sampled at 10 % and at 100 %
of the reparse to show it does not grow with the number of documents. Figures are printed, never
asserted.

    .venv/bin/python bench/reparse.py                   # 10,000 documents, both databases
    .venv/bin/python bench/reparse.py --documents 500   # a quick look
"""

from __future__ import annotations

import argparse
import contextlib
import re
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import update

import collector.reparse
from collector.ingest import import_files
from collector.reparse import Selection, reparse
from parsers import parse_bytes
from storage.archive import Archive
from storage.db import Database, open_database
from storage.models import Report

from pg_schema import DEFAULT_PG_URL, postgresql_schema  # beside this script

SEEDS = sorted((Path(__file__).parents[1] / "tests" / "fixtures" / "seeds").glob("*.txt"))
TARGET_RATIO = 0.80

_CITIES = ("郑州市", "开封市", "洛阳市", "安阳市", "鹤壁市", "焦作市", "濮阳市", "漯河市", "南阳市", "商丘市", "信阳市",
           "周口市", "湖州市", "绍兴市", "金华市", "衢州市", "舟山市", "台州市", "丽水市", "包头市", "乌海市", "赤峰市")
_SEED_CITIES = re.compile("新乡市|辉县市|根河市|嘉兴市|许昌市")
_TABLE_NUMBER = re.compile(r"(?<![\d年.])(\d{1,3})(?![\d年月日.])")  # small numbers; years and dates untouched


def document(index: int, seeds: list[str]) -> bytes:
    """The ``index``-th generated report: a seed with another city and shifted table numbers, made unique."""
    text = seeds[index % len(seeds)]
    city = _CITIES[(index // len(seeds)) % len(_CITIES)]
    shift = index // (len(seeds) * len(_CITIES))
    text = _SEED_CITIES.sub(city, text)
    if shift:
        text = _TABLE_NUMBER.sub(lambda match: str(int(match[1]) + shift), text)
    return f"{text}\n（基准文档 {index}）\n".encode()


def peak_rss_mb() -> float:
    """Peak resident memory since the last :func:`reset_peak_rss` (Linux), else since start."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024
    except (OSError, TypeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> None:
    with contextlib.suppress(OSError):  # not Linux: the peak then covers the whole process
        Path("/proc/self/clear_refs").write_text("5")


def bare_parse(paths: list[Path]) -> float:
    """Documents per second of ``parse_bytes`` alone (reading the files is not timed)."""
    elapsed = 0.0
    for path in paths:
        data = path.read_bytes()
        started = time.perf_counter()
        parse_bytes(data)
        elapsed += time.perf_counter() - started
    return len(paths) / elapsed


def checkpoints(total: int, samples: dict[str, float]) -> Callable[[int], None]:
    """An ``on_batch`` callback that notes the peak memory at 10 % and at 100 % of the documents."""
    done = 0

    def on_batch(count: int) -> None:
        nonlocal done
        done += count
        if "10%" not in samples and done >= total / 10:
            samples["10%"] = peak_rss_mb()
        if done >= total:
            samples["100%"] = peak_rss_mb()

    return on_batch


@contextmanager
def parse_clock() -> Iterator[list[float]]:
    """Time spent inside ``parse_bytes`` during a run, so storage's share is measured under the same load.

    The machine may be busy with other work; comparing a reparse with a bare parse timed minutes
    earlier mixes that noise into the ratio, while the share of one run's own time does not.
    """
    spent = [0.0]

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return parse_bytes(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - started

    collector.reparse.parse_bytes = timed
    try:
        yield spent
    finally:
        collector.reparse.parse_bytes = parse_bytes


def timed_reparse(db: Database, archive: Archive, total: int, batch_size: int, *, force: bool) -> dict[str, float]:
    """Documents per second, parse share and peak memory (at 10 % and 100 %) of one reparse of every document."""
    reset_peak_rss()
    samples: dict[str, float] = {}
    with parse_clock() as parsing:
        started = time.perf_counter()
        tally = reparse(db, archive, Selection(), force=force, batch_size=batch_size,
                        on_batch=checkpoints(total, samples))
        elapsed = time.perf_counter() - started
    assert tally.new + tally.changed + tally.unchanged + tally.failed == total, tally
    return {"rate": total / elapsed, "parse_share": parsing[0] / elapsed, **samples}


def run_backend(name: str, db: Database, archive: Archive, paths: list[Path], bare: float, batch_size: int) -> None:
    print(f"{name}: importing {len(paths):,} documents (archive + parse + store) …", flush=True)
    reset_peak_rss()
    started = time.perf_counter()
    result = import_files(db, archive, paths)
    imported = len(paths) / (time.perf_counter() - started)
    import_peak = peak_rss_mb()
    assert result.archived == len(paths), "generated documents must be distinct"

    print(f"{name}: reparse --all --force (records compared, nothing to write) …", flush=True)
    forced = timed_reparse(db, archive, len(paths), batch_size, force=True)
    print(f"{name}: reparse --all after a parser version bump (every report stamped again) …", flush=True)
    with db.engine.begin() as connection:
        connection.execute(update(Report).values(parser_version="bench-old"))
    bumped = timed_reparse(db, archive, len(paths), batch_size, force=False)

    print(f"  import                 {imported:8.1f} docs/s  {imported / bare:5.2f} × bare  "
          f"peak RSS {import_peak:7.1f} MB")
    for label, run in (("reparse --all --force", forced), ("reparse after bump", bumped)):
        print(f"  {label:22} {run['rate']:8.1f} docs/s  {run['rate'] / bare:5.2f} × bare  parsing "
              f"{run['parse_share']:4.0%} of the run  "
              f"peak RSS {run['10%']:7.1f} MB at 10 %, {run['100%']:7.1f} MB at 100 %")
    worst = min(forced["parse_share"], bumped["parse_share"])
    verdict = "meets" if worst >= TARGET_RATIO else "MISSES"
    print(f"  {verdict} the target: parsing is ≥ {TARGET_RATIO:.0%} of each reparse (storage ≤ a fifth)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="number of generated documents")
    parser.add_argument("--pg-url", default=DEFAULT_PG_URL, help="PostgreSQL server (a throw-away schema is used)")
    parser.add_argument("--skip-postgresql", action="store_true", help="only SQLite")
    parser.add_argument("--batch-size", type=int, default=200, help="documents per reparse transaction")
    args = parser.parse_args()

    seeds = [path.read_text(encoding="utf-8") for path in SEEDS]
    with tempfile.TemporaryDirectory(prefix="bench-reparse-") as scratch:
        root = Path(scratch)
        (root / "documents").mkdir()
        paths = []
        for index in range(args.documents):
            paths.append(root / "documents" / f"{index:06d}.txt")
            paths[-1].write_bytes(document(index, seeds))
        print(f"{args.documents:,} documents generated from {len(seeds)} seeds", flush=True)

        reset_peak_rss()
        bare = bare_parse(paths)
        print(f"bare parse_bytes  {bare:8.1f} docs/s   peak RSS {peak_rss_mb():7.1f} MB", flush=True)

        sqlite_db = open_database(f"sqlite:///{root / 'collector.db'}")
        run_backend("SQLite", sqlite_db, Archive(root / "archive-sqlite"), paths, bare, args.batch_size)
        sqlite_db.close()
        if args.skip_postgresql:
            return
        with postgresql_schema(args.pg_url) as url:
            pg_db = open_database(url)
            run_backend("PostgreSQL", pg_db, Archive(root / "archive-postgresql"), paths, bare, args.batch_size)
            pg_db.close()


if __name__ == "__main__":
    sys.exit(main())
