"""Bring local files in: ``collector import``. Archive the bytes, record the documents, parse them.

People already hold downloaded reports; importing them gives the same rows a crawl would, with the
file path instead of HTTP details. Each file's bytes reach the archive before its document row is
written, and parsing happens only afterwards (through :func:`collector.reparse.reparse`), so a file
the parser cannot read is still kept and can be parsed again by a later parser version.
"""

from __future__ import annotations

import contextlib
import mimetypes
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from collector.errors import CollectorError
from collector.reparse import Selection, Tally, reparse
from storage.archive import Archive
from storage.db import Database
from storage.models import Agency, CrawlRun, Document

#: Document rows are committed in chunks of this many files.
_CHUNK = 200


@dataclass
class ImportResult:
    run_id: int
    archived: int = 0  # new documents
    already_present: int = 0  # same bytes, agency and URL imported before
    unreadable: list[str] = field(default_factory=list)  # files that could not be read from disk
    parsed: Tally = field(default_factory=Tally)


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The files named by ``paths``, directories walked recursively (hidden entries skipped), sorted."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(child for child in path.rglob("*") if child.is_file()
                                and not any(part.startswith(".") for part in child.relative_to(path).parts)))
        elif path.is_file():
            files.append(path)
        else:
            raise CollectorError(f"{path}: no such file or directory")
    return files


def _chunks(items: list[Path]) -> Iterator[list[Path]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start:start + _CHUNK]


def _check_agency(db: Database, agency_id: str | None) -> None:
    if agency_id is None:
        return
    with db.session() as session:
        if session.get(Agency, agency_id) is None:
            raise CollectorError(f"unknown agency {agency_id!r}: add it to the registry and run "
                                 "`collector agencies sync`")


def import_files(
    db: Database,
    archive: Archive,
    files: list[Path],
    *,
    agency_id: str | None = None,
    url: str | None = None,
    on_file: Callable[[int], None] = lambda done: None,
    on_parse_start: Callable[[int], None] = lambda todo: None,
    on_parse_batch: Callable[[int], None] = lambda done: None,
    on_problem: Callable[[str], None] = lambda message: None,
) -> ImportResult:
    """Archive and record ``files`` as one import run, then parse the new documents.

    A file whose bytes, agency and URL match an existing document is not recorded again, so running
    the same import twice changes nothing. The callbacks report progress (files archived, then
    documents parsed) and each file the parser could not read.
    """
    if url is not None and len(files) != 1:
        raise CollectorError(f"--url names one document, but {len(files)} files were given")
    _check_agency(db, agency_id)
    with db.session() as session, session.begin():
        run = CrawlRun(kind="import", started_at=datetime.now(UTC), status="running")
        session.add(run)
    result = ImportResult(run_id=run.id)
    try:
        _archive_and_record(db, archive, files, run.id, agency_id, url, result, on_file)
        result.parsed = reparse(db, archive, Selection(crawl_run_id=run.id), on_start=on_parse_start,
                                on_batch=on_parse_batch, on_problem=on_problem)
    except BaseException:
        with contextlib.suppress(SQLAlchemyError):  # the original error matters more than this bookkeeping
            _finish_run(db, run.id, "failed", len(files), result)
        raise
    _finish_run(db, run.id, "finished", len(files), result)
    return result


def _archive_and_record(db: Database, archive: Archive, files: list[Path], run_id: int, agency_id: str | None,
                        url: str | None, result: ImportResult, on_file: Callable[[int], None]) -> None:
    """Put each file's bytes in the archive, then write the document rows of each chunk in one transaction."""
    seen: set[str] = set()
    for chunk in _chunks(files):
        documents = []
        for path in chunk:
            try:
                data = path.read_bytes()
            except OSError as exc:
                result.unreadable.append(f"{path}: {exc.strerror or exc}")
                continue
            sha256 = archive.put(data)
            if sha256 in seen:
                result.already_present += 1
                continue
            seen.add(sha256)
            documents.append(Document(sha256=sha256, size=len(data), url=url, path=str(path), agency_id=agency_id,
                                      crawl_run_id=run_id, fetched_at=datetime.now(UTC),
                                      media_type=mimetypes.guess_type(path.name)[0]))
        with db.session() as session, session.begin():
            known = set(session.scalars(select(Document.sha256).where(
                Document.sha256.in_([document.sha256 for document in documents]),
                Document.agency_id.is_not_distinct_from(agency_id), Document.url.is_not_distinct_from(url))))
            fresh = [document for document in documents if document.sha256 not in known]
            session.add_all(fresh)
        result.archived += len(fresh)
        result.already_present += len(documents) - len(fresh)
        on_file(len(chunk))


def _finish_run(db: Database, run_id: int, status: str, files: int, result: ImportResult) -> None:
    with db.session() as session, session.begin():
        run = session.get(CrawlRun, run_id)
        run.finished_at = datetime.now(UTC)
        run.status = status
        run.stats = {"files": files, "archived": result.archived, "already_present": result.already_present,
                     "unreadable": len(result.unreadable), "new": result.parsed.new, "failed": result.parsed.failed}
