"""Named locks in the database, so processes on different machines sharing one database exclude each other.

A lock is a row of ``service_locks``. Taking it is one atomic upsert: insert the row, or take over
the existing one only when it has expired (or is already ours). The same statement works on SQLite
(which admits one writer at a time) and on PostgreSQL (``ON CONFLICT`` is atomic under concurrency),
so no advisory-lock dialect code is needed and the holder is visible to anyone who looks. Times are
the holders' clocks in UTC: keep the expiry long against clock skew between machines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from storage.db import Database, as_utc, upsert_insert
from storage.models import ServiceLock


@dataclass(frozen=True, slots=True)
class LockState:
    """Who holds a lock, since when, and until when unless they extend it."""

    holder: str
    acquired_at: datetime
    expires_at: datetime


def try_acquire(database: Database, name: str, holder: str, ttl: timedelta, now: datetime) -> bool:
    """Take the lock for ``ttl`` unless someone else holds an unexpired one; True when it is ours."""
    now = as_utc(now)
    with database.engine.begin() as connection:
        statement = upsert_insert(connection, ServiceLock).values(
            name=name, holder=holder, acquired_at=now, expires_at=now + ttl)
        statement = statement.on_conflict_do_update(
            index_elements=["name"],
            set_={"holder": statement.excluded.holder, "acquired_at": statement.excluded.acquired_at,
                  "expires_at": statement.excluded.expires_at},
            where=(ServiceLock.expires_at < now) | (ServiceLock.holder == holder))
        return connection.execute(statement.returning(ServiceLock.holder)).first() is not None


def extend(database: Database, name: str, holder: str, ttl: timedelta, now: datetime) -> bool:
    """Push the expiry forward; False when the lock is no longer ours (it expired and was taken over)."""
    now = as_utc(now)
    with database.engine.begin() as connection:
        changed = connection.execute(update(ServiceLock).where(ServiceLock.name == name, ServiceLock.holder == holder)
                                     .values(expires_at=now + ttl))
        return changed.rowcount == 1


def release(database: Database, name: str, holder: str) -> None:
    """Give the lock up (only if it is still ours)."""
    with database.engine.begin() as connection:
        connection.execute(delete(ServiceLock).where(ServiceLock.name == name, ServiceLock.holder == holder))


def lock_state(database: Database, name: str) -> LockState | None:
    """The current row of the lock, expired or not; None when nobody holds it."""
    with database.reading() as connection:
        row = connection.execute(select(ServiceLock.holder, ServiceLock.acquired_at, ServiceLock.expires_at)
                                 .where(ServiceLock.name == name)).first()
    return LockState(row.holder, as_utc(row.acquired_at), as_utc(row.expires_at)) if row else None
