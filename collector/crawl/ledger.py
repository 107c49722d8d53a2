"""A crawl run's bookkeeping through the storage layer: the run row, archived pages and documents, outcomes.

The crawl process does the reads (the registry sync, the run row, the known documents, the archived
copy behind a 304) and hands every write to the writer process (``collector.crawl.writer``), so the
reactor never waits for gzip, fsync or SQLite. Each write returns a future that completes when its
row is committed; bytes always reach the archive before the row that names them.

Incremental crawls: the latest known sha256, ETag and Last-Modified of every document URL of the
crawled agencies are loaded when the run begins. The spider sends the validators as conditional
requests and hands over only documents whose bytes changed (:meth:`Ledger.unchanged`), so an
unchanged document gets no new row and is neither stored nor parsed again. Resume: a run that did
not finish keeps its id; the agencies that already have an outcome in it are skipped and the rest
are crawled again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from collector.crawl.outcome import AgencyCrawl
from collector.crawl.writer import DOCUMENT, OUTCOME, PAGE, RUN, WriterClient
from collector.items import FetchedDocument, ListPage
from collector.registry import Registry, sync_registry
from collector.reparse import Selection, Tally, reparse
from storage.archive import Archive, sha256_hex
from storage.db import Database, open_database
from storage.models import CrawlOutcome, CrawlRun, Document, DocumentOrigin
from storage.shards import ShardWork, agencies_done, forget_partial_pages, load_shard

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
        self._listed: dict[str, dict[str, int | None]] = {}
        self._writer: WriterClient | None = WriterClient(db.engine.url.render_as_string(hide_password=False),
                                                         str(archive.root))

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

    def shard_work(self, run_id: int, number: int) -> ShardWork:
        """Shard ``number`` of a distributed run, as its plan says: registry, agencies, years."""
        return load_shard(self.db, run_id, number)

    def begin_shard(self, run_id: int, work: ShardWork) -> RunStart:
        """Join a distributed run with a shard's ``work``, less the agencies an earlier attempt finished;
        list pages it left of the others are dropped, as they are read again."""
        done = agencies_done(self.db, run_id, work.agency_ids)
        forget_partial_pages(self.db, run_id, [agency for agency in work.agency_ids if agency not in done])
        self.run_id = run_id
        self._known = self._load_known(set(work.agency_ids))
        return RunStart(run_id, done, resumed=bool(done))

    def _load_known(self, agency_ids: set[str]) -> dict[str, Known]:
        """Validators of every stored document of these agencies; also notes, per agency, the documents its
        lists led to (report pages and files listed as such), which a crawl asks for again when they are
        no longer listed, to tell a report taken down from one merely moved off the list."""
        query = (select(Document.url, Document.sha256, Document.http_headers, DocumentOrigin.found_on,
                        DocumentOrigin.role, DocumentOrigin.parent_url, DocumentOrigin.report_year)
                 .join(DocumentOrigin, DocumentOrigin.document_id == Document.id)
                 .where(DocumentOrigin.found_on.in_(agency_ids)).order_by(Document.id))
        known = {}
        self._listed = {}
        with self.db.reading() as connection:
            for url, sha256, headers, found_on, role, parent_url, year in connection.execute(query):
                headers = headers or {}
                known[url] = Known(sha256, headers.get("etag"), headers.get("last-modified"))
                if role == "report_page" or parent_url is None:
                    self._listed.setdefault(found_on, {})[url] = year
        return known

    def known(self, url: str) -> Known | None:
        return self._known.get(url)

    def listed_before(self, agency_id: str) -> dict[str, int | None]:
        """The documents earlier crawls found listed on the agency's portal, with their report years."""
        return self._listed.get(agency_id, {})

    def archived(self, url: str) -> bytes | None:
        """The bytes last stored for ``url`` (a 304 answer means they are still current)."""
        known = self._known.get(url)
        return self.archive.get(known.sha256) if known else None

    # --- writes (in the writer process) ------------------------------------------------------------------------

    def _writer_client(self) -> WriterClient:
        if self._writer is None or self.run_id is None:
            raise RuntimeError("begin() the run before writing to it, and not after finish()")
        return self._writer

    @property
    def writer_stopped(self) -> str | None:
        """Why the writer process is gone, when it died before the run's end (then nothing more is stored)."""
        return self._writer.stopped if self._writer is not None else None

    def store_page(self, page: ListPage) -> Future:
        """Archive a list page and record where it came from."""
        return self._writer_client().submit(PAGE, {
            "crawl_run_id": self.run_id, "agency_id": page.agency_id, "url": page.url, "method": page.method,
            "form": page.form, "role": page.role, "http_status": page.status, "fetched_at": datetime.now(UTC)},
            page.body)

    def store_document(self, document: FetchedDocument) -> Future:
        """Archive and record a document (the spider hands over only new or changed bytes)."""
        return self._writer_client().submit(DOCUMENT, (
            {"size": len(document.body), "url": document.url, "agency_id": document.agency_id,
             "crawl_run_id": self.run_id, "fetched_at": datetime.now(UTC), "http_status": document.status,
             "http_headers": document.headers, "media_type": document.media_type,
             "link_text": document.link_text, "list_date": document.list_date},
            {"role": document.role, "found_on": document.found_on, "report_year": document.report_year,
             "legacy": document.legacy, "variant": document.variant, "parent_url": document.parent_url,
             "list_url": document.list_url}), document.body)

    def unchanged(self, url: str, body: bytes) -> bool:
        """Whether ``body`` is what was last stored for ``url`` (then it is neither stored nor parsed again)."""
        known = self._known.get(url)
        return known is not None and known.sha256 == sha256_hex(body)

    def record_outcome(self, crawl: AgencyCrawl) -> Future:
        """Store how the agency's crawl ended."""
        status, reason = crawl.status()
        return self._writer_client().submit(OUTCOME, {
            "crawl_run_id": self.run_id, "agency_id": crawl.agency_id, "status": status, "reason": reason,
            "pages": crawl.pages, "documents": crawl.documents, "unchanged": crawl.unchanged, "reports": crawl.reports,
            "errors": list(crawl.errors), "gone": list(crawl.gone) if crawl.revisited else None,
            "started_at": crawl.started_at, "finished_at": datetime.now(UTC),
            "duration_s": round(crawl.duration, 3)})

    def finish(self, status: str, stats: dict[str, Any]) -> None:
        """Mark the run finished or interrupted once every queued write is done, and stop the writer."""
        marked = self._writer_client().submit(RUN, (self.run_id, {"status": status, "finished_at": datetime.now(UTC),
                                                                  "stats": stats}))
        self.flush()
        marked.result()  # raises when the run could not be marked

    def flush(self) -> None:
        """Wait until every queued write is done and stop the writer (a shard leaves its run to the controller)."""
        self._writer_client().close()
        self._writer = None

    def parse(self, found_on: frozenset[str] | None = None,
              on_problem: Callable[[str], None] = lambda message: None) -> Tally:
        """Parse the documents this run stored, or those listed on ``found_on``'s portals (a shard's part);
        through the storage layer's reparse, so every path parses alike."""
        return reparse(self.db, self.archive, Selection(crawl_run_id=self.run_id, found_on=found_on),
                       on_problem=on_problem)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self.db.close()

