"""``collector reparse``: idempotent, resumable after a kill, safe when two runs overlap."""

from __future__ import annotations

import math
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from collector.records import record_digest, table_cells
from collector.reparse import Change, Selection, reparse
from parsers import PARSER_VERSION, parse_bytes
from storage.archive import Archive
from storage.db import Database
from storage.models import Document, Report
from storage_checks import (
    COLLECTOR,
    add_unparsed_documents,
    assert_consistent,
    import_seeds,
    report_count,
    seed_variants,
    wait_until,
)


@pytest.fixture
def imported(db: Database, archive: Archive, seeds: list[Path]) -> Database:
    import_seeds(db, archive, seeds)
    return db


def stored_reports(db: Database) -> list[tuple]:
    with db.session() as session:
        return [tuple(row) for row in session.execute(
            select(Report.id, Report.document_id, Report.parsed_at, Report.parser_version, Report.record_sha256)
            .order_by(Report.document_id))]


def test_second_run_finds_everything_up_to_date(imported: Database, archive: Archive, seeds: list[Path]) -> None:
    before = stored_reports(imported)
    tally = reparse(imported, archive, Selection())
    assert (tally.new, tally.changed, tally.unchanged, tally.failed, tally.up_to_date) == (0, 0, 0, 0, len(seeds))
    assert stored_reports(imported) == before


def test_forced_run_with_the_same_parser_changes_nothing(
        imported: Database, archive: Archive, seeds: list[Path]) -> None:
    before = stored_reports(imported)
    tally = reparse(imported, archive, Selection(), force=True, batch_size=2)
    assert (tally.new, tally.changed, tally.unchanged, tally.failed) == (0, 0, len(seeds), 0)
    assert stored_reports(imported) == before


def test_reports_of_an_older_parser_are_brought_to_the_current_version(
        imported: Database, archive: Archive, seeds: list[Path]) -> None:
    with imported.engine.begin() as connection:
        connection.execute(update(Report).values(parser_version="0.0.1"))
    tally = reparse(imported, archive, Selection())
    assert (tally.changed, tally.unchanged, tally.up_to_date) == (0, len(seeds), 0)
    assert {row[3] for row in stored_reports(imported)} == {PARSER_VERSION}
    assert_consistent(imported, archive)


def test_selection_by_agency_year_and_date(imported: Database, archive: Archive, seeds: list[Path]) -> None:
    def considered(selection: Selection) -> int:
        tally = reparse(imported, archive, selection, force=True)
        return tally.new + tally.changed + tally.unchanged + tally.failed

    with imported.session() as session:
        years = list(session.scalars(select(Report.year)))
    assert considered(Selection(agency_id="xinxiang-zjj")) == 1
    assert considered(Selection(agency_id="henan-gov")) == 0
    assert considered(Selection(year=years[0])) == years.count(years[0])
    assert considered(Selection(since=date.today() - timedelta(days=1))) == len(seeds)
    assert considered(Selection(since=date.today() + timedelta(days=2))) == 0


def test_dry_run_names_the_cells_that_would_change_and_writes_nothing(imported: Database, archive: Archive) -> None:
    with imported.session() as session, session.begin():
        report = session.scalars(select(Report).order_by(Report.document_id)).first()
        table, row, column, value = next(table_cells(report.record))
        tables = report.record["tables"]
        tampered = {**report.record, "title": "篡改的标题", "tables": {
            **tables, table: {**tables[table], row: {**tables[table][row], column: 999_999}}}}
        report.record, report.record_sha256 = tampered, record_digest(tampered)
        original_title = report.title
    changes: list[Change] = []
    tally = reparse(imported, archive, Selection(), force=True, dry_run=True, on_change=changes.append)
    [change] = changes
    assert tally.changed == 1
    assert ("title", "篡改的标题", original_title) in change.differences
    assert (f"tables.{table}.{row}.{column}", 999_999, value) in change.differences
    with imported.session() as session:
        assert session.get(Report, report.id).record == tampered

    assert reparse(imported, archive, Selection(), force=True).changed == 1
    assert_consistent(imported, archive)


def test_missing_bytes_fail_the_document_and_keep_its_report(
        imported: Database, archive: Archive, seeds: list[Path]) -> None:
    with imported.session() as session:
        document = session.scalars(select(Document).order_by(Document.id)).first()
    archive.path_for(document.sha256).unlink()
    before = stored_reports(imported)
    problems: list[str] = []
    tally = reparse(imported, archive, Selection(), force=True, on_problem=problems.append)
    assert (tally.failed, tally.unchanged) == (1, len(seeds) - 1)
    assert problems == [f"{document.path}: {document.sha256}: not in the archive at {archive.root}"]
    assert stored_reports(imported) == before


# --- separate processes ---------------------------------------------------------------------------------------

#: Work left after the test sees the first batches committed, so the kill lands mid-run.
KILL_MARGIN_SECONDS = 1.5


def documents_for_kill_margin(seeds: list[Path]) -> int:
    """As many documents as the parser needs ``KILL_MARGIN_SECONDS`` for, measured, plus the first batches.

    The parser's speed changes as it is written; a fixed count would either be slow or finish
    before the kill.
    """
    started = time.perf_counter()
    for path in seeds:
        parse_bytes(path.read_bytes())
    per_document = (time.perf_counter() - started) / len(seeds)
    return 10 + math.ceil(KILL_MARGIN_SECONDS / per_document)


def reparse_process(db_url: str, archive: Archive, *options: str) -> subprocess.Popen:
    return subprocess.Popen([*COLLECTOR, "reparse", "--all", "--db", db_url, "--archive", str(archive.root), *options],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_killed_run_leaves_a_consistent_database_and_the_next_run_completes(
        db: Database, db_url: str, archive: Archive, seeds: list[Path]) -> None:
    total = documents_for_kill_margin(seeds)
    add_unparsed_documents(db, archive, seed_variants(seeds, total))
    run = reparse_process(db_url, archive, "--batch-size", "5")
    wait_until(lambda: report_count(db) >= 10 or run.poll() is not None, timeout=120,
               what="the first batches of the reparse to be committed")
    run.kill()
    run.communicate()
    done = report_count(db)
    assert 10 <= done < total, "the run finished before it could be killed: raise KILL_MARGIN_SECONDS"
    assert_consistent(db, archive, parse_every=10)

    rerun = reparse_process(db_url, archive)
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    assert f"{total - done} new, 0 changed, 0 unchanged, 0 failed" in stdout
    assert f"; {done} already up to date" in stdout
    assert report_count(db) == total
    assert_consistent(db, archive, parse_every=20)


def test_two_overlapping_runs_store_each_report_once(
        db: Database, db_url: str, archive: Archive, seeds: list[Path]) -> None:
    count = 40
    add_unparsed_documents(db, archive, seed_variants(seeds, count))
    runs = [reparse_process(db_url, archive, "--force", "--batch-size", "4") for _ in range(2)]
    for run in runs:
        stdout, stderr = run.communicate(timeout=300)
        assert run.returncode == 0, stderr
        assert " 0 failed" in stdout
    assert report_count(db) == count
    assert_consistent(db, archive, parse_every=8)
