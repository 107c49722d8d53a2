"""Alembic, driven from code: the migrations ship inside the package, no ``alembic.ini`` needed."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, Engine

from storage.errors import DatabaseUnavailable

#: Serialises concurrent upgrades of one PostgreSQL database (any constant works; this spells "collectr").
_PG_UPGRADE_LOCK = 0x636F6C6C65637472


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "storage:migrations")
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration shipped with this code."""
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at, or ``None`` for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Apply every pending migration in one transaction; returns the revision now current.

    Two processes opening a fresh database at once must not both create the tables: PostgreSQL takes
    an advisory lock, SQLite's ``BEGIN IMMEDIATE`` (see ``storage.db``) already admits one writer.
    """
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_UPGRADE_LOCK})")
        command.upgrade(_config(connection), "head")
        return current_revision(connection)


def ensure_current(engine: Engine) -> None:
    """Upgrade only when behind, so opening an up-to-date database costs one small query.

    A database migrated by a newer release (a revision this code does not ship) is refused rather
    than written with an older idea of the schema.
    """
    with engine.connect() as connection:
        current = current_revision(connection)
    scripts = ScriptDirectory.from_config(_config())
    if current == scripts.get_current_head():
        return
    if current is not None:
        try:
            scripts.get_revision(current)
        except CommandError:
            raise DatabaseUnavailable(f"the database schema is at revision {current!r}, which this version "
                                      "of collector does not know: use a newer collector") from None
    upgrade(engine)
