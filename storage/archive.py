"""The content-addressed archive: every fetched or imported file's bytes, gzip-compressed, named by sha256.

Bytes are written here before any database row refers to them and before any parsing, so a parser
that fails (or changes) never costs us the original. The same bytes are stored once however often
they are fetched. Files are gzip so that ``zcat`` can read them without this code.
"""

from __future__ import annotations

import contextlib
import ctypes
import gzip
import hashlib
import os
import zlib
from collections.abc import Callable
from pathlib import Path

from storage.errors import ArchiveError

ENV_VAR = "COLLECTOR_ARCHIVE"
DEFAULT_ROOT = Path("var/archive")

#: zlib level 6 compresses report HTML/text about 4× at a fraction of the cost of level 9.
_COMPRESS_LEVEL = 6


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Archive:
    """A directory of ``ab/abcdef….gz`` files (two-character fan-out keeps directories small)."""

    def __init__(self, root: str | os.PathLike[str] | None = None) -> None:
        self.root = Path(root or os.environ.get(ENV_VAR) or DEFAULT_ROOT)

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}.gz"

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its sha256; returns only when the bytes are on disk."""
        return self.put_many([data])[0]

    def put_many(self, blobs: list[bytes]) -> list[str]:
        """Store each of ``blobs`` (once) and return their sha256s; returns only when all are on disk.

        Each file is written under a temporary name, flushed to disk and renamed, so a crash or a
        concurrent writer never leaves a partial file under the final name; the renames are flushed
        too before this returns, so a database row written afterwards never names a file a crash
        could take back. A batch writes all its files first and flushes them together
        (:func:`_flush`): one file system sync instead of one journal commit per file.
        """
        digests = [sha256_hex(data) for data in blobs]
        opened: list[int] = []
        pending: dict[str, str] = {}  # final name -> temporary name, until renamed
        try:
            for digest, data in zip(digests, blobs, strict=True):
                final = self._final_name(digest)
                if final in pending or os.path.exists(final):
                    continue
                # a random name and one open, not mkstemp, whose name and path bookkeeping added a quarter
                # to the cost of creating the file
                pending[final] = temporary = os.path.join(os.path.dirname(final), f".incoming-{os.urandom(8).hex()}")
                descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                opened.append(descriptor)
                _write_all(descriptor, gzip.compress(data, compresslevel=_COMPRESS_LEVEL, mtime=0))
            if opened:  # something new: its bytes on disk, then its names
                _flush(opened)
                directories = {os.path.dirname(final) for final in pending}
                for final, temporary in list(pending.items()):
                    os.replace(temporary, final)
                    del pending[final]
                _flush_renames(opened[0], directories)
        finally:  # a failure leaves no temporary file behind (files already renamed are complete)
            for descriptor in opened:
                with contextlib.suppress(OSError):
                    os.close(descriptor)
            for temporary in pending.values():
                Path(temporary).unlink(missing_ok=True)
        return digests

    def _final_name(self, digest: str) -> str:
        """``path_for`` as a string (a batch asks for hundreds), its fan-out directory made if missing."""
        directory = os.path.join(self.root, digest[:2])
        os.makedirs(directory, exist_ok=True)
        return os.path.join(directory, f"{digest}.gz")

    def get(self, sha256: str) -> bytes:
        """The bytes stored under ``sha256``; raises :class:`ArchiveError` when missing or damaged."""
        path = self.path_for(sha256)
        try:
            data = gzip.decompress(path.read_bytes())
        except FileNotFoundError:
            raise ArchiveError(f"{sha256}: not in the archive at {self.root}") from None
        except (OSError, EOFError, zlib.error) as exc:
            raise ArchiveError(f"{sha256}: archive file {path} is damaged ({exc})") from None
        if sha256_hex(data) != sha256:
            raise ArchiveError(f"{sha256}: archive file {path} does not hold these bytes any more")
        return data


def _load_syncfs() -> Callable[[int], int] | None:
    """Linux's ``syncfs(2)`` (Python's ``os`` has no binding), or None where the C library lacks it."""
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError, TypeError):
        return None


_SYNCFS = _load_syncfs()


def _syncfs(descriptor: int) -> None:
    if _SYNCFS(descriptor) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"syncfs: {os.strerror(error)}")


def _flush(descriptors: list[int]) -> None:
    """Put the files' bytes on disk. One ``syncfs`` for the batch where there is one: every per-file
    ``fsync`` on ext4 commits the journal again (each file's blocks are only allocated when it is
    written out), and measured in a crawl, those commits' kernel work on the crawler's core cost it
    about 8 % of its pages per second. It also flushes whatever else is dirty on that file system."""
    if _SYNCFS is not None:
        _syncfs(descriptors[0])
    else:
        for descriptor in descriptors:
            os.fsync(descriptor)


def _flush_renames(descriptor: int, directories: set[str]) -> None:
    """Put the renames into the final names on disk: the directories' entries are what changed
    (``descriptor``: any file of the batch, naming the file system for ``syncfs``)."""
    if _SYNCFS is not None:
        _syncfs(descriptor)
        return
    for directory in directories:
        handle = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _write_all(descriptor: int, data: bytes) -> None:
    """``os.write`` until every byte is written (it may write fewer)."""
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view):]
