"""The steps that run as child processes: the crawl (``collector crawl``) and the full reparse.

The children get the database URL and archive through the environment, never on the command line
(where ``ps`` would show a password). The crawl creates its own run row; this module finds it
afterwards and adds what only the parent knows: the exit, the time limit, the agencies' outcome
counts and the tail of the log.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from collector.service.command import CommandResult, run_command
from collector.service.config import ServiceConfig
from storage.db import Database
from storage.runs import annotate_run, first_crawl_after, last_run_id, outcome_counts

#: ``python -m collector.cli``: this installation's ``collector`` command, whatever the PATH says.
COLLECTOR = (sys.executable, "-m", "collector.cli")


@dataclass(frozen=True)
class CrawlStep:
    run_id: int
    result: CommandResult
    outcomes: dict[str, int]


def child_environment(database: Database, config: ServiceConfig) -> dict[str, str]:
    """The service's environment plus where the database and archive are, and a wide console for tables."""
    environment = {**os.environ, "COLLECTOR_DB_URL": database.engine.url.render_as_string(hide_password=False),
                   "COLUMNS": "160"}
    if config.archive is not None:
        environment["COLLECTOR_ARCHIVE"] = str(config.archive)
    return environment


def crawl_command(config: ServiceConfig, years: str) -> list[str]:
    argv = [*(config.crawl.command or (*COLLECTOR, "crawl")), "--agencies", str(config.registry), "--years", years]
    for name, value in config.crawl.settings.items():
        argv += ["-s", f"{name}={value}"]
    if config.crawl.nodes:  # the crawl runs as shards on Scrapyd nodes; this child is their controller
        argv += ["--nodes", ",".join(config.crawl.nodes), "--node-slots", str(config.crawl.node_slots)]
        if config.crawl.shards:
            argv += ["--shards", str(config.crawl.shards)]
    return argv


def crawl(database: Database, config: ServiceConfig, *, years: str, stop: threading.Event,
          on_progress: Callable[[int | None, int], None] | None = None) -> CrawlStep:
    """Run one crawl to its end, its time limit or ``stop``, and record the outcome on its run.

    ``on_progress(run_id, agencies_done)`` is called about once a second while the crawl runs.
    """
    before = last_run_id(database)
    started_at = datetime.now(UTC)

    def report_progress() -> None:
        run_id = first_crawl_after(database, before)
        on_progress(run_id, sum(outcome_counts(database, run_id).values()) if run_id else 0)

    argv = crawl_command(config, years)
    result = run_command(argv, env=child_environment(database, config), time_limit=config.crawl.time_limit,
                         log_path=config.log_file.parent / "crawl.log", stop=stop,
                         on_tick=report_progress if on_progress else None)
    run_id = first_crawl_after(database, before)
    outcomes = dict(outcome_counts(database, run_id)) if run_id else {}
    notes = {"command": argv, "exit_code": result.exit_code, "timed_out": result.timed_out, "stopped": result.stopped,
             "duration_s": result.duration_s, "outcomes": outcomes, "log": str(result.log_path),
             "log_tail": result.log_tail}
    run_id = annotate_run(database, run_id, succeeded=result.ok, started_at=started_at,
                          finished_at=datetime.now(UTC), notes=notes)
    return CrawlStep(run_id, result, outcomes)


def reparse(database: Database, config: ServiceConfig, *, stop: threading.Event) -> CommandResult:
    """Parse every archived document again with the current parser (``collector reparse --all --force``)."""
    argv = [*COLLECTOR, "reparse", "--all", "--force"]
    return run_command(argv, env=child_environment(database, config), time_limit=config.reparse.time_limit,
                       log_path=config.log_file.parent / "reparse.log", stop=stop)
