"""Run one step's command in a child process: a time limit, its output in a log file, stoppable on request.

Crawls run in a child process because the Twisted reactor cannot be started twice in one process
(toolchain.md §4); the child also bounds the crawl's memory and crash domain. It runs in a session
of its own, so a Ctrl-C in the service's terminal reaches only the service, which then stops the
child the polite way: SIGTERM (Scrapy finishes what is in flight and records the run as
interrupted), and SIGKILL only if it is still there after a grace period.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

#: Lines of the child's output kept with the run (the whole output stays in the log file).
TAIL_LINES = 40
_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class CommandResult:
    exit_code: int  # negative: ended by that signal
    timed_out: bool
    stopped: bool  # the service asked it to stop (SIGTERM to the service)
    duration_s: float
    log_path: Path
    log_tail: list[str]

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and not self.stopped


def log_tail(path: Path, lines: int = TAIL_LINES) -> list[str]:
    """The last ``lines`` lines of a log file (decoded leniently: a crawl log may hold any bytes)."""
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - _TAIL_BYTES))
        text = handle.read().decode("utf-8", "replace")
    return [line.rstrip() for line in text.splitlines()[-lines:]]


def _signal(child: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(child.pid, signum)
    except ProcessLookupError:
        pass


def run_command(argv: Sequence[str], *, env: Mapping[str, str], time_limit: timedelta, log_path: Path,
                stop: threading.Event, on_tick: Callable[[], None] | None = None, tick: float = 1.0,
                grace: timedelta = timedelta(seconds=60)) -> CommandResult:
    """Run ``argv`` to its end, its time limit or ``stop``; ``on_tick`` is called about every ``tick`` seconds."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    deadline = started + time_limit.total_seconds()
    terminated_at: float | None = None
    timed_out = stopped = False
    with log_path.open("wb") as log:
        child = subprocess.Popen(list(argv), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                 env=dict(env), start_new_session=True)
        try:
            while True:
                try:
                    exit_code = child.wait(timeout=tick)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if on_tick is not None:
                    on_tick()
                now = time.monotonic()
                if terminated_at is None and (stop.is_set() or now >= deadline):
                    stopped, timed_out = stop.is_set(), not stop.is_set()
                    _signal(child, signal.SIGTERM)
                    terminated_at = now
                elif terminated_at is not None and now - terminated_at >= grace.total_seconds():
                    _signal(child, signal.SIGKILL)
        except BaseException:  # never leave a crawl running behind a failed watcher
            _signal(child, signal.SIGKILL)
            child.wait()
            raise
    return CommandResult(exit_code, timed_out, stopped, round(time.monotonic() - started, 3), log_path,
                         log_tail(log_path))
