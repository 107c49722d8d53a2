"""``collector crawl``: run the ``portal`` spider over the registry, then print each agency's outcome.

The crawl runs in this process with Scrapy's ``CrawlerProcess``, once: the Twisted reactor cannot be
started twice, so a scheduler starts one ``collector crawl`` process per crawl (toolchain.md §4).
Everything is checked before the reactor starts (registry, agency ids, years, database), so bad
input ends in one line instead of a Scrapy traceback.
"""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import select

from collector.crawl.summary import print_shards, print_summary
from collector.errors import CollectorError
from collector.registry import DEFAULT_PATH, RegistryInvalid, load_registry
from collector.scaleout.controller import Limits
from collector.scaleout.run import DistributedCrawl, crawl_on_nodes
from collector.scaleout.scrapyd import node_url
from storage.db import open_database
from storage.errors import StorageError
from storage.models import CrawlOutcome

#: A summary written to a file or a pipe is not cut to a terminal's 80 columns.
out = Console(soft_wrap=True, highlight=False, width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, soft_wrap=True, highlight=False)

#: ``--no-politeness``: no delays, no AutoThrottle, Scrapy's default per-host concurrency; robots.txt still obeyed.
IMPOLITE = {"DOWNLOAD_DELAY": 0, "DOWNLOAD_DELAY_JITTER": 0, "AUTOTHROTTLE_ENABLED": False,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "RETRY_BACKOFF_BASE": 0.1, "RETRY_AFTER_MAX": 1}


def _overrides(overrides: list[str], polite: bool) -> dict[str, str]:
    """The run's Scrapy settings over the project's: ``--no-politeness``, then each ``-s NAME=VALUE``."""
    chosen = {} if polite else {name: str(value) for name, value in IMPOLITE.items()}
    for override in overrides:
        name, equals, value = override.partition("=")
        if not equals or not name.strip():
            raise CollectorError(f"-s {override!r}: use NAME=VALUE")
        chosen[name.strip()] = value
    return chosen


def _settings(overrides: dict[str, str]):
    from scrapy.settings import Settings

    settings = Settings()
    settings.setmodule("collector.settings", priority="project")
    settings.setdict(overrides, priority="cmdline")
    return settings


def _check(agencies: Path, wanted: list[str], years: str | None, db: str | None) -> None:
    from spiders.portal import parse_years

    registry = load_registry(agencies)
    known = {entry.id for entry in registry.agencies}
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise CollectorError(f"unknown agency {', '.join(unknown)}: not in {agencies}")
    parse_years(years)
    open_database(db).close()


