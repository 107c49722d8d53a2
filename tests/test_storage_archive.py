"""The content-addressed archive: bytes in, same bytes out, stored once, damage detected."""

from __future__ import annotations

import gzip
import hashlib
import os
import stat
from pathlib import Path

import pytest

from storage.archive import Archive
from storage.errors import ArchiveError

REPORT = "政府信息公开工作年度报告\n一、总体情况\n".encode() * 200


def test_put_returns_sha256_and_get_returns_the_same_bytes(archive: Archive) -> None:
    digest = archive.put(REPORT)
    assert digest == hashlib.sha256(REPORT).hexdigest()
    assert archive.get(digest) == REPORT


def test_files_are_gzip_named_by_sha256_and_compressed(archive: Archive) -> None:
    digest = archive.put(REPORT)
    path = archive.path_for(digest)
    assert path == archive.root / digest[:2] / f"{digest}.gz"
    assert gzip.decompress(path.read_bytes()) == REPORT
    assert path.stat().st_size < len(REPORT) / 4


def test_same_bytes_are_stored_once(archive: Archive) -> None:
    first = archive.put(REPORT)
    mtime = archive.path_for(first).stat().st_mtime_ns
    assert archive.put(REPORT) == first
    assert archive.path_for(first).stat().st_mtime_ns == mtime
    assert [path.name for path in archive.root.rglob("*") if path.is_file()] == [f"{first}.gz"]


def test_empty_bytes_are_archived_too(archive: Archive) -> None:
    assert archive.get(archive.put(b"")) == b""


def test_missing_bytes_raise_archive_error(archive: Archive) -> None:
    with pytest.raises(ArchiveError, match="not in the archive"):
        archive.get("0" * 64)


def test_damaged_file_raises_archive_error(archive: Archive) -> None:
    digest = archive.put(REPORT)
    archive.path_for(digest).write_bytes(b"\x1f\x8b garbage")
    with pytest.raises(ArchiveError, match="damaged"):
        archive.get(digest)


def test_file_holding_other_bytes_raises_archive_error(archive: Archive) -> None:
    digest = archive.put(REPORT)
    archive.path_for(digest).write_bytes(gzip.compress(b"something else"))
    with pytest.raises(ArchiveError, match="does not hold these bytes"):
        archive.get(digest)


def test_a_failed_write_leaves_no_file_behind(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("storage.archive.os.replace", refuse)
    with pytest.raises(OSError):
        archive.put(REPORT)
    assert [path for path in archive.root.rglob("*") if path.is_file()] == []


def test_a_batch_keeps_its_order_and_stores_repeated_bytes_once(archive: Archive) -> None:
    blobs = [REPORT, b"second", REPORT, b""]
    digests = archive.put_many(blobs)
    assert digests == [hashlib.sha256(blob).hexdigest() for blob in blobs]
    assert [archive.get(digest) for digest in digests] == blobs
    assert sorted(path.name for path in archive.root.rglob("*") if path.is_file()) == \
        sorted(f"{digest}.gz" for digest in set(digests))


def test_a_batch_failing_halfway_keeps_what_it_completed_and_no_temporary_file(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    real_replace, calls = os.replace, []

    def second_fails(source, target):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr("storage.archive.os.replace", second_fails)
    with pytest.raises(OSError):
        archive.put_many([REPORT, b"second", b"third"])
    files = [path for path in archive.root.rglob("*") if path.is_file()]
    assert [path.name for path in files] == [Path(calls[0]).name]
    assert gzip.decompress(files[0].read_bytes()) in (REPORT, b"second", b"third")


def test_root_defaults_to_environment_then_var_archive(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.delenv("COLLECTOR_ARCHIVE", raising=False)
    assert str(Archive().root) == "var/archive"
    monkeypatch.setenv("COLLECTOR_ARCHIVE", str(tmp_path))
    assert Archive().root == tmp_path
    assert Archive(tmp_path / "x").root == tmp_path / "x"


def _record_flushes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Spy on the archive's renames and disk flushes, in order: ``rename``, ``syncfs``, ``fsync file`` or
    ``fsync directory``."""
    events: list[str] = []
    real_replace, real_fsync = os.replace, os.fsync

    def replace(source, target):
        events.append("rename")
        real_replace(source, target)

    def fsync(descriptor):
        events.append("fsync directory" if stat.S_ISDIR(os.fstat(descriptor).st_mode) else "fsync file")
        real_fsync(descriptor)

    monkeypatch.setattr("storage.archive.os.replace", replace)
    monkeypatch.setattr("storage.archive.os.fsync", fsync)
    return events


def test_a_batch_is_flushed_before_its_renames_and_the_renames_before_it_returns(
        archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    events = _record_flushes(monkeypatch)
    monkeypatch.setattr("storage.archive._syncfs", lambda descriptor: events.append("syncfs"))
    monkeypatch.setattr("storage.archive._SYNCFS", object())  # as where the C library has syncfs
    archive.put_many([REPORT, b"second"])
    assert events == ["syncfs", "rename", "rename", "syncfs"]
    events.clear()
    archive.put_many([REPORT, b"second"])  # nothing new: nothing to write or flush
    assert events == []


def test_without_syncfs_each_file_and_each_directory_is_flushed(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    events = _record_flushes(monkeypatch)
    monkeypatch.setattr("storage.archive._SYNCFS", None)
    digests = archive.put_many([REPORT, b"second"])
    directories = {digest[:2] for digest in digests}
    assert events == ["fsync file"] * 2 + ["rename"] * 2 + ["fsync directory"] * len(directories)
    assert [archive.get(digest) for digest in digests] == [REPORT, b"second"]


def test_a_failed_flush_leaves_no_file_behind(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(descriptor):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr("storage.archive._syncfs", fail)
    monkeypatch.setattr("storage.archive._SYNCFS", object())
    with pytest.raises(OSError, match="Input/output"):
        archive.put_many([REPORT, b"second"])
    assert [path for path in archive.root.rglob("*") if path.is_file()] == []
