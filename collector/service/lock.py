"""The pipeline lock: at most one crawl, reparse or snapshot at a time across every process on the database.

``max_instances=1`` only keeps one scheduler from overlapping itself; two services (or a service
and ``collector schedule run-now``) on the same database need a lock both can see. It lives in the
database (``storage.locks``) and is kept alive by a heartbeat thread; a holder that dies stops
beating and its lock expires, so a crashed service never blocks the next night for good.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from collector.service.logs import log
from storage.db import Database, first_line
from storage.locks import LockState, extend, lock_state, release, try_acquire

NAME = "pipeline"


def holder_id() -> str:
    """Who holds the lock, readable by people: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class PipelineLock:
    """Acquire, keep alive while working, release. Times are this machine's clock, not a job's "now"."""

    def __init__(self, database: Database, expiry: timedelta) -> None:
        self.database = database
        self.expiry = expiry
        self.holder = holder_id()
        self.lost = threading.Event()  # set when a heartbeat found the lock taken over

    def acquire(self) -> bool:
        return try_acquire(self.database, NAME, self.holder, self.expiry, datetime.now(UTC))

    def current(self) -> LockState | None:
        return lock_state(self.database, NAME)

    def release(self) -> None:
        release(self.database, NAME, self.holder)

    @contextmanager
    def held(self) -> Iterator[None]:
        """Extend the lock every third of its expiry until the block ends; release it then."""
        done = threading.Event()

        def beat() -> None:
            while not done.wait(self.expiry.total_seconds() / 3):
                try:
                    kept = extend(self.database, NAME, self.holder, self.expiry, datetime.now(UTC))
                except SQLAlchemyError as exc:  # the database may be back by the next beat
                    log("lock.heartbeat_failed", logging.WARNING, holder=self.holder, error=first_line(exc))
                    continue
                if not kept:
                    log("lock.lost", logging.ERROR, holder=self.holder)
                    self.lost.set()
                    return

        heartbeat = threading.Thread(target=beat, name="pipeline-lock-heartbeat", daemon=True)
        heartbeat.start()
        try:
            yield
        finally:
            done.set()
            heartbeat.join()
            self.release()