def crawl(
    agencies: Annotated[Path, typer.Option("--agencies", metavar="PATH", help="Agency registry file.")] = DEFAULT_PATH,
    agency: Annotated[list[str] | None, typer.Option(
        "--agency", metavar="ID", help="Crawl only this agency (repeat for several).")] = None,
    years: Annotated[str | None, typer.Option(
        "--years", metavar="YYYY-YYYY", help="Report years to collect (default: 2008 to this year).")] = None,
    db: Annotated[str | None, typer.Option(
        "--db", metavar="URL", show_default=False,
        help="Database URL (default: $COLLECTOR_DB_URL, else sqlite:///var/collector.db)")] = None,
    archive: Annotated[Path | None, typer.Option(
        "--archive", metavar="DIR", show_default=False,
        help="Raw-bytes archive (default: $COLLECTOR_ARCHIVE, else var/archive)")] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the last crawl that did not finish: skip the agencies it completed.")] = False,
    polite: Annotated[bool, typer.Option(
        "--politeness/--no-politeness", help="Per-host delays and AutoThrottle (off only for benchmarks).")] = True,
    setting: Annotated[list[str] | None, typer.Option(
        "-s", "--set", metavar="NAME=VALUE", help="Override a Scrapy setting for this run (repeatable).")] = None,
    nodes: Annotated[str | None, typer.Option(
        "--nodes", metavar="URL,URL", show_default=False,
        help="Run the crawl as shards on these Scrapyd nodes (needs PostgreSQL; see README, Scale-out).")] = None,
    shards: Annotated[int | None, typer.Option(
        "--shards", min=1, show_default=False, help="With --nodes: how many shards (default 3 per node slot).")] = None,
    node_slots: Annotated[int, typer.Option(
        "--node-slots", min=1, help="With --nodes: jobs at once per node (the nodes' max_proc).")] = Limits.slots,
    max_attempts: Annotated[int, typer.Option(
        "--max-attempts", min=1, help="With --nodes: attempts per shard before it counts as failed.")] = Limits.max_attempts,
    node_timeout: Annotated[float, typer.Option(
        "--node-timeout", min=0, metavar="SECONDS",
        help="With --nodes: a node unreachable this long loses its shards to the others.")] = Limits.node_timeout,
    poll: Annotated[float, typer.Option(
        "--poll", min=0.1, metavar="SECONDS", help="With --nodes: seconds between looks at the nodes.")] = Limits.poll,
) -> None:
    """Find, fetch and archive every registered agency's annual reports, then parse them."""
    wanted = agency or []
    try:
        _check(agencies, wanted, years, db)
        overrides = _overrides(setting or [], polite)
        settings = _settings(overrides)
        if nodes is not None:
            request = DistributedCrawl(agencies, wanted, years, archive, [node_url(url) for url in nodes.split(",") if url],
                              shards, overrides, resume)
            _crawl_on_nodes(db, request, Limits(node_slots, max_attempts, poll, node_timeout))
            return
    except RegistryInvalid as exc:
        for problem in exc.problems:
            err.print(f"[red]error:[/red] {escape(problem)}")
        raise typer.Exit(1) from None
    except (CollectorError, StorageError) as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None

    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(settings)
    crawler = process.create_crawler("portal")
    process.crawl(crawler, agencies=str(agencies), agency=",".join(wanted), years=years, db=db,
                  archive=str(archive) if archive else None, resume="1" if resume else None)
    process.start()
    run_id = crawler.stats.get_value("collector/run_id")
    if run_id is None:
        err.print("[red]error:[/red] the crawl did not start (see the log above)")
        raise typer.Exit(1)
    database = open_database(db)
    try:
        with database.session() as session:
            outcomes = list(session.scalars(select(CrawlOutcome).where(CrawlOutcome.crawl_run_id == run_id)
                                            .order_by(CrawlOutcome.agency_id)))
    finally:
        database.close()
    print_summary(out, run_id, outcomes)
    reason = crawler.stats.get_value("finish_reason")
    if reason != "finished":
        err.print(f"crawl {reason}: run `collector crawl --resume` to finish the agencies left")
        raise typer.Exit(130 if reason == "shutdown" else 1)


def _crawl_on_nodes(db: str | None, request: DistributedCrawl, limits: Limits) -> None:
    """The distributed crawl, stopped cleanly by Ctrl-C or SIGTERM (the service's time limit): the nodes'
    jobs are cancelled, the run stays resumable with ``--nodes … --resume``."""
    if not request.nodes:
        raise CollectorError("--nodes: give at least one Scrapyd URL")
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    database = open_database(db)
    try:
        result = crawl_on_nodes(database, request, limits, stop,
                                lambda message: err.print(escape(message), highlight=False))
        with database.session() as session:
            outcomes = list(session.scalars(select(CrawlOutcome).where(CrawlOutcome.crawl_run_id == result.run_id)
                                            .order_by(CrawlOutcome.agency_id)))
    finally:
        database.close()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print_summary(out, result.run_id, outcomes)
    print_shards(out, result.shards)
    if not result.complete:
        err.print("crawl stopped" if stop.is_set() else "some shards failed",
                  ": run the same command with --resume to finish them", sep="")
        raise typer.Exit(130 if stop.is_set() else 1)


def register(app: typer.Typer) -> None:
    app.command()(crawl)
