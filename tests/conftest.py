"""Storage fixtures: a database URL per backend (SQLite file, PostgreSQL schema), an archive, the seeds.

Every storage test runs on both databases. PostgreSQL is the real server on 127.0.0.1:5432; each
test gets a schema of its own (the URL sets ``search_path``, so subprocesses given ``--db`` land in
it too) and an ``application_name`` naming that schema, so teardown can end whatever connection a
failed test left open before dropping the schema; parallel or repeated runs never see each other's rows. A server that
is down fails the tests with a message instead of skipping them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url
from sqlalchemy.exc import OperationalError

from storage.archive import Archive
from storage.db import Database, open_database

#: Fixtures shared beyond the storage tests: ``stored`` (agencies, reports and crawls to judge).
pytest_plugins = ("compliance_support",)

#: The PostgreSQL the suite uses; `.ci/run` starts it when it is not running.
PG_URL = os.environ.get("COLLECTOR_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

SEEDS = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[Engine]:
    engine = create_engine(PG_URL)
    try:
        with engine.connect():
            unreachable = None
    except OperationalError as exc:
        unreachable = str(exc.orig).splitlines()[0]
    if unreachable:
        pytest.fail(f"PostgreSQL at {PG_URL} is not reachable ({unreachable}): start it (`.ci/run` does) or set "
                    "COLLECTOR_TEST_PG_URL; the storage tests never skip it", pytrace=False)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of each kind, private to the test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'collector.db'}"
        return
    admin: Engine = request.getfixturevalue("pg_admin")
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield make_url(PG_URL).update_query_dict(
            {"options": f"-csearch_path={schema}", "application_name": schema}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            # A connection a failed test left open (or a killed subprocess's) would block the DROP.
            connection.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                       "WHERE application_name = %(schema)s", {"schema": schema})
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = open_database(db_url)
    yield database
    database.close()


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "archive")


@pytest.fixture
def seeds() -> list[Path]:
    assert len(SEEDS) >= 5, "the seed reports are missing from tests/fixtures/seeds"
    return SEEDS
