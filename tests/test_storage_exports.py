"""``collector reports`` as library calls: long and wide rows, and spreadsheet-safe CSV/XLSX."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collector.exports import (
    CELL_COLUMNS,
    REPORT_COLUMNS,
    long_rows,
    neutralise,
    wide_rows,
    write_csv,
    write_json,
    write_xlsx,
)
from collector.records import report_row
from storage.archive import Archive
from storage.db import Database
from storage.models import Document
from storage.reports import save_reports
from storage_checks import expected_cells, import_seeds


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"),
    ("-3", "-3"), ("+4.5", "+4.5"), ("-1e3", "-1e3"),
    (-3, -3), (1.5, 1.5), (None, None),
    ("新乡市住房和城乡建设局", "新乡市住房和城乡建设局"),
])
def test_neutralise_prefixes_formulas_but_not_numbers(value, expected) -> None:
    assert neutralise(value) == expected


def test_long_rows_are_one_per_report_and_cell(db: Database, archive: Archive, seeds: list[Path]) -> None:
    import_seeds(db, archive, seeds)
    rows = list(long_rows(db))
    assert {(row["document_id"], row["table"], row["row"], row["column"], row["value"]) for row in rows} == \
        expected_cells(db, archive)
    assert len(rows) == len(expected_cells(db, archive))
    assert {row["agency_id"] for row in long_rows(db, agency_id="xinxiang-zjj")} <= {"xinxiang-zjj"}


def test_wide_rows_are_one_per_report(db: Database, archive: Archive, seeds: list[Path]) -> None:
    import_seeds(db, archive, seeds)
    columns, rows = wide_rows(db)
    rows = list(rows)
    assert len(rows) == len(seeds)
    assert len(columns) == len(set(columns))
    cells = {(row["document_id"], *column.split(".", 2), row[column]) for row in rows for column in columns
             if column.count(".") >= 2 and column in row}
    assert cells == expected_cells(db, archive)


def test_year_filter(db: Database, archive: Archive, seeds: list[Path]) -> None:
    import_seeds(db, archive, seeds)
    years = {row["year"] for row in long_rows(db)}
    for year in years:
        assert {row["year"] for row in long_rows(db, year=year)} == {year}


@pytest.fixture
def hostile(db: Database) -> Database:
    """A report whose portal-supplied text is a spreadsheet formula."""
    with db.session() as session, session.begin():
        document = Document(sha256="0" * 64, size=0, fetched_at=datetime.now(UTC), url="http://x.gov.cn/1.html")
        session.add(document)
    record = {"parser_version": "test", "source": {}, "title": "=HYPERLINK(\"http://evil\",\"年报\")",
              "agency": "@SUM(1+1)", "year": 2021, "format": "2021", "published_at": "2022-01-20", "sections": {},
              "tables": {"requests": {"new_received": {"natural_person": -3, "total": 5}}}, "findings": []}
    with db.engine.begin() as connection:
        save_reports(connection, [report_row(document.id, record, "test")], datetime.now(UTC))
    return db


def test_csv_neutralises_portal_text(hostile: Database) -> None:
    out = io.StringIO()
    write_csv([*REPORT_COLUMNS, *CELL_COLUMNS], long_rows(hostile), out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert {row["title"] for row in rows} == {"'=HYPERLINK(\"http://evil\",\"年报\")"}
    assert {row["agency"] for row in rows} == {"'@SUM(1+1)"}
    assert [(row["column"], row["value"]) for row in rows] == [("natural_person", "-3"), ("total", "5")]
    assert {row["published_at"] for row in rows} == {"2022-01-20"}


def test_xlsx_holds_text_not_formulas(hostile: Database, tmp_path: Path) -> None:
    columns, rows = wide_rows(hostile)
    write_xlsx(columns, rows, tmp_path / "reports.xlsx")
    sheet = load_workbook(tmp_path / "reports.xlsx").active
    header, values = [cell.value for cell in sheet[1]], sheet[2]
    cell = dict(zip(header, values, strict=True))
    assert (cell["title"].value, cell["title"].data_type) == ("'=HYPERLINK(\"http://evil\",\"年报\")", "s")
    assert cell["agency"].value == "'@SUM(1+1)"
    assert (cell["requests.new_received.natural_person"].value, cell["requests.new_received.total"].value) == (-3, 5)


def test_json_is_an_array_of_rows(hostile: Database) -> None:
    out = io.StringIO()
    write_json(long_rows(hostile), out)
    assert [row["value"] for row in json.loads(out.getvalue())] == [-3, 5]
    empty = io.StringIO()
    write_json(iter(()), empty)
    assert json.loads(empty.getvalue()) == []
