"""Parsed tables out of the database for researchers: ``collector reports``.

Two shapes: *long*, one row per report × table cell (what pandas ``pivot`` and Excel pivot tables
want), and *wide*, one row per report with a column per cell. Everything in a record came from a
portal, so CSV and XLSX cells that a spreadsheet would run as a formula are neutralised.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import Connection, func, select

from collector.records import table_cells
from storage.db import Database
from storage.models import Agency, Document, Report

REPORT_COLUMNS = ("report_id", "document_id", "agency_id", "agency", "year", "template", "published_at", "title",
                  "parser_version")
CELL_COLUMNS = ("table", "row", "column", "value")

#: Spreadsheets treat text starting with these as a formula (OWASP "CSV injection"); tab and CR too.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def neutralise(value: Any) -> Any:
    """Prefix ``'`` to text a spreadsheet would evaluate; numbers (even written ``-3``) pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _reports(connection: Connection, agency_id: str | None, year: int | None) -> Iterator[tuple[dict[str, Any], dict]]:
    """``(report columns, record)`` for every parsed report selected, in agency, year, document order."""
    query = (select(Report.id, Report.document_id, Document.agency_id,
                    func.coalesce(Agency.name, Report.agency_name), Report.year, Report.template,
                    Report.published_at, Report.title, Report.parser_version, Report.record)
             .join(Document, Document.id == Report.document_id)
             .outerjoin(Agency, Agency.id == Document.agency_id)
             .where(Report.record.is_not(None))
             .order_by(Document.agency_id, Report.year, Report.document_id))
    if agency_id is not None:
        query = query.where(Document.agency_id == agency_id)
    if year is not None:
        query = query.where(Report.year == year)
    for row in connection.execution_options(yield_per=500).execute(query):
        columns = dict(zip(REPORT_COLUMNS, row[:-1], strict=True))
        if isinstance(columns["published_at"], date):
            columns["published_at"] = columns["published_at"].isoformat()
        yield columns, row[-1]


def long_rows(db: Database, agency_id: str | None = None, year: int | None = None) -> Iterator[dict[str, Any]]:
    """One row per report × table cell."""
    with db.reading() as connection:
        for columns, record in _reports(connection, agency_id, year):
            for cell in table_cells(record):
                yield {**columns, **dict(zip(CELL_COLUMNS, cell, strict=True))}


def wide_rows(db: Database, agency_id: str | None = None,
              year: int | None = None) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """Column names and one row per report with a ``table.row.column`` column per cell.

    Two passes over the reports (one for the union of cells, one for the rows) keep memory flat.
    """
    def cells(record: dict) -> dict[str, Any]:
        return {f"{table}.{row}.{column}": value for table, row, column, value in table_cells(record)}

    names: dict[str, None] = {}  # an ordered set: the first report's cells first
    with db.reading() as connection:
        for _, record in _reports(connection, agency_id, year):
            names.update(dict.fromkeys(cells(record)))

    def rows() -> Iterator[dict[str, Any]]:
        with db.reading() as connection:
            for columns, record in _reports(connection, agency_id, year):
                yield {**columns, **cells(record)}

    return [*REPORT_COLUMNS, *names], rows()


def write_csv(columns: list[str], rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: neutralise(value) for key, value in row.items()})


def write_json(rows: Iterable[dict[str, Any]], out: IO[str]) -> None:
    """A JSON array written row by row (no need to hold the export in memory)."""
    out.write("[")
    for index, row in enumerate(rows):
        out.write(("," if index else "") + "\n" + json.dumps(row, ensure_ascii=False))
    out.write("\n]\n")


def _xlsx_value(value: Any) -> Any:
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def write_xlsx(columns: list[str], rows: Iterable[dict[str, Any]], path: Path) -> None:
    """A workbook with one sheet, written in streaming mode; control characters Excel rejects are dropped."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("reports")
    sheet.append(columns)
    for row in rows:
        sheet.append([_xlsx_value(row.get(column)) for column in columns])
    workbook.save(path)


#: What fits a terminal: enough to find a cell, the rest is in the file formats.
TABLE_COLUMNS = ("report_id", "agency_id", "year", "table", "row", "column", "value")


def print_table(console: Console, rows: Iterable[dict[str, Any]]) -> None:
    """Long rows as a terminal table, with the columns that identify a cell (text is escaped, not markup)."""
    table = Table(*TABLE_COLUMNS, box=box.SIMPLE)
    for column in table.columns:
        column.no_wrap = column.header in ("report_id", "agency_id", "year", "value")
        column.overflow = "fold"
    for row in rows:
        table.add_row(*(Text("" if row[column] is None else str(row[column])) for column in TABLE_COLUMNS))
    console.print(table)
