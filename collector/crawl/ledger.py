"""A crawl run's bookkeeping through the storage layer: the run row, archived pages and documents, outcomes.

Nothing here runs on the Scrapy reactor's thread: bytes go to the archive on a few archiver threads
(gzip, fsync), then their rows to one writer thread, which takes whatever rows are queued (up to
:data:`BATCH`) and writes them in one transaction, one statement per table, so a 25,000-page crawl
does not pay 25,000 commits. Callers get a future that completes when the row is written. Bytes
always reach the archive before the row that names them.

Incremental crawls: the latest known sha256, ETag and Last-Modified of every document URL of the
crawled agencies are loaded when the run begins. The spider sends the validators as conditional
requests and hands over only documents whose bytes changed (:meth:`Ledger.unchanged`), so an
unchanged document gets no new row and is neither stored nor parsed again. Resume: a run that did
not finish keeps its id; the agencies that already have an outcome in it are skipped and the rest
are crawled again.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update

from collector.crawl.outcome import AgencyCrawl
from collector.items import FetchedDocument, ListPage
from collector.registry import Registry, sync_registry
from collector.reparse import Selection, Tally, reparse
from storage.archive import Archive, sha256_hex
from storage.db import Database, open_database
from storage.models import CrawlOutcome, CrawlPage, CrawlRun, Document, DocumentOrigin

#: At most this many queued rows are written in one transaction.
BATCH = 200
#: Threads putting bytes into the archive. A put is mostly waiting on the disk (open, fsync, rename:
#: about 5 ms a file on this machine's ext4) and zlib, both outside the GIL, so one thread could not keep
#: up with a fast crawl and a few can.
ARCHIVE_THREADS = 4
_PAGE, _DOCUMENT, _OUTCOME, _RUN = "page", "document", "outcome", "run"
#: Run statuses: a run that is not ``finished`` can be resumed.
RUNNING, FINISHED, INTERRUPTED = "running", "finished", "interrupted"


@dataclass(frozen=True, slots=True)
class Known:
    """What the last crawl stored for a document URL: its bytes' digest and the server's validators."""

    sha256: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class RunStart:
    run_id: int
    done: frozenset[str]  # agencies a resumed run already finished
    resumed: bool


class Ledger:
    """One crawl run's writes; open with :meth:`begin`, end with :meth:`finish` and :meth:`close`."""

    def __init__(self, db: Database, archive: Archive) -> None:
        self.db = db
        self.archive = archive
        self.run_id: int | None = None
        self._known: dict[str, Known] = {}
        self._queue: queue.SimpleQueue[tuple[str, Any, Future] | None] = queue.SimpleQueue()
        self._archiver = ThreadPoolExecutor(ARCHIVE_THREADS, thread_name_prefix="crawl-archive")
        self._thread = threading.Thread(target=self._work, name="crawl-ledger", daemon=True)
        self._thread.start()

    @classmethod
    def open(cls, db_url: str | None, archive_dir: str | None) -> Ledger:
        return cls(open_database(db_url), Archive(archive_dir))

    # --- the run -----------------------------------------------------------------------------------------------

    def begin(self, registry: Registry, agency_ids: Iterable[str], *, resume: bool) -> RunStart:
        """Sync the registry's agencies, start (or resume) a run, load the crawled agencies' validators."""
        sync_registry(self.db, registry)
        with self.db.session() as session, session.begin():
            run = session.scalars(select(CrawlRun).where(CrawlRun.kind == "crawl", CrawlRun.status != FINISHED)
                                  .order_by(CrawlRun.id.desc()).limit(1)).first() if resume else None
            resumed = run is not None
            if run is None:
                run = CrawlRun(kind="crawl", started_at=datetime.now(UTC), status=RUNNING)
                session.add(run)
                session.flush()
                done: frozenset[str] = frozenset()
            else:
                run.status = RUNNING
                done = frozenset(session.scalars(select(CrawlOutcome.agency_id)
                                                 .where(CrawlOutcome.crawl_run_id == run.id)))
            self.run_id = run.id
        self._known = self._load_known(set(agency_ids))
        return RunStart(self.run_id, done, resumed)

    def _load_known(self, agency_ids: set[str]) -> dict[str, Known]:
        query = (select(Document.url, Document.sha256, Document.http_headers)
                 .join(DocumentOrigin, DocumentOrigin.document_id == Document.id)
                 .where(DocumentOrigin.found_on.in_(agency_ids)).order_by(Document.id))
        known = {}
        with self.db.reading() as connection:
            for url, sha256, headers in connection.execute(query):
                headers = headers or {}
                known[url] = Known(sha256, headers.get("etag"), headers.get("last-modified"))
        return known

    def known(self, url: str) -> Known | None:
        return self._known.get(url)

    def archived(self, url: str) -> bytes | None:
        """The bytes last stored for ``url`` (a 304 answer means they are still current)."""
        known = self._known.get(url)
        return self.archive.get(known.sha256) if known else None

    # --- writes --------------------------------------------------------------------------------------------------

    def _enqueue(self, kind: str, values: Any) -> Future:
        future: Future = Future()
        self._queue.put((kind, values, future))
        return future

    def _after_archiving(self, body: bytes, rows: Callable[[str], tuple[str, Any]]) -> Future:
        """Put ``body`` in the archive, then queue the rows naming it (made by ``rows(sha256)``)."""
        written: Future = Future()

        def archived(put: Future) -> None:
            try:
                kind, values = rows(put.result())
            except Exception as exc:  # the archive failed: the caller learns of it
                written.set_exception(exc)
                return
            self._enqueue(kind, values).add_done_callback(lambda done: _copy_outcome(done, written))

        self._archiver.submit(self.archive.put, body).add_done_callback(archived)
        return written

    def _work(self) -> None:
        while (job := self._queue.get()) is not None:
            batch = [job]
            while len(batch) < BATCH:
                try:
                    following = self._queue.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(following)
            self._write(batch)

    def _write(self, batch: list[tuple[str, Any, Future]]) -> None:
        """One transaction for the batch, one statement per table (executemany)."""
        rows: dict[str, list] = {_PAGE: [], _DOCUMENT: [], _OUTCOME: [], _RUN: []}
        for kind, values, _ in batch:
            rows[kind].append(values)
        try:
            with self.db.engine.begin() as connection:
                if rows[_PAGE]:
                    connection.execute(insert(CrawlPage), rows[_PAGE])
                if rows[_DOCUMENT]:
                    ids = connection.execute(insert(Document).returning(Document.id, sort_by_parameter_order=True),
                                             [document for document, _ in rows[_DOCUMENT]]).scalars().all()
                    connection.execute(insert(DocumentOrigin), [{**origin, "document_id": document_id}
                                                                for (_, origin), document_id in zip(rows[_DOCUMENT], ids)])
                if rows[_OUTCOME]:
                    connection.execute(insert(CrawlOutcome), rows[_OUTCOME])
                for values in rows[_RUN]:
                    connection.execute(update(CrawlRun).where(CrawlRun.id == self.run_id).values(**values))
        except Exception as exc:  # every caller learns of the failure; the writer goes on with the next batch
            for _, _, future in batch:
                future.set_exception(exc)
            return
        for _, _, future in batch:
            future.set_result(None)

    def store_page(self, page: ListPage) -> Future:
        """Archive a list page and record where it came from."""
        def row(sha256: str) -> tuple[str, dict]:
            return _PAGE, {"crawl_run_id": self.run_id, "agency_id": page.agency_id, "url": page.url,
                           "method": page.method, "form": page.form, "role": page.role, "sha256": sha256,
                           "http_status": page.status, "fetched_at": datetime.now(UTC)}

        return self._after_archiving(page.body, row)

    def store_document(self, document: FetchedDocument) -> Future:
        """Archive and record a document (the spider hands over only new or changed bytes)."""
        def rows(sha256: str) -> tuple[str, tuple[dict, dict]]:
            self._known[document.url] = Known(sha256, document.headers.get("etag"),
                                              document.headers.get("last-modified"))
            return _DOCUMENT, (
                {"sha256": sha256, "size": len(document.body), "url": document.url, "agency_id": document.agency_id,
                 "crawl_run_id": self.run_id, "fetched_at": datetime.now(UTC), "http_status": document.status,
                 "http_headers": document.headers, "media_type": document.media_type,
                 "link_text": document.link_text, "list_date": document.list_date},
                {"role": document.role, "found_on": document.found_on, "report_year": document.report_year,
                 "legacy": document.legacy, "variant": document.variant, "parent_url": document.parent_url,
                 "list_url": document.list_url})

        return self._after_archiving(document.body, rows)

    def unchanged(self, url: str, body: bytes) -> bool:
        """Whether ``body`` is what was last stored for ``url`` (then it is neither stored nor parsed again)."""
        known = self._known.get(url)
        return known is not None and known.sha256 == sha256_hex(body)

    def record_outcome(self, crawl: AgencyCrawl) -> Future:
        """Store how the agency's crawl ended."""
        status, reason = crawl.status()
        return self._enqueue(_OUTCOME, {
            "crawl_run_id": self.run_id, "agency_id": crawl.agency_id, "status": status, "reason": reason,
            "pages": crawl.pages, "documents": crawl.documents, "unchanged": crawl.unchanged, "reports": crawl.reports,
            "errors": list(crawl.errors), "started_at": crawl.started_at, "finished_at": datetime.now(UTC),
            "duration_s": round(crawl.duration, 3)})

    def finish(self, status: str, stats: dict[str, Any]) -> None:
        """Mark the run finished or interrupted, once every queued write is done."""
        self._archiver.shutdown(wait=True)
        self._enqueue(_RUN, {"status": status, "finished_at": datetime.now(UTC), "stats": stats}).result()

    def parse(self, on_problem: Callable[[str], None] = lambda message: None) -> Tally:
        """Parse the documents this run stored (the storage layer's reparse, so every path parses alike)."""
        return reparse(self.db, self.archive, Selection(crawl_run_id=self.run_id), on_problem=on_problem)

    def close(self) -> None:
        self._archiver.shutdown(wait=True)
        self._queue.put(None)
        self._thread.join()
        self.db.close()


def _copy_outcome(source: Future, target: Future) -> None:
    error = source.exception()
    if error is not None:
        target.set_exception(error)
    else:
        target.set_result(source.result())
