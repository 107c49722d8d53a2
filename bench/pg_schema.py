"""A throw-away PostgreSQL schema for benchmarks (imported by the scripts beside it)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine

from storage.db import resolve_url

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextmanager
def postgresql_schema(url: str) -> Iterator[str]:
    """A fresh schema on the server, dropped afterwards; yields a URL that uses it."""
    admin = create_engine(resolve_url(url))
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield resolve_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()
