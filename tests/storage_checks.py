"""Checks shared by the storage tests: what a consistent database looks like, and how to fill one.

"Consistent" is judged against the parser itself, never against fixed numbers: a stored record must
equal what ``parse_bytes`` returns for the archived bytes with the document's context, so these
checks keep holding while the parser improves.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from collector.ingest import import_files
from collector.records import record_digest, table_cells
from collector.registry import load_registry, sync_registry
from parsers import PARSER_VERSION, UnreadableDocument, parse_bytes
from storage.archive import Archive
from storage.db import Database
from storage.models import Agency, Document, Finding, Report

#: The command line as a separate process (the tests kill it and run two at once).
COLLECTOR = [sys.executable, "-m", "collector.cli"]
REGISTRY = Path(__file__).parents[1] / "config" / "agencies.yaml"

#: Registry id of each seed report's agency, by file-name prefix (see config/agencies.yaml).
SEED_AGENCIES = {"000": "xinxiang-zjj", "001": "huixian-gov", "002": "genhe-zjj", "003": "jiaxing-zjj",
                 "004": "xuchang-zjj"}


def seed_variants(seeds: list[Path], count: int) -> list[bytes]:
    """``count`` distinct documents: the seeds in turn, each with a numbered closing line."""
    texts = [path.read_bytes() for path in seeds]
    return [texts[index % len(texts)] + f"\n附：第{index}号\n".encode() for index in range(count)]


def add_unparsed_documents(db: Database, archive: Archive, blobs: list[bytes]) -> None:
    """Store documents the way a crawl would: bytes archived, rows written, nothing parsed yet."""
    now = datetime.now(UTC)
    rows = [Document(sha256=archive.put(blob), size=len(blob), url=f"http://example.gov.cn/nb/{index}.html",
                     fetched_at=now) for index, blob in enumerate(blobs)]
    with db.session() as session, session.begin():
        session.add_all(rows)


def expected_record(data: bytes, document: Document, agency: str | None) -> dict:
    return parse_bytes(data, path=document.path, url=document.url, agency=agency)


def expected_cells(db: Database, archive: Archive) -> set[tuple]:
    """(document id, table, row, column, value) for every cell a fresh parse of each document gives."""
    with db.session() as session:
        documents = list(session.scalars(select(Document)))
        agencies = dict(session.execute(select(Agency.id, Agency.name)).all())
    return {(document.id, *cell) for document in documents
            for cell in table_cells(expected_record(archive.get(document.sha256), document,
                                                    agencies.get(document.agency_id)))}


def report_count(db: Database) -> int:
    with db.reading() as connection:
        return connection.scalar(select(func.count()).select_from(Report))


def assert_consistent(db: Database, archive: Archive, *, parse_every: int = 1) -> None:
    """Every document has its bytes; every report is whole and matches a fresh parse.

    ``parse_every`` re-parses only every n-th report (the others are checked through their digest).
    """
    with db.session() as session:
        documents = {document.id: document for document in session.scalars(select(Document))}
        agencies = dict(session.execute(select(Agency.id, Agency.name)).all())
        reports = list(session.scalars(select(Report).order_by(Report.document_id)))
        findings = Counter(session.scalars(select(Finding.report_id)))
        severities = Counter(session.execute(select(Finding.report_id, Finding.severity)).all())
    for document in documents.values():
        assert len(archive.get(document.sha256)) == document.size  # get() raises when the bytes are missing
    assert len({report.document_id for report in reports}) == len(reports), "two reports for one document"
    for index, report in enumerate(reports):
        document = documents[report.document_id]
        assert (report.record is None) != (report.error is None)
        if report.record is None:
            assert findings[report.id] == 0
            continue
        assert report.record_sha256 == record_digest(report.record)
        assert findings[report.id] == len(report.record["findings"])
        assert (report.error_count, report.warning_count, report.info_count) == (
            severities[(report.id, "error")], severities[(report.id, "warning")], severities[(report.id, "info")])
        assert report.parser_version == report.record["parser_version"]
        if index % parse_every == 0:
            try:
                expected = expected_record(archive.get(document.sha256), document, agencies.get(document.agency_id))
            except UnreadableDocument:
                raise AssertionError(f"document {document.id} has a record but the parser cannot read it") from None
            assert report.record == expected
            assert report.parser_version == PARSER_VERSION


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds; fail after ``timeout`` seconds (the pause between polls
    only spares the CPU; nothing is timed)."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        pause.wait(0.01)


def import_seeds(db: Database, archive: Archive, seeds: list[Path]) -> None:
    """Sync the shipped registry and import each seed report under its agency."""
    sync_registry(db, load_registry(REGISTRY))
    for path in seeds:
        import_files(db, archive, [path], agency_id=SEED_AGENCIES.get(path.name[:3]))
