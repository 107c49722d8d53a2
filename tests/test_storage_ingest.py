"""``collector import`` as a library call: bytes first, then rows, then the parse; failures keep the bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from collector.errors import CollectorError
from collector.ingest import collect_files, import_files
from collector.reparse import Selection, reparse
from parsers import PARSER_VERSION, UnreadableDocument, parse_bytes
from storage.archive import Archive
from storage.db import Database
from storage.models import CrawlRun, Document, Report
from storage_checks import SEED_AGENCIES, assert_consistent, import_seeds


def documents(db: Database) -> list[Document]:
    with db.session() as session:
        return list(session.scalars(select(Document).order_by(Document.id)))


def test_import_archives_records_and_parses_every_seed(db: Database, archive: Archive, seeds: list[Path]) -> None:
    import_seeds(db, archive, seeds)
    stored = documents(db)
    assert [document.path for document in stored] == [str(path) for path in seeds]
    for document, path in zip(stored, seeds, strict=True):
        assert archive.get(document.sha256) == path.read_bytes()
        assert (document.size, document.media_type, document.url) == (path.stat().st_size, "text/plain", None)
        assert document.agency_id == SEED_AGENCIES.get(path.name[:3])
    assert_consistent(db, archive)
    with db.session() as session:
        runs = list(session.scalars(select(CrawlRun)))
    assert {(run.kind, run.status, run.stats["archived"]) for run in runs} == {("import", "finished", 1)}


def test_import_of_a_directory_walks_it_and_skips_hidden_entries(tmp_path: Path, seeds: list[Path]) -> None:
    (tmp_path / "2021" / "henan").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "2021" / "henan" / "a.txt").write_bytes(seeds[0].read_bytes())
    (tmp_path / "b.html").write_bytes(seeds[1].read_bytes())
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / ".git" / "config").write_text("x")
    assert collect_files([tmp_path, seeds[2]]) == [tmp_path / "2021" / "henan" / "a.txt", tmp_path / "b.html", seeds[2]]


def test_import_of_a_missing_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CollectorError, match="no such file or directory"):
        collect_files([tmp_path / "nope"])


def test_importing_again_changes_nothing(db: Database, archive: Archive, seeds: list[Path]) -> None:
    first = import_files(db, archive, seeds)
    again = import_files(db, archive, [*seeds, seeds[0]])
    assert (first.archived, first.already_present, first.parsed.new) == (len(seeds), 0, len(seeds))
    assert (again.archived, again.already_present, again.parsed.new) == (0, len(seeds) + 1, 0)
    assert len(documents(db)) == len(seeds)


def test_url_is_kept_and_given_to_the_parser(db: Database, archive: Archive, seeds: list[Path]) -> None:
    url = "http://zjj.xinxiang.gov.cn/zwgk/zfxxgk/zfxxgknb/202201/t20220120_1.html"
    import_files(db, archive, [seeds[0]], url=url)
    [document] = documents(db)
    assert document.url == url
    with db.session() as session:
        assert session.scalar(select(Report.record))["source"]["url"] == url


def test_url_names_a_single_file(db: Database, archive: Archive, seeds: list[Path]) -> None:
    with pytest.raises(CollectorError, match="--url names one document, but 2 files were given"):
        import_files(db, archive, seeds[:2], url="http://x.gov.cn/a.html")


def test_unknown_agency_is_refused_before_anything_is_stored(db: Database, archive: Archive, seeds: list[Path]) -> None:
    with pytest.raises(CollectorError, match="unknown agency 'nowhere-zjj'"):
        import_files(db, archive, seeds, agency_id="nowhere-zjj")
    assert documents(db) == []
    assert not archive.root.exists()


def test_unreadable_file_keeps_its_document_and_bytes(db: Database, archive: Archive, tmp_path: Path) -> None:
    empty, garbage = tmp_path / "empty.html", tmp_path / "damaged.html"
    empty.write_bytes(b"")
    garbage.write_bytes(bytes(range(8)) * 64)
    for path in (empty, garbage):  # the parser's contract: no readable text raises
        with pytest.raises(UnreadableDocument):
            parse_bytes(path.read_bytes())
    problems: list[str] = []
    result = import_files(db, archive, [empty, garbage], on_problem=problems.append)
    assert (result.archived, result.parsed.failed) == (2, 2)
    assert [problem.split(":")[0] for problem in problems] == [str(empty), str(garbage)]
    stored = documents(db)
    assert [archive.get(document.sha256) for document in stored] == [b"", garbage.read_bytes()]
    with db.session() as session:
        reports = list(session.scalars(select(Report).order_by(Report.document_id)))
    assert [(report.record, report.parser_version) for report in reports] == [(None, PARSER_VERSION)] * 2
    assert all(report.error for report in reports)
    assert_consistent(db, archive)


def test_parser_crash_keeps_the_bytes_and_a_fixed_parser_stores_the_record(
        db: Database, archive: Archive, seeds: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args, **kwargs):
        raise RuntimeError("table grid out of range")

    monkeypatch.setattr("collector.reparse.parse_bytes", crash)
    result = import_files(db, archive, [seeds[0]])
    assert result.parsed.failed == 1
    with db.session() as session:
        assert session.scalar(select(Report.error)) == "parser crashed: RuntimeError: table grid out of range"
    monkeypatch.undo()
    assert reparse(db, archive, Selection(), force=True).changed == 1
    assert_consistent(db, archive)


@pytest.mark.parametrize(("breakage", "error"), [
    ({"year": "2021年"}, "malformed record: year is '2021年', not int"),
    ({"published_at": "2022年1月"}, "malformed record: published_at is '2022年1月', not YYYY-MM-DD"),
    ({"findings": [{"code": "x"}]},
     "malformed record: finding {'code': 'x'} lacks one of code, severity, where, message"),
])
def test_a_record_breaking_the_spec_fails_its_document_only(
        db: Database, archive: Archive, seeds: list[Path], monkeypatch: pytest.MonkeyPatch,
        breakage: dict, error: str) -> None:
    def broken(data: bytes, **context) -> dict:
        record = parse_bytes(data, **context)
        return {**record, **breakage} if data == seeds[0].read_bytes() else record

    monkeypatch.setattr("collector.reparse.parse_bytes", broken)
    result = import_files(db, archive, seeds[:2])
    assert (result.parsed.new, result.parsed.failed) == (1, 1)
    with db.session() as session:
        assert session.scalars(select(Report.error).order_by(Report.document_id)).all() == [error, None]


def test_no_document_row_exists_without_its_bytes(
        db: Database, archive: Archive, seeds: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    real_put, calls = Archive.put, []

    def put_then_fail(self: Archive, data: bytes) -> str:
        calls.append(data)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real_put(self, data)

    monkeypatch.setattr(Archive, "put", put_then_fail)
    with pytest.raises(OSError):
        import_files(db, archive, seeds)
    for document in documents(db):
        assert archive.get(document.sha256)
    for data in calls[:2]:
        assert archive.get(Archive(archive.root).put(data)) == data
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0
        assert session.scalar(select(CrawlRun.status)) == "failed"
