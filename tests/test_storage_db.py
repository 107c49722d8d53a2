"""Database URL resolution, engine settings and migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage.db import Database, open_database, resolve_url
from storage.errors import DatabaseUnavailable
from storage.migrate import current_revision, head_revision, upgrade
from storage.models import Base

TABLES = {"agencies", "crawl_runs", "documents", "reports", "findings", "compliance"}


def test_url_option_beats_environment_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLLECTOR_DB_URL", raising=False)
    assert resolve_url(None).render_as_string() == "sqlite:///var/collector.db"
    monkeypatch.setenv("COLLECTOR_DB_URL", "sqlite:///from-env.db")
    assert resolve_url(None).database == "from-env.db"
    assert resolve_url("sqlite:///from-option.db").database == "from-option.db"


@pytest.mark.parametrize("url", ["postgresql://u@h/db", "postgres://u@h/db"])
def test_plain_postgresql_urls_use_psycopg3(url: str) -> None:
    assert resolve_url(url).drivername == "postgresql+psycopg"


@pytest.mark.parametrize(("url", "message"), [("not a url", "not a database URL"),
                                              ("mysql://u@h/db", "unsupported database 'mysql'")])
def test_bad_urls_are_refused_in_one_line(url: str, message: str) -> None:
    with pytest.raises(DatabaseUnavailable, match=message):
        resolve_url(url)


def test_unreachable_server_gives_one_line() -> None:
    with pytest.raises(DatabaseUnavailable, match=r"^cannot open postgresql\+psycopg://nobody:\*\*\*@127.0.0.1:9/x: "
                                                  r"[^\n]+$"):
        open_database("postgresql://nobody:secret@127.0.0.1:9/x")


def test_default_database_is_created_under_var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("COLLECTOR_DB_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    open_database().close()
    assert (tmp_path / "var" / "collector.db").is_file()


def test_first_use_creates_every_table(db: Database) -> None:
    assert TABLES <= set(inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:
        assert current_revision(connection) == head_revision()


def test_upgrade_is_idempotent(db: Database) -> None:
    assert upgrade(db.engine) == head_revision()
    assert upgrade(db.engine) == head_revision()


def test_a_schema_from_a_newer_release_is_refused(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = 'fffffff'")
    with pytest.raises(DatabaseUnavailable, match="revision 'fffffff', which this version of collector does not know"):
        open_database(db.engine.url.render_as_string(hide_password=False))


def test_migrations_create_exactly_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []


def test_sqlite_is_set_up_for_several_processes(tmp_path: Path) -> None:
    database = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    with database.engine.connect() as connection:
        pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 1  # NORMAL
        assert pragma("busy_timeout") >= 10_000
        assert pragma("foreign_keys") == 1
    database.close()
