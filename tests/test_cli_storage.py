"""The storage commands end to end: import → reparse → export on the seed reports, on both databases."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from collector.cli import app
from storage.archive import Archive
from storage.db import open_database
from storage_checks import REGISTRY, SEED_AGENCIES, assert_consistent, expected_cells


def collector(*args: str, code: int = 0):
    result = CliRunner().invoke(app, [str(arg) for arg in args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result


def test_round_trip_import_reparse_export(db_url: str, tmp_path: Path, seeds: list[Path]) -> None:
    archive = ["--archive", tmp_path / "archive"]
    assert "schema at revision" in collector("db", "upgrade", "--db", db_url).stdout
    collector("agencies", "sync", "--file", REGISTRY, "--db", db_url)
    for path in seeds:
        agency = ["--agency", SEED_AGENCIES[path.name[:3]]] if path.name[:3] in SEED_AGENCIES else []
        imported = collector("import", path, *agency, "--db", db_url, *archive)
        assert "1 archived, 0 already present; parsed: 1 new, 0 changed, 0 unchanged, 0 failed" in imported.stdout

    again = collector("reparse", "--all", "--db", db_url, *archive)
    assert "0 new, 0 changed, 0 unchanged, 0 failed (parser " in again.stdout
    assert f"; {len(seeds)} already up to date" in again.stdout
    forced = collector("reparse", "--all", "--force", "--db", db_url, *archive)
    assert f"0 new, 0 changed, {len(seeds)} unchanged, 0 failed" in forced.stdout

    database = open_database(db_url)
    try:
        assert_consistent(database, Archive(tmp_path / "archive"))
        expected = expected_cells(database, Archive(tmp_path / "archive"))
    finally:
        database.close()

    rows = list(csv.DictReader(io.StringIO(collector("reports", "--format", "csv", "--db", db_url).stdout)))
    assert {(int(row["document_id"]), row["table"], row["row"], row["column"], row["value"]) for row in rows} == {
        (document_id, table, row, column, "" if value is None else str(value))
        for document_id, table, row, column, value in expected}
    assert {row["agency_id"] for row in rows} <= set(SEED_AGENCIES.values())

    long_json = json.loads(collector("reports", "--format", "json", "--db", db_url).stdout)
    assert {(row["document_id"], row["table"], row["row"], row["column"], row["value"])
            for row in long_json} == expected
    wide_json = json.loads(collector("reports", "--format", "json", "--wide", "--db", db_url).stdout)
    assert len(wide_json) == len(seeds)

    collector("reports", "--format", "xlsx", "--wide", "--output", tmp_path / "wide.xlsx", "--db", db_url)
    assert load_workbook(tmp_path / "wide.xlsx").active.max_row == len(seeds) + 1

    table = collector("reports", "--agency", "xinxiang-zjj", "--db", db_url).stdout
    assert "xinxiang-zjj" in table and "huixian-gov" not in table


def test_import_of_an_unreadable_file_keeps_it_and_exits_1(db_url: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = collector("import", empty, "--db", db_url, "--archive", tmp_path / "archive", code=1)
    assert f"failed: {empty}: " in result.stderr
    assert "1 archived" in result.stdout and "1 failed" in result.stdout
    assert Archive(tmp_path / "archive").get("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") == b""


def test_reparse_dry_run_prints_and_writes_nothing(db_url: str, tmp_path: Path, seeds: list[Path]) -> None:
    archive = ["--archive", tmp_path / "archive"]
    collector("import", seeds[0], "--db", db_url, *archive)
    result = collector("reparse", "--all", "--force", "--dry-run", "--db", db_url, *archive)
    assert result.stdout.startswith("dry run, nothing written: would store 0 new, 0 changed, 1 unchanged")


def test_agencies_sync_reports_every_problem_in_one_line_each(db_url: str, tmp_path: Path) -> None:
    registry = tmp_path / "agencies.yaml"
    registry.write_text("agencies:\n  - id: a-gov\n    name: 甲\n    kind: government\n    level: province\n"
                        "    region: '99'\n    portal: ftp://a.gov.cn/\n", encoding="utf-8")
    result = collector("agencies", "sync", "--file", registry, "--db", db_url, code=1)
    assert result.stderr.splitlines() == [
        f"error: {registry}:6: a-gov: region: '99' is not a GB/T 2260 code (six digits, e.g. \"410700\")",
        f"error: {registry}:7: a-gov: portal: 'ftp://a.gov.cn/' is not an http(s) URL with a host",
        "2 problem(s) in the agency registry: nothing was synced",
    ]
    assert "0 agencies" in collector("agencies", "list", "--db", db_url).stdout


def test_agencies_list_by_region(db_url: str) -> None:
    collector("agencies", "sync", "--file", REGISTRY, "--db", db_url)
    listed = collector("agencies", "list", "--region", "410700", "--db", db_url).stdout
    assert "xinxiang-zjj" in listed and "huixian-gov" in listed and "3 agencies" in listed
    assert "beijing-gov" not in listed


@pytest.mark.parametrize(("args", "message"), [
    (["reparse"], "error: say which documents: --all, or any of --agency, --year, --since"),
    (["reparse", "--all", "--year", "2021"], "error: --all cannot be combined with --agency, --year or --since"),
    (["reports", "--format", "xlsx"], "error: --format xlsx needs --output FILE"),
    (["import", "/nonexistent/report.html"], "error: /nonexistent/report.html: no such file or directory"),
    (["import", "--agency", "nowhere-gov", __file__], "error: unknown agency 'nowhere-gov'"),
    (["agencies", "list", "--region", "4107"], "error: --region: '4107' is not a GB/T 2260 code"),
    (["agencies", "sync", "--file", "/nonexistent.yaml"], "error: /nonexistent.yaml: cannot read the agency registry"),
])
def test_bad_input_is_one_line(db_url: str, tmp_path: Path, args: list[str], message: str) -> None:
    result = collector(*args, "--db", db_url, code=1)
    assert result.stderr.startswith(message)
    assert len(result.stderr.splitlines()) == 1


def test_unreachable_database_is_one_line() -> None:
    result = collector("db", "upgrade", "--db", "postgresql://nobody@127.0.0.1:9/x", code=1)
    assert result.stderr.startswith("error: cannot open postgresql+psycopg://nobody@127.0.0.1:9/x: ")
    assert len(result.stderr.splitlines()) == 1


def test_database_url_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COLLECTOR_DB_URL", f"sqlite:///{tmp_path / 'env.db'}")
    collector("db", "upgrade")
    assert (tmp_path / "env.db").is_file()
