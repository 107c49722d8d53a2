"""The pipeline lock on SQLite and PostgreSQL: exclusive, expiring, kept alive, and held across processes."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from collector.service.lock import NAME, PipelineLock
from storage.db import Database
from storage.locks import extend, lock_state, release, try_acquire
from storage_checks import wait_until

TTL = timedelta(minutes=5)
NOW = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)

#: A second process that takes the lock, says so, and holds it (with its heartbeat) until its stdin closes.
HOLDER = """
import sys
from datetime import timedelta
from collector.service.lock import PipelineLock
from storage.db import open_database
database = open_database(sys.argv[1])
lock = PipelineLock(database, timedelta(seconds=30))
assert lock.acquire()
with lock.held():
    print(lock.holder, flush=True)
    sys.stdin.read()
database.close()
"""


def test_one_holder_at_a_time_until_it_expires(db: Database) -> None:
    assert try_acquire(db, NAME, "a", TTL, NOW)
    assert not try_acquire(db, NAME, "b", TTL, NOW + TTL - timedelta(seconds=1))
    assert try_acquire(db, NAME, "a", TTL, NOW + timedelta(minutes=1))  # the holder may take it again
    assert lock_state(db, NAME).expires_at == NOW + timedelta(minutes=1) + TTL
    assert try_acquire(db, NAME, "b", TTL, NOW + timedelta(minutes=7))  # expired: taken over
    assert not extend(db, NAME, "a", TTL, NOW + timedelta(minutes=7))  # "a" learns it lost the lock
    release(db, NAME, "a")  # not "a"'s any more: nothing happens
    assert lock_state(db, NAME).holder == "b"
    release(db, NAME, "b")
    assert lock_state(db, NAME) is None


def test_the_heartbeat_keeps_the_lock_and_notices_a_takeover(db: Database) -> None:
    lock = PipelineLock(db, timedelta(seconds=0.3))
    assert lock.acquire()
    first_expiry = lock.current().expires_at
    with lock.held():
        wait_until(lambda: lock.current().expires_at > first_expiry, timeout=10, what="a heartbeat")
        with db.engine.begin() as connection:  # play a holder whose lock expired and was taken over
            connection.exec_driver_sql("UPDATE service_locks SET holder = 'thief'")
        wait_until(lock.lost.is_set, timeout=10, what="the heartbeat to notice")
    assert lock.current().holder == "thief"  # release() leaves another holder's lock alone


def test_another_process_holding_the_lock_keeps_this_one_out(db: Database) -> None:
    url = db.engine.url.render_as_string(hide_password=False)
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        name = holder.stdout.readline().strip()
        assert name and lock_state(db, NAME).holder == name
        assert not PipelineLock(db, TTL).acquire()
    finally:
        holder.communicate("", timeout=60)
    assert holder.returncode == 0
    assert lock_state(db, NAME) is None
    assert PipelineLock(db, TTL).acquire()
