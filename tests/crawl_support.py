"""Crawl test helpers: run ``collector crawl`` in a subprocess against a sample farm, read back what it stored.

A crawl needs its own process (the Twisted reactor starts once per process). The farm runs in the
test process, so the tests can watch it from the server's side: :class:`ServerProbe` wraps the
farm's request handler to record, per host, the time each request is held (every answer is held at
least a few milliseconds, so two requests in flight for one host would overlap), and it can serve
ETags and answer ``If-None-Match`` with 304 for the incremental tests. Everything stays on 127.0.0.1:
the crawler resolves ``*.sample.test`` with ``collector.sample.resolver.SampleResolver`` only.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from collector.sample.portal import SamplePortal
from collector.sample.portal.protocol import Request, Response

ROOT = Path(__file__).resolve().parent.parent
COLLECTOR = Path(sys.executable).with_name("collector")
SCRAPY = Path(sys.executable).with_name("scrapy")

#: Politeness shrunk for tests: no delay, one request per host, quick backoff; the farm's slow answers
#: (``slow_seconds``) stay well inside the timeout.
FAST = {
    "TWISTED_DNS_RESOLVER": "collector.sample.resolver.SampleResolver",
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "1",
    "RETRY_BACKOFF_BASE": "0.05",
    "RETRY_AFTER_MAX": "0.2",
    "DOWNLOAD_TIMEOUT": "10",
    "LOG_LEVEL": "WARNING",
}
SLOW_SECONDS = 0.5


def settings_args(**overrides: str) -> list[str]:
    return [argument for name, value in {**FAST, **overrides}.items() for argument in ("-s", f"{name}={value}")]


@dataclass
class Workspace:
    """A registry, a database and an archive in a temporary directory."""

    root: Path

    @property
    def registry(self) -> Path:
        return self.root / "agencies.yaml"

    @property
    def db_path(self) -> Path:
        return self.root / "collector.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    def crawl_command(self, *arguments: str, **settings: str) -> list[str]:
        """``collector crawl`` over the workspace's registry into its database."""
        return [str(COLLECTOR), "crawl", "--agencies", str(self.registry), "--db", self.db_url,
                "--archive", str(self.archive), *arguments, *settings_args(**settings)]

    def crawl(self, *arguments: str, timeout: float = 300, **settings: str) -> subprocess.CompletedProcess:
        return subprocess.run(self.crawl_command(*arguments, **settings), capture_output=True, text=True,
                              timeout=timeout, cwd=self.root)

    def query(self, sql: str, *parameters) -> list[tuple]:
        with closing(sqlite3.connect(self.db_path)) as connection:
            return connection.execute(sql, parameters).fetchall()

    def outcomes(self, run_id: int | None = None) -> dict[str, tuple[str, str | None]]:
        run = run_id or self.query("SELECT max(id) FROM crawl_runs")[0][0]
        return {agency: (status, reason) for agency, status, reason in
                self.query("SELECT agency_id, status, reason FROM crawl_outcomes WHERE crawl_run_id = ?", run)}

    def documents(self) -> dict[str, dict]:
        """Every stored document by URL (latest row), with what the crawl said about it."""
        rows = self.query(
            "SELECT d.id, d.url, d.agency_id, d.sha256, d.crawl_run_id, d.link_text, d.list_date, d.http_headers,"
            " o.role, o.report_year, o.legacy, o.variant, o.parent_url, o.found_on"
            " FROM documents d JOIN document_origins o ON o.document_id = d.id ORDER BY d.id")
        keys = ("id", "url", "agency", "sha256", "run", "link_text", "list_date", "headers", "role", "year", "legacy",
                "variant", "parent_url", "found_on")
        return {row[1]: dict(zip(keys, row, strict=True)) for row in rows}


