"""Parse archived documents with the current parser and store the outcome: ``collector reparse``.

``collector import`` goes through the same code for the documents it has just archived, so a report
is always produced the same way: bytes from the archive, context from the document row.

Documents are taken in id order, in batches; each batch is parsed outside any transaction and
written in one short transaction. Killing the process loses at most the batch in flight, and the
next run picks up where it stopped because documents whose report already carries the current parser
version are skipped (unless forced). Memory does not grow with the number of documents: only one
batch and the counters are held.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, func, or_, select

from collector.records import differences, failure_row, report_row
from parsers import PARSER_VERSION, UnreadableDocument, parse_bytes
from storage.archive import Archive
from storage.db import Database
from storage.errors import ArchiveError
from storage.models import Agency, Document, DocumentOrigin, Report
from storage.reports import ReportRow, restamp_reports, save_reports

DEFAULT_BATCH_SIZE = 200


@dataclass(frozen=True)
class Selection:
    """Which documents to consider; empty means all of them."""

    agency_id: str | None = None
    year: int | None = None  # the year of the document's current report
    since: date | None = None  # fetched or imported on or after this day
    crawl_run_id: int | None = None
    found_on: frozenset[str] | None = None  # listed on these agencies' portals (one shard of a crawl run)

    def clauses(self) -> list[ColumnElement[bool]]:
        clauses = []
        if self.agency_id is not None:
            clauses.append(Document.agency_id == self.agency_id)
        if self.year is not None:
            clauses.append(Report.year == self.year)
        if self.since is not None:
            clauses.append(Document.fetched_at >= datetime.combine(self.since, time.min, UTC))
        if self.crawl_run_id is not None:
            clauses.append(Document.crawl_run_id == self.crawl_run_id)
        if self.found_on is not None:
            clauses.append(Document.id.in_(select(DocumentOrigin.document_id)
                                           .where(DocumentOrigin.found_on.in_(sorted(self.found_on)))))
        return clauses


@dataclass
class Tally:
    """How the documents of one run turned out."""

    new: int = 0  # first report for a document
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    up_to_date: int = 0  # skipped: already parsed by this parser version


@dataclass(frozen=True)
class Change:
    """A record that the current parser would change (reported by ``--dry-run``)."""

    document_id: int
    label: str  # the document's URL or path
    differences: list[tuple[str, object, object]]


@dataclass(frozen=True, slots=True)
class _Candidate:
    document_id: int
    sha256: str
    url: str | None
    path: str | None
    agency: str | None
    parser_version: str | None  # of the stored report; None when there is none
    record_sha256: str | None
    error: str | None

    @property
    def label(self) -> str:
        """How people recognise the document: where it came from."""
        return self.url or self.path or f"document {self.document_id}"


def _stale(force: bool) -> list[ColumnElement[bool]]:
    return [] if force else [or_(Report.id.is_(None), Report.parser_version != PARSER_VERSION)]


def _base_query(selection: Selection):
    return (select(Document.id).outerjoin(Report, Report.document_id == Document.id)
            .where(*selection.clauses()))


def _count(db: Database, selection: Selection, *, force: bool) -> tuple[int, int]:
    """``(to parse, already up to date)`` among the selected documents."""
    base = _base_query(selection)
    with db.reading() as connection:
        total = connection.scalar(select(func.count()).select_from(base.subquery()))
        todo = connection.scalar(select(func.count()).select_from(base.where(*_stale(force)).subquery()))
    return todo, total - todo


def _next_batch(db: Database, selection: Selection, force: bool, after: int, size: int) -> list[_Candidate]:
    query = (select(Document.id, Document.sha256, Document.url, Document.path, Agency.name,
                    Report.parser_version, Report.record_sha256, Report.error)
             .outerjoin(Report, Report.document_id == Document.id)
             .outerjoin(Agency, Agency.id == Document.agency_id)
             .where(*selection.clauses(), *_stale(force), Document.id > after)
             .order_by(Document.id).limit(size))
    with db.reading() as connection:
        return [_Candidate(*row) for row in connection.execute(query)]


def _parse(data: bytes, candidate: _Candidate) -> ReportRow:
    """Parse one document's bytes into the row to store; a parser failure becomes an error row.

    An unexpected exception from the parser, or a record that breaks ``spec/record.md``, is recorded
    too, so one bad document cannot stop a run over thousands; it is counted as failed and its
    report row says why.
    """
    try:
        record = parse_bytes(data, path=candidate.path, url=candidate.url, agency=candidate.agency)
    except UnreadableDocument as exc:
        return failure_row(candidate.document_id, str(exc), PARSER_VERSION)
    except Exception as exc:  # a parser bug on one document must not stop the run
        return failure_row(candidate.document_id, f"parser crashed: {type(exc).__name__}: {exc}", PARSER_VERSION)
    try:
        return report_row(candidate.document_id, record, PARSER_VERSION)
    except ValueError as exc:
        return failure_row(candidate.document_id, f"malformed record: {exc}", PARSER_VERSION)


#: What a parse outcome asks of the database.
_STORE, _RESTAMP = "store", "restamp"


def _classify(candidate: _Candidate, row: ReportRow, tally: Tally) -> str | None:
    """Count the outcome and say what to write: the whole row, only the new version, or nothing."""
    version_changed = candidate.parser_version != PARSER_VERSION
    if row.error is not None:
        tally.failed += 1
        return _STORE if version_changed or candidate.error != row.error else None
    if candidate.parser_version is None:
        tally.new += 1
        return _STORE
    if candidate.record_sha256 == row.record_sha256:
        tally.unchanged += 1
        return _RESTAMP if version_changed else None
    tally.changed += 1
    return _STORE


def _changes(db: Database, candidates: dict[int, _Candidate], rows: list[ReportRow]) -> list[Change]:
    """What each changed record would look like against the stored one (documents that had a record)."""
    changed = {row.document_id: row for row in rows
               if row.record is not None and candidates[row.document_id].record_sha256 not in (None, row.record_sha256)}
    if not changed:
        return []
    with db.reading() as connection:
        stored = dict(connection.execute(select(Report.document_id, Report.record)
                                         .where(Report.document_id.in_(changed))).all())
    return [Change(document_id, candidates[document_id].label, differences(stored[document_id], row.record))
            for document_id, row in changed.items()]


def reparse(
    db: Database,
    archive: Archive,
    selection: Selection = Selection(),
    *,
    force: bool = False,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_start: Callable[[int], None] = lambda todo: None,
    on_batch: Callable[[int], None] = lambda done: None,
    on_change: Callable[[Change], None] = lambda change: None,
    on_problem: Callable[[str], None] = lambda message: None,
) -> Tally:
    """Parse the selected documents and store what changed; returns the counts.

    ``on_start`` gets the number of documents to parse, ``on_batch`` the number just handled,
    ``on_change`` (dry run only) each record that would change, ``on_problem`` a one-line message
    for each document that failed.
    """
    todo, up_to_date = _count(db, selection, force=force)
    on_start(todo)
    tally = Tally(up_to_date=up_to_date)
    after = 0
    while batch := _next_batch(db, selection, force, after, batch_size):
        after = batch[-1].document_id
        rows = []
        for candidate in batch:
            try:
                row = _parse(archive.get(candidate.sha256), candidate)
            except ArchiveError as exc:
                tally.failed += 1
                on_problem(f"{candidate.label}: {exc}")
                continue
            if row.error is not None:
                on_problem(f"{candidate.label}: {row.error}")
            rows.append(row)
        candidates = {candidate.document_id: candidate for candidate in batch}
        actions = [_classify(candidates[row.document_id], row, tally) for row in rows]
        to_store = [row for row, action in zip(rows, actions, strict=True) if action == _STORE]
        to_restamp = [row for row, action in zip(rows, actions, strict=True) if action == _RESTAMP]
        if dry_run:
            for change in _changes(db, candidates, to_store):
                on_change(change)
        elif to_store or to_restamp:
            with db.engine.begin() as connection:
                save_reports(connection, to_store, datetime.now(UTC))
                restamp_reports(connection, to_restamp, datetime.now(UTC))
        on_batch(len(batch))
    return tally
