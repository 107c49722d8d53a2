"""Structured logs: one event per line, ``key=value`` on stderr for people, JSON lines in a rotating file.

Every service message is an event name plus fields (``log("crawl.finished", run=12, exit=0)``);
APScheduler's own messages go through the same handlers, so one file tells the whole night.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

LOGGER = logging.getLogger("collector.service")
#: The file rotates at this size and keeps this many old files (collector.log.1 …).
MAX_BYTES = 10 * 1024 * 1024
BACKUPS = 5


def log(event: str, level: int = logging.INFO, **fields: Any) -> None:
    """Log ``event`` with ``fields`` (values must be JSON-serialisable or have a useful ``str``)."""
    LOGGER.log(level, event, extra={"fields": fields})


def _parts(record: logging.LogRecord) -> dict[str, Any]:
    parts = {"time": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
             "level": record.levelname.lower(), "logger": record.name, "event": record.getMessage(),
             **getattr(record, "fields", {})}
    if record.exc_info:
        parts["error"] = logging.Formatter().formatException(record.exc_info)
    return parts


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_parts(record), ensure_ascii=False, default=str)


class KeyValue(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        parts = _parts(record)
        head = f"{parts.pop('time')} {parts.pop('level'):<7} {parts.pop('event')}"
        parts.pop("logger")
        error = parts.pop("error", None)
        line = " ".join([head, *(f"{key}={_quoted(value)}" for key, value in parts.items())])
        return f"{line}\n{error}" if error else line


def _quoted(value: Any) -> str:
    """Strings bare when they can be, else JSON-quoted; other values as compact JSON."""
    if not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False) if not value or any(c in value for c in ' "=\n') else value


def setup_logging(log_file: Path, level: int = logging.INFO) -> None:
    """Send every log record to stderr and ``log_file``; calling it again replaces the handlers it added."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "collector_service", False)]:
        root.removeHandler(handler)
        handler.close()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setFormatter(KeyValue())
    rotating = RotatingFileHandler(log_file, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    rotating.setFormatter(JsonLines())
    for handler in (stderr, rotating):
        handler.collector_service = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)  # "Context impl SQLiteImpl" on every database open
