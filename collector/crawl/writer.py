"""The crawl's storage writer: a separate process that archives fetched bytes and writes their rows.

Archiving costs about 2 ms of CPU a file (gzip, and file creation, flush, rename and SQLite): on the
crawl's own interpreter that is GIL time taken from the reactor, and measured, it cut a crawl's pages
per second nearly in half. In a process of its own it costs the crawler only handing the bytes over.

The process is started when the crawl opens, so its start-up overlaps Scrapy's. The crawl process
sends lists of jobs ``(job id, kind, row, body)`` over a pipe and receives lists of ``(job id, error
or None)`` once their rows are committed; :class:`WriterClient` turns those into futures. The writer
takes whatever jobs have arrived (up to :data:`BATCH`), puts their bytes into the archive in one go
(``Archive.put_many``: one journal commit for the batch), then writes the batch in one transaction
with one statement per table. Bytes always reach the archive before the row that names them.

The hand-over itself is kept cheap for the reactor, which is what bounds a crawl's speed: jobs are
gathered for :data:`GATHER_S` before one message carries them, and the writer runs at a lower CPU
priority. Measured on a 2-core machine where the crawl, the writer and the sample farm compete,
the two together took the crawl from 53 % to about 63 % of a bare Scrapy spider's pages per second.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import queue
import threading
from concurrent.futures import Future
from multiprocessing.connection import Connection
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.engine import Connection as Transaction

from storage.archive import Archive
from storage.db import open_database, upsert_insert
from storage.models import CrawlOutcome, CrawlPage, CrawlRun, Document, DocumentOrigin

PAGE, DOCUMENT, OUTCOME, RUN = "page", "document", "outcome", "run"
#: At most this many jobs are written in one transaction.
BATCH = 200
#: The crawl process gathers jobs this many seconds before sending them (see ``WriterClient``).
GATHER_S = 0.05
#: The writer yields the CPU to the crawl: on a machine short of cores the reactor should not wait for
#: it, and the pipeline's backlog bound stops the writer falling too far behind.
NICENESS = 10

Job = tuple[int, str, Any, bytes | None]


def _write_batch(connection: Transaction, jobs: list[Job], digests: list[str | None]) -> None:
    rows: dict[str, list] = {PAGE: [], DOCUMENT: [], OUTCOME: [], RUN: []}
    for (_, kind, row, _), digest in zip(jobs, digests, strict=True):
        rows[kind].append(row if digest is None else _with_digest(kind, row, digest))
    if rows[PAGE]:
        connection.execute(insert(CrawlPage), rows[PAGE])
    if rows[DOCUMENT]:
        ids = connection.execute(insert(Document).returning(Document.id, sort_by_parameter_order=True),
                                 [document for document, _ in rows[DOCUMENT]]).scalars().all()
        origins = [origin for _, origin in rows[DOCUMENT]]
        connection.execute(insert(DocumentOrigin), [{**origin, "document_id": document_id}
                                                    for origin, document_id in zip(origins, ids, strict=True)])
    if rows[OUTCOME]:  # a retried shard never records an agency twice (the first outcome stands)
        connection.execute(upsert_insert(connection, CrawlOutcome).on_conflict_do_nothing(), rows[OUTCOME])
    for values in rows[RUN]:  # last: a run is marked finished after everything it queued
        run_id, changes = values
        connection.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(**changes))


def _with_digest(kind: str, row: Any, digest: str) -> Any:
    if kind == DOCUMENT:
        document, origin = row
        return {**document, "sha256": digest}, origin
    return {**row, "sha256": digest}


def _next_batch(connection: Connection, pending: list[Job]) -> tuple[list[Job], bool]:
    """Jobs to write now: what is pending plus whatever has arrived (up to BATCH); True at the stop mark."""
    stopping = False
    while not stopping and (not pending or (len(pending) < BATCH and connection.poll())):
        message = connection.recv()
        if message is None:
            stopping = True
        else:
            pending.extend(message)
    return pending, stopping


def serve(db_url: str, archive_root: str, connection: Connection) -> None:
    """The writer process's main loop: runs until it meets the stop mark and has written everything."""
    if hasattr(os, "nice"):
        os.nice(NICENESS)
    database, archive = open_database(db_url), Archive(archive_root)
    stopping = False
    pending: list[Job] = []
    while not stopping or pending:
        if not stopping:
            pending, stopping = _next_batch(connection, pending)
        batch, pending = pending[:BATCH], pending[BATCH:]
        if not batch:
            continue
        try:
            stored = iter(archive.put_many([body for *_, body in batch if body is not None]))
            digests = [None if body is None else next(stored) for *_, body in batch]
            with database.engine.begin() as transaction:
                _write_batch(transaction, batch, digests)
            error = None
        except Exception as exc:  # every job of the batch learns of it; the writer goes on
            error = f"{type(exc).__name__}: {exc}"
        connection.send([(job_id, error) for job_id, *_ in batch])
    database.close()
    connection.send(None)


