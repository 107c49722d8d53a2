"""``collector serve``, ``collector events``, ``collector schedule list|run-now`` and ``collector demo``."""

from __future__ import annotations

import json
import signal
from datetime import datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from collector.commands.common import DbOption, one_line_errors, open_db, out
from collector.service.config import load_config
from collector.service.events import KINDS, describe
from collector.service.jobs import CRAWL, FAILED, OK, REPARSE, SKIPPED, STOPPED, JobReport, Pipeline
from collector.service.lock import NAME as LOCK_NAME
from collector.service.logs import setup_logging
from collector.service.notify import as_json, one_line
from collector.service.scheduler import scheduled_jobs, serve
from storage.events import list_events
from storage.locks import lock_state
from storage.runs import last_run_id

ConfigOption = Annotated[Path | None, typer.Option(
    "--config", metavar="PATH", show_default=False,
    help="Service configuration (default: config/service.yaml if it exists, else the built-in defaults).")]

#: ``schedule run-now`` when another process holds the pipeline lock (sysexits' EX_TEMPFAIL: try again later).
EXIT_BUSY = 75
_EXIT = {OK: 0, FAILED: 1, SKIPPED: EXIT_BUSY, STOPPED: 130}


class Job(StrEnum):
    crawl = CRAWL
    reparse = REPARSE


@one_line_errors
def serve_command(config_path: ConfigOption = None) -> None:
    """Run the nightly crawl, compliance snapshot and notifications on schedule, in the foreground."""
    config = load_config(config_path)
    setup_logging(config.log_file)
    with open_db(config.database) as database:
        serve(config, database)


@one_line_errors
def events_command(
    since: Annotated[datetime | None, typer.Option(
        "--since", metavar="DATE", formats=["%Y-%m-%d"], help="Only events on or after DATE.")] = None,
    kind: Annotated[list[str] | None, typer.Option(
        "--kind", metavar="KIND", help=f"Only this kind (repeatable): {', '.join(KINDS)}.")] = None,
    as_json_list: Annotated[bool, typer.Option(
        "--json", help="Print a JSON list (the webhook's event format).")] = False,
    config_path: ConfigOption = None,
    db: DbOption = None,
) -> None:
    """The changes the snapshots recorded, oldest first: reports that appeared, agencies late or missing, …"""
    config = load_config(config_path)
    start = datetime.combine(since.date(), time.min, tzinfo=config.timezone) if since else None
    with open_db(db or config.database) as database:
        events = list_events(database, since=start, kinds=kind or ())
    if as_json_list:
        out.print_json(json.dumps([as_json(event) for event in events], ensure_ascii=False))
        return
    table = Table("when", "event", "agency", "year", "what", title=f"{len(events)} events")
    for event in events:
        table.add_row(f"{event.occurred_at.astimezone(config.timezone):%Y-%m-%d %H:%M}", event.kind,
                      Text(f"{event.agency} ({event.agency_id})"), "" if event.year is None else str(event.year),
                      Text(describe(event.kind, event.detail)))
    out.print(table)


schedule_app = typer.Typer(help="The service's scheduled jobs.", no_args_is_help=True)


@schedule_app.command("list")
@one_line_errors
def schedule_list(config_path: ConfigOption = None) -> None:
    """Each job's schedule and next run, who holds the pipeline lock, and the last crawl run."""
    config = load_config(config_path)
    now = datetime.now(config.timezone)
    with open_db(config.database) as database:
        jobs = scheduled_jobs(config, database, now)
        held = lock_state(database, LOCK_NAME)
        last_run = last_run_id(database)
    table = Table("job", "schedule", "next run", "note", title=f"schedule ({config.timezone})")
    for job in jobs:
        note = ("not stored yet: the service has not run with this job" if not job.stored
                else "no longer configured: removed when the service starts" if not job.configured
                else "missed: runs once when the service starts" if job.next_run and job.next_run < now else "")
        table.add_row(job.id, job.schedule,
                      f"{job.next_run.astimezone(config.timezone):%Y-%m-%d %H:%M}" if job.next_run else "—", note)
    out.print(table)
    out.print(f"pipeline lock: held by {held.holder} since {held.acquired_at:%Y-%m-%d %H:%M:%S} UTC, expires "
              f"{held.expires_at:%H:%M:%S} UTC" if held else "pipeline lock: free")
    out.print(f"last crawl run: {last_run}" if last_run else "no crawl has run yet")


@schedule_app.command("run-now")
@one_line_errors
def schedule_run_now(
    job: Annotated[Job, typer.Argument(help="crawl: crawl → snapshot → notify; reparse: full reparse → snapshot → "
                                            "notify.")],
    config_path: ConfigOption = None,
) -> None:
    """Run a job now in this process, under the same lock as the service (exit 75 if another process holds it)."""
    config = load_config(config_path)
    setup_logging(config.log_file)
    with open_db(config.database) as database:
        pipeline = Pipeline(config, database)
        previous = {signum: signal.signal(signum, lambda *_: pipeline.stop.set())
                    for signum in (signal.SIGTERM, signal.SIGINT)}
        try:
            report = pipeline.run(job.value, datetime.now(config.timezone))
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    _print_report(report)
    raise typer.Exit(_EXIT[report.status])


def _print_report(report: JobReport) -> None:
    run = f" (crawl run {report.crawl_run_id})" if report.crawl_run_id else ""
    out.print(Text(f"{report.job}: {report.status}{run}: {report.message}; {len(report.events)} new events"))
    for event in report.events:
        out.print(Text(f"  {event.kind}: {one_line(event)}"))


@one_line_errors
def demo_command(
    agencies: Annotated[int, typer.Option("--agencies", min=1, help="Agencies in the sample farm.")] = 40,
    seed: Annotated[str, typer.Option("--seed", help="The farm's seed.")] = "7",
    var: Annotated[Path, typer.Option("--dir", metavar="DIR", help="Where the database and reports go.")] = Path("var"),
) -> None:
    """The whole job on a sample portal farm: crawl, judge, print the summary, write the HTML and Excel reports."""
    from collector.demo import run_demo  # imports the sample farm: only the demo pays for it

    run_demo(out, var, agencies, seed)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
    app.command("events")(events_command)
    app.add_typer(schedule_app, name="schedule")
    app.command("demo")(demo_command)
