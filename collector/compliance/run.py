"""One compliance run: judge the agencies, store the judgments, and say what changed since the last run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from collector.compliance.engine import Filters, judge_agencies
from collector.compliance.health import load_health
from collector.compliance.rollup import rollups
from storage.compliance import previous_statuses, save_judgments
from storage.db import Database


@dataclass(frozen=True)
class ComplianceResult:
    rows: list[dict]
    records: dict[int, dict]
    rollups: dict[str, list[dict]]
    previous: dict[tuple[str, int], dict]


def _stored(row: dict, judged_at: datetime) -> dict:
    return {
        "agency_id": row["agency_id"], "year": row["year"], "status": row["status"], "days_late": row["days_late"],
        "reason": row["reason"], "deadline": date.fromisoformat(row["deadline"]),
        "deadline_assumed": row["deadline_assumed"], "report_id": row["report_id"],
        "published_at": date.fromisoformat(row["published_at"]) if row["published_at"] else None,
        "published_at_source": row["evidence"],
        "evidence": {"pieces": row["evidence_detail"], "conflicts": row["conflicts"], "revised": row["revised"],
                     "removed": row["removed"]},
        "judged_at": judged_at,
    }


def run_compliance(database: Database, filters: Filters, store: bool = True) -> ComplianceResult:
    """Judge every matching agency; with ``store`` keep the judgments (the previous ones are returned)."""
    with database.engine.begin() as connection:
        health = load_health(connection, filters.as_of)
        rows, records = judge_agencies(connection, filters, health)
        previous = previous_statuses(connection, [(row["agency_id"], row["year"]) for row in rows])
        if store:
            judged_at = datetime.now(UTC)
            save_judgments(connection, [_stored(row, judged_at) for row in rows])
    return ComplianceResult(rows, records, rollups(rows), previous)
