"""``collector parse``: JSON and summary output, several files, unreadable files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from collector.cli import app

SEEDS = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))
runner = CliRunner()


def test_json_for_one_file_is_the_record():
    result = runner.invoke(app, ["parse", str(SEEDS[0]), "--json"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["agency"] == "新乡市住房和城乡建设局"
    assert record["source"]["path"] == str(SEEDS[0])
    assert len(record["source"]["sha256"]) == 64


def test_json_for_several_files_is_a_list():
    result = runner.invoke(app, ["parse", *map(str, SEEDS), "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [record["source"]["path"] for record in records] == list(map(str, SEEDS))


def test_an_unreadable_file_fails_the_call_but_not_the_others(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["parse", str(empty), str(SEEDS[1]), "--json"])
    assert result.exit_code == 1
    assert f"{empty}: error: empty file" in result.stderr
    assert [record["year"] for record in json.loads(result.stdout)] == [2021]


def test_missing_file_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["parse", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1
    assert "cannot read file" in result.stderr
    assert "Traceback" not in result.output


def test_summary_shows_identity_numbers_and_findings():
    result = runner.invoke(app, ["parse", str(SEEDS[2])])
    assert result.exit_code == 0, result.output
    assert "根河市住建局2020年政府信息公开工作年度报告" in result.stdout
    assert "cell_unreadable" in result.stdout


def test_context_fills_what_the_document_does_not_say():
    untitled = [path for path in SEEDS if path.name.startswith("004")][0]
    result = runner.invoke(app, ["parse", str(untitled), "--json", "--agency", "许昌市住房和城乡建设局", "--year", "2020"])
    record = json.loads(result.stdout)
    assert record["agency"] == "许昌市住房和城乡建设局"
    assert record["year"] == 2020
    assert "year_inferred" not in {finding["code"] for finding in record["findings"]}
