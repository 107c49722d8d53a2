"""The content-addressed archive: every fetched or imported file's bytes, gzip-compressed, named by sha256.

Bytes are written here before any database row refers to them and before any parsing, so a parser
that fails (or changes) never costs us the original. The same bytes are stored once however often
they are fetched. Files are gzip so that ``zcat`` can read them without this code.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import zlib
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
        """Store ``data`` (once) and return its sha256; returns only when the bytes are on disk.

        The file is written under a temporary name, flushed to disk and renamed, so a crash or a
        concurrent writer never leaves a partial file under the final name.
        """
        digest = sha256_hex(data)
        final = self.path_for(digest)
        if final.exists():
            return digest
        final.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=final.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(gzip.compress(data, compresslevel=_COMPRESS_LEVEL, mtime=0))
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return digest

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