class WriterClient:
    """The crawl process's end: starts the writer process, sends jobs in batches, resolves their futures.

    ``submit`` only appends to a local queue, so the reactor thread never pickles or writes to a pipe;
    a sender thread wakes at the first job, waits :data:`GATHER_S` and ships whatever has accumulated
    in one message (each wake-up takes the GIL from the reactor), and a reader thread resolves the
    futures of each batch the writer reports committed.
    """

    def __init__(self, db_url: str, archive_root: str) -> None:
        context = multiprocessing.get_context("spawn")  # a clean interpreter: no reactor, no Scrapy state
        self._connection, child = context.Pipe()
        self._process = context.Process(target=serve, args=(db_url, archive_root, child), name="crawl-writer",
                                        daemon=True)
        self._process.start()
        child.close()
        self._outbox: queue.SimpleQueue[tuple[Job, Future] | None] = queue.SimpleQueue()
        self._pending: dict[int, Future] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closing = threading.Event()
        self._stopped: str | None = None
        self._sender = threading.Thread(target=self._send, name="crawl-writer-send", daemon=True)
        self._reader = threading.Thread(target=self._read, name="crawl-writer-read", daemon=True)
        self._sender.start()
        self._reader.start()

    @property
    def stopped(self) -> str | None:
        """Why the writer process is gone (it died, or could not open the database), or None while it runs."""
        return self._stopped

    def submit(self, kind: str, row: Any, body: bytes | None = None) -> Future:
        """Queue one job; its future fails at once when the writer process is already gone."""
        future: Future = Future()
        if self._stopped is not None:
            future.set_exception(RuntimeError(self._stopped))
            return future
        self._outbox.put(((next(self._ids), kind, row, body), future))
        return future

    def _send(self) -> None:
        while (entry := self._outbox.get()) is not None:
            self._closing.wait(GATHER_S)  # let more arrive: one wake-up, message and transaction for all
            batch = [entry]
            while len(batch) < BATCH:
                try:
                    following = self._outbox.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    self._outbox.put(None)
                    break
                batch.append(following)
            with self._lock:
                stopped = self._stopped
                if stopped is None:  # else the reader has already failed what was pending: fail these here
                    self._pending.update((job[0], future) for job, future in batch)
            if stopped is not None:
                for _, future in batch:
                    future.set_exception(RuntimeError(stopped))
                continue
            with contextlib.suppress(OSError):  # the writer died: the reader fails the batch on end of file
                self._connection.send([job for job, _ in batch])
        with contextlib.suppress(OSError):
            self._connection.send(None)

    def _read(self) -> None:
        try:
            while (results := self._connection.recv()) is not None:
                with self._lock:
                    done = [(self._pending.pop(job_id), error) for job_id, error in results]
                for future, error in done:
                    if error is None:
                        future.set_result(None)
                    else:
                        future.set_exception(RuntimeError(f"crawl writer: {error}"))
            return
        except (EOFError, OSError):  # the process ended without its stop mark: killed, or it crashed
            pass
        self._process.join(timeout=5)
        reason = f"the crawl writer process has stopped (exit code {self._process.exitcode})"
        with self._lock:  # nothing queued will be written any more: fail it, and everything submitted later
            self._stopped = reason
            orphans, self._pending = list(self._pending.values()), {}
        for future in orphans:
            future.set_exception(RuntimeError(reason))

    def close(self) -> None:
        """Stop after every queued job is written, and wait for the process."""
        self._closing.set()  # nothing more will come: send what is queued without gathering
        self._outbox.put(None)
        self._sender.join()
        self._reader.join()
        self._process.join()
