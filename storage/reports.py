"""Write parse outcomes: one report row per document (upserted) and its findings as rows.

Reparse runs may overlap and may be killed at any point, so a batch is written in one transaction
and keyed on the document: ``INSERT … ON CONFLICT (document_id) DO UPDATE`` turns a second writer of
the same document into an update instead of a duplicate row, and the findings of the reports written
are replaced in the same transaction. A record that a new parser version left unchanged only gets the
new version stamped on it (:func:`restamp_reports`): after a parser upgrade that is most of them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, update

from storage.db import upsert_insert
from storage.models import Finding, Report


@dataclass(frozen=True, slots=True)
class ReportRow:
    """What to store for one document: a record and the columns copied from it, or an error."""

    document_id: int
    parser_version: str
    record: dict[str, Any] | None = None
    error: str | None = None
    record_sha256: str | None = None
    year: int | None = None
    template: str | None = None
    published_at: date | None = None
    title: str | None = None
    agency_name: str | None = None
    findings: Sequence[dict[str, str]] = field(default_factory=tuple)




def _values(row: ReportRow, parsed_at: datetime) -> dict[str, Any]:
    severities = Counter(finding["severity"] for finding in row.findings)
    return {
        "document_id": row.document_id, "parser_version": row.parser_version, "parsed_at": parsed_at,
        "error": row.error, "record": row.record, "record_sha256": row.record_sha256, "year": row.year,
        "template": row.template, "published_at": row.published_at, "title": row.title,
        "agency_name": row.agency_name, "error_count": severities["error"],
        "warning_count": severities["warning"], "info_count": severities["info"],
    }


def save_reports(connection: Connection, rows: Sequence[ReportRow], parsed_at: datetime) -> None:
    """Upsert ``rows`` and replace their findings, inside the caller's transaction.

    Rows are written in document order so that concurrent PostgreSQL writers lock the same rows in
    the same order and wait for each other instead of deadlocking.
    """
    if not rows:
        return
    ordered = sorted(rows, key=lambda row: row.document_id)
    statement = upsert_insert(connection, Report)
    updated = {column: statement.excluded[column] for column in _values(ordered[0], parsed_at)
               if column != "document_id"}
    statement = statement.on_conflict_do_update(index_elements=[Report.document_id], set_=updated)
    stored = connection.execute(statement.returning(Report.id, Report.document_id),
                                [_values(row, parsed_at) for row in ordered]).all()
    report_ids = {document_id: report_id for report_id, document_id in stored}
    connection.execute(delete(Finding).where(Finding.report_id.in_(report_ids.values())))
    findings = [{"report_id": report_ids[row.document_id], "code": finding["code"], "severity": finding["severity"],
                 "where": finding["where"], "message": finding["message"]}
                for row in ordered for finding in row.findings]
    if findings:
        connection.execute(insert(Finding), findings)


def restamp_reports(connection: Connection, rows: Sequence[ReportRow], parsed_at: datetime) -> None:
    """Record that ``rows`` were re-parsed by their (new) parser version with the same outcome.

    Only the version, the time and the record (whose own ``parser_version`` changed) are written; the
    columns copied from the record and the findings rows are already right.
    """
    if not rows:
        return
    statement = (update(Report).where(Report.document_id == bindparam("row_document_id"))
                 .values(parser_version=bindparam("row_parser_version"), record=bindparam("row_record"),
                         parsed_at=parsed_at))
    connection.execute(statement, [{"row_document_id": row.document_id, "row_parser_version": row.parser_version,
                                    "row_record": row.record} for row in sorted(rows, key=lambda row: row.document_id)])