@dataclass
class Truth:
    """The manifest of a farm, read for what a crawl should find."""

    rows: list[dict]
    years: range

    @property
    def agencies(self) -> dict[str, dict]:
        return {row["agency"]: row for row in self.rows if row["row"] == "agency"}

    def unreadable(self, agency: dict) -> bool:
        """Hosts whose content a crawler that solves no challenge and obeys robots.txt never sees.

        The manifest's ``blocked`` names the hosts that never serve content; a 加速乐 521 challenge
        is solvable, but solving it is defeating it, so the crawler reports those hosts as blocked too.
        """
        return bool(agency["blocked"]) or "js_521" in agency["faults"] or "robots_disallow_all" in agency["faults"]

    def expected_status(self, agency: dict) -> str:
        if agency["blocked"] or "js_521" in agency["faults"]:
            return "blocked"
        if "robots_disallow_all" in agency["faults"]:
            return "robots_denied"
        return "ok"

    def wanted(self) -> list[dict]:
        """Report pages and their files, in the years, on hosts the crawler can read."""
        agencies = self.agencies
        return [row for row in self.rows if row["row"] == "url" and row["is_report"]
                and row["kind"] in ("report", "attachment", "image") and row["report_year"] in self.years
                and not self.unreadable(agencies[row["site"]])]

    def unwanted(self) -> list[dict]:
        """Distractors, and reports outside the years: none may be stored."""
        return [row for row in self.rows if row["row"] == "url" and row.get("title") is not None
                and (row.get("distractor") or (row["is_report"] and row["report_year"] not in self.years))]


def truth(portal: SamplePortal, years: range) -> Truth:
    return Truth(list(portal.manifest()), years)


def write_registry(portal: SamplePortal, path: Path, **changes) -> None:
    """The farm's registry, with top-level keys changed (``allow_private_hosts=False``)."""
    import yaml

    portal.write_registry(path)
    if changes:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        document.update(changes)
        path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


@dataclass
class ServerProbe:
    """Wraps a farm's handler: per-host request intervals, request counts, optional ETags and 304s."""

    hold: float = 0.01
    etag_suffixes: tuple[str, ...] = ()
    intervals: dict[str, list[tuple[float, float, str]]] = field(default_factory=lambda: defaultdict(list))
    requests: list[tuple[str, str, str, dict]] = field(default_factory=list)
    served: list[tuple[str, str, int]] = field(default_factory=list)  # (host, target, status) of every answer
    not_modified: int = 0
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def install(self, portal: SamplePortal) -> None:
        """Call before ``portal.start()``: connections bind the handler when they open."""
        handle: Callable[[Request], Response] = portal.farm.handle

        def probed(request: Request) -> Response:
            response = handle(request)
            if self.etag_suffixes and request.path.endswith(self.etag_suffixes) and response.status == 200:
                tag = _etag(response.body)
                if request.headers.get("if-none-match") == tag:
                    response = Response(304, b"", [("ETag", tag)], delay=response.delay)
                    self.not_modified += 1
                else:
                    response.headers.append(("ETag", tag))
            response.delay = max(response.delay, self.hold)
            start = time.monotonic()
            with self._changed:
                self.intervals[request.host].append((start, start + response.delay, request.target))
                self.requests.append((request.host, request.method, request.target, dict(request.headers)))
                self.served.append((request.host, request.target, response.status))
                self._changed.notify_all()
            return response

        portal.farm.handle = probed

    def max_concurrency(self) -> dict[str, int]:
        """Per host, the most requests the server held at the same time."""
        peaks = {}
        with self._changed:
            for host, spans in self.intervals.items():
                ends: list[float] = []
                peak = 0
                for start, end, _ in sorted(spans):
                    ends = [finish for finish in ends if finish > start] + [end]
                    peak = max(peak, len(ends))
                peaks[host] = peak
        return peaks

    def overlaps(self) -> list[tuple[str, str, str]]:
        """``(host, target, target)`` of requests the server held at the same time (for failure messages)."""
        found = []
        with self._changed:
            for host, spans in self.intervals.items():
                ordered = sorted(spans)
                found += [(host, first[2], second[2]) for first, second in itertools.pairwise(ordered)
                          if second[0] < first[1]]
        return found

    def hosts_seen(self) -> set[str]:
        with self._changed:
            return {host for host, *_ in self.requests}

    def wait_for(self, condition: Callable[[list[tuple[str, str, str, dict]]], bool], timeout: float = 120) -> bool:
        """Block until ``condition(requests so far)`` holds (re-checked on every request), or the timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: condition(self.requests), timeout)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
