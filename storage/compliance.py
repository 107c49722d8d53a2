"""The latest judgment of each agency-year, replaced in place by every compliance run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, select, tuple_

from storage.db import upsert_insert
from storage.models import Compliance

_KEY = ("agency_id", "year")


def previous_statuses(connection: Connection, keys: Sequence[tuple[str, int]]) -> dict[tuple[str, int], dict[str, Any]]:
    """The stored judgment of each ``(agency_id, year)``: status, days late, report, published date, and the
    revision dates and removal the evidence recorded."""
    if not keys:
        return {}
    query = (select(Compliance.agency_id, Compliance.year, Compliance.status, Compliance.days_late,
                    Compliance.report_id, Compliance.published_at, Compliance.evidence)
             .where(tuple_(Compliance.agency_id, Compliance.year).in_(list(keys))))
    return {(row.agency_id, row.year): {"status": row.status, "days_late": row.days_late, "report_id": row.report_id,
                                        "published_at": row.published_at,
                                        "revised": (row.evidence or {}).get("revised", []),
                                        "removed": (row.evidence or {}).get("removed", False)}
            for row in connection.execute(query)}


def save_judgments(connection: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Upsert compliance rows (column name → value, keyed by agency_id and year)."""
    if not rows:
        return
    statement = upsert_insert(connection, Compliance)
    columns = [name for name in rows[0] if name not in _KEY]
    statement = statement.on_conflict_do_update(index_elements=list(_KEY),
                                                set_={name: statement.excluded[name] for name in columns})
    connection.execute(statement, list(rows))
