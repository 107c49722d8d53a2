"""``collector demo`` (the README's ``make run``): the whole job on a sample portal farm, in a few minutes.

Starts the farm on 127.0.0.1 as it stood after both deadlines of the report year, writes its
registry, runs one crawl through the service's crawl step (a ``collector crawl`` child process),
stops the farm, then judges compliance, prints the summary table and writes the HTML and Excel
reports under ``var/``. The farm's portals have their faults (challenges, robots.txt, slow hosts),
so the statuses include ``unknown`` as well as ``on_time``, ``late`` and ``missing``. Compliance is
judged as of today: the farm's clock only decides what the portals had published.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from collector.compliance.engine import Filters
from collector.compliance.html_report import write_html
from collector.compliance.outputs import print_table, write_xlsx
from collector.compliance.run import run_compliance
from collector.errors import CollectorError
from collector.registry import township_deadline
from collector.service import steps
from collector.service.config import CrawlConfig, ServiceConfig
from storage.db import open_database

AGENCIES = 40
SEED = "7"
YEAR = 2024
#: The farm's day: after the departments' (31 January) and the governments' (31 March) deadlines.
AS_OF = date(2025, 6, 30)
#: The farm runs on this machine: short delays and retry waits keep the crawl to about a minute.
CRAWL_SETTINGS = {"TWISTED_DNS_RESOLVER": "collector.sample.resolver.SampleResolver", "DOWNLOAD_DELAY": "0.05",
                  "AUTOTHROTTLE_ENABLED": "False", "RETRY_BACKOFF_BASE": "0.2", "RETRY_AFTER_MAX": "2"}
CRAWL_TIME_LIMIT = timedelta(minutes=10)


@dataclass(frozen=True)
class DemoFiles:
    database: Path
    html: Path
    xlsx: Path
    crawl_log: Path


def _fresh(var: Path) -> tuple[Path, Path]:
    """The demo's database and archive, emptied: each demo starts from nothing (the farm's port changes)."""
    database, archive = var / "demo.db", var / "demo-archive"
    for path in (database, database.with_name("demo.db-wal"), database.with_name("demo.db-shm")):
        path.unlink(missing_ok=True)
    shutil.rmtree(archive, ignore_errors=True)
    return database, archive


class _CrawlProgress:
    """A progress bar on a terminal; a line at every quarter elsewhere (CI logs, pipes)."""

    def __init__(self, console: Console, total: int) -> None:
        self.console, self.total, self.shown = console, total, 0
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, disable=not console.is_terminal)
        self.task = self.bar.add_task("agencies crawled", total=total)

    def __enter__(self) -> _CrawlProgress:
        self.bar.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.bar.stop()

    def update(self, _run_id: int | None, done: int) -> None:
        label = "agencies crawled" if done < self.total else "parsing the reports"
        self.bar.update(self.task, completed=done, description=label)
        if not self.console.is_terminal and done * 4 // self.total > self.shown * 4 // self.total:
            parsing = "; parsing the reports" if done == self.total else ""
            self.console.print(f"      {done}/{self.total} agencies crawled{parsing}")
        self.shown = done


def run_demo(console: Console, var: Path, agencies: int = AGENCIES, seed: str = SEED) -> DemoFiles:
    from collector.sample.portal import SamplePortal  # the farm pulls in the renderers: only the demo needs them

    var = var.absolute()
    var.mkdir(parents=True, exist_ok=True)
    database_path, archive = _fresh(var)
    registry = var / "demo-agencies.yaml"
    config = ServiceConfig(database=f"sqlite:///{database_path}", archive=archive, registry=registry,
                           log_file=var / "collector.log", compliance_years=(YEAR,),  # the crawl logs beside it
                           crawl=CrawlConfig(time_limit=CRAWL_TIME_LIMIT, settings=CRAWL_SETTINGS))
    database = open_database(config.database)
    try:
        with SamplePortal(agencies=agencies, seed=seed, as_of=AS_OF) as portal:
            portal.write_registry(registry)
            console.print(f"[1/3] sample portal: {agencies} agencies on 127.0.0.1:{portal.port}, as they stood on "
                          f"{AS_OF}; registry {registry}")
            console.print(f"[2/3] crawling report years {YEAR - 1}–{YEAR} (log: {var / 'crawl.log'})")
            with _CrawlProgress(console, agencies) as progress:
                step = steps.crawl(database, config, years=config.crawl_years(date.today().year),
                                   stop=threading.Event(), on_progress=progress.update)
        if not step.result.ok:
            tail = "\n".join(step.result.log_tail[-10:])
            raise CollectorError(f"the crawl failed (exit {step.result.exit_code}); the end of {step.result.log_path}:"
                                 f"\n{tail}")
        console.print("      " + ", ".join(f"{status}: {count}" for status, count in sorted(step.outcomes.items())))
        console.print(f"[3/3] compliance of report year {YEAR} as of {date.today()}")
        result = run_compliance(database, Filters(YEAR, date.today(), township_deadline=township_deadline(registry)))
    finally:
        database.close()
    print_table(console, result.rows, result.rollups)
    files = DemoFiles(database_path, var / f"compliance-{YEAR}.html", var / f"compliance-{YEAR}.xlsx",
                      step.result.log_path)
    write_html(result.rows, result.rollups, result.records, files.html,
               f"政府信息公开工作年度报告 {YEAR}: compliance as of {date.today()}")
    write_xlsx(result.rows, result.rollups, files.xlsx)
    console.print(f"\nReports: {escape(str(files.html))} (open in a browser) and {escape(str(files.xlsx))}")
    console.print(f"Database: {escape(str(files.database))} (e.g. collector compliance --year {YEAR} "
                  f"--db sqlite:///{escape(str(files.database))}); crawl log: {escape(str(files.crawl_log))}")
    return files
