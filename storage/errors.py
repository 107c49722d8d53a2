"""The storage layer's exceptions, rooted in one class so callers can report them in one line."""


class StorageError(Exception):
    """A problem with the database or the archive; the message is one line meant for people."""


class DatabaseUnavailable(StorageError):
    """The database URL is malformed, or the server cannot be reached or upgraded."""


class ArchiveError(StorageError):
    """Bytes are missing from the archive, or what is there no longer matches its sha256 name."""
