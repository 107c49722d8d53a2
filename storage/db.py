"""Which database, and an engine tuned for it: SQLite embedded by default, PostgreSQL by URL.

The URL comes from ``--db``, else ``COLLECTOR_DB_URL``, else ``sqlite:///var/collector.db`` relative
to the working directory. Opening a database brings its schema to the latest migration, so no command
ever runs against an old schema and nobody has to remember ``collector db upgrade``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session

from storage.errors import DatabaseUnavailable
from storage.migrate import ensure_current

ENV_VAR = "COLLECTOR_DB_URL"
DEFAULT_URL = "sqlite:///var/collector.db"

#: How long a SQLite writer waits for another process's transaction before giving up.
SQLITE_BUSY_TIMEOUT_S = 60

#: Records keep their Chinese text readable in the database (and half the size of ``\\uXXXX``).
_json_serializer = partial(json.dumps, ensure_ascii=False)


def resolve_url(url: str | None = None) -> URL:
    """The database URL to use: ``url``, else ``$COLLECTOR_DB_URL``, else the embedded SQLite file.

    ``postgresql://`` and ``postgres://`` mean the psycopg 3 driver we ship (SQLAlchemy would pick
    psycopg2, which is not installed).
    """
    text = url or os.environ.get(ENV_VAR) or DEFAULT_URL
    try:
        parsed = make_url(text)
    except ArgumentError:
        raise DatabaseUnavailable(f"not a database URL: {text!r} (e.g. sqlite:///var/collector.db or "
                                  "postgresql://user@host/db)") from None
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(f"unsupported database {parsed.get_backend_name()!r}: use sqlite or postgresql")
    return parsed


def _configure_sqlite(engine: Engine) -> None:
    """WAL, a busy timeout and ``BEGIN IMMEDIATE`` so several processes can share one SQLite file.

    pysqlite's own transaction handling is switched off so that SQLAlchemy's BEGIN covers DDL too
    (migrations are atomic). Write transactions take the write lock up front: a transaction that read
    first and then wrote could otherwise fail at once with "database is locked" when another process
    committed in between. Connections marked ``read_only`` (exports, listings) begin deferred and never
    block writers.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}",
                       "foreign_keys=ON"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        read_only = connection.get_execution_options().get("read_only", False)
        connection.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


def create_engine_for(url: URL) -> Engine:
    """An engine for ``url``; creates the directory of a SQLite file (``var/`` by default)."""
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, json_serializer=_json_serializer,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, json_serializer=_json_serializer, pool_pre_ping=True)


@dataclass(frozen=True)
class Database:
    """An open, up-to-date database: the engine plus a session factory."""

    engine: Engine

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read-only connection that never holds SQLite's write lock (for long exports and listings)."""
        with self.engine.connect() as connection:
            connection.execution_options(read_only=True)
            with connection.begin():
                yield connection

    def close(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None) -> Database:
    """Open (creating if needed) the database at ``url`` and bring its schema up to date.

    Raises :class:`DatabaseUnavailable` with a one-line reason when it cannot be reached.
    """
    resolved = resolve_url(url)
    engine = create_engine_for(resolved)
    try:
        ensure_current(engine)
    except (SQLAlchemyError, DatabaseUnavailable) as exc:
        engine.dispose()
        if isinstance(exc, DatabaseUnavailable):
            raise
        raise DatabaseUnavailable(f"cannot open {resolved.render_as_string(hide_password=True)}: "
                                  f"{first_line(exc)}") from None
    return Database(engine)


def first_line(exc: SQLAlchemyError) -> str:
    """The driver's own message, first line only (SQLAlchemy appends SQL and a help link)."""
    original = getattr(exc, "orig", None) or exc
    return (str(original).strip().splitlines() or [type(original).__name__])[0]


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC, the zone every stored time is in: SQLite keeps a datetime's wall time and drops its
    offset, so a time written in another zone would read back shifted. Naive times are taken as UTC."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


_DIALECT_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def upsert_insert(connection: Connection, model: type) -> Any:
    """An INSERT for ``model`` that supports ``on_conflict_do_update`` on this connection's database."""
    return _DIALECT_INSERT[connection.dialect.name](model)
