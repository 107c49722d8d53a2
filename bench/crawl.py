"""Crawl throughput over a 1,000-agency sample farm: politeness off, a bare Scrapy ceiling, default politeness.

The farm runs in its own process (one core), the crawls in others, one at a time, all on 127.0.0.1;
the crawlers resolve ``*.sample.test`` with ``SampleResolver`` only. Report layouts are forced to the
HTML ones so that the farm's PDF/DOCX rendering (tens of milliseconds a file, one core) does not
become what is measured; faults are off so every run does the same work.

0. A warm-up ``collector crawl --no-politeness`` on the cold farm (its sites are built on first
   request, which would otherwise be charged to whichever crawl comes first); the farm records every
   request it answers.
1. A bare Scrapy spider replays exactly those requests with the same settings and a callback that
   does nothing: the ceiling.
2. ``collector crawl --no-politeness`` again, into a fresh database (parsing left for later, as
   ``collector reparse`` does it). Target: at least 70 % of the bare spider's pages per second.
   Steps 1 and 2 run ``--rounds`` times (3), in alternating order, and the median of the rounds'
   ratios is what counts: on a shared virtual machine one crawl's CPU time can vary by a quarter
   from one minute to the next, and a pair run back to back sees the same machine.
3. ``collector crawl`` with the default politeness (1 s ± 50 % per host, AutoThrottle); printed with
   the lower bound the per-host delays impose (the busiest host's requests × the delay) and how busy
   the crawler's process was: when politeness bounds the time, the crawler mostly waits.
4. Two Scrapyd nodes (``collector node``, two job slots each) on this machine and ``collector crawl
   --nodes … --no-politeness`` into a PostgreSQL schema, beside one process with politeness off into
   the same kind of database. Both "nodes" share this machine's two cores with the farm, so the row
   shows what sharding costs (job start-up, per-shard registry and database work), not a speed-up.

Each crawl prints pages (responses) per second, time to full coverage (every agency's outcome
written) and the crawl process's peak resident memory (target < 500 MB). Prints, never asserts.

    .venv/bin/python bench/crawl.py [--agencies 1000] [--seed 3] [--rounds 3] [--skip-polite] [--skip-nodes]
                                    [--timeout 1200]

The two-node rows use PostgreSQL at $COLLECTOR_TEST_PG_URL (default: the local server's ``test``
database), in a schema of their own that is dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pg_schema import DEFAULT_PG_URL, postgresql_schema  # beside this script

ROOT = Path(__file__).resolve().parent.parent
HTML_LAYOUTS = ("html_word", "html_clean", "html_script", "pipes")
TARGET_RATIO = 0.70
TARGET_MEMORY_MB = 500


# --- the farm (child process) ----------------------------------------------------------------------------------

def serve(agencies: int, seed: int, channel) -> None:
    """Serve the farm; answer ``record`` (start recording), ``take`` (the requests since) and ``stop``."""
    from collector.sample.portal import SamplePortal

    overrides = {index: {"layouts": HTML_LAYOUTS} for index in range(agencies)}
    portal = SamplePortal(agencies=agencies, seed=seed, fault_rate=0, overrides=overrides)
    recorded: list[tuple[str, str, str, str]] = []
    recording = [False]
    handle = portal.farm.handle

    def recorder(request):
        if recording[0]:
            recorded.append((request.host, request.method, request.target, request.body.decode("utf-8", "replace")))
        return handle(request)

    portal.farm.handle = recorder
    port = portal.start()
    registry = Path(tempfile.mkdtemp(prefix="bench-crawl-")) / "agencies.yaml"
    portal.write_registry(registry)
    channel.send((port, str(registry)))
    while (command := channel.recv()) != "stop":
        if command == "record":
            recorded.clear()
            recording[0] = True
        elif command == "take":
            recording[0] = False
            channel.send(list(recorded))
    portal.stop()


# --- one crawl (child process: the reactor starts once per process) --------------------------------------------

RESOLVER = {"TWISTED_DNS_RESOLVER": "collector.sample.resolver.SampleResolver", "LOG_LEVEL": "WARNING",
            "COLLECTOR_PARSE_AFTER_CRAWL": False}


def crawl_child(mode: str, registry: str, work: str, replay: str | None, timeout: float, db: str | None) -> None:
    """Run one crawl in this process and print its figures as one JSON line."""
    from scrapy import Request, Spider
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from collector.commands.crawl import IMPOLITE

    settings = Settings()
    settings.setmodule("collector.settings", priority="project")
    if mode != "polite":
        settings.setdict(IMPOLITE, priority="cmdline")
    settings.setdict({**RESOLVER, "CLOSESPIDER_TIMEOUT": timeout}, priority="cmdline")

    class BareSpider(Spider):
        """Fetches a fixed request list and does nothing with the answers: what Scrapy alone costs."""

        name = "bare"
        allow_private_hosts = True

        async def start(self):
            for url, method, body in json.loads(Path(replay).read_text()):
                yield Request(url, method=method, body=body or None, callback=self.ignore, dont_filter=True,
                              headers={"Content-Type": "application/x-www-form-urlencoded"} if body else None)

        def ignore(self, response):
            return None

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BareSpider if mode == "bare" else "portal")
    arguments = {} if mode == "bare" else {"agencies": registry, "db": db or f"sqlite:///{work}/collector.db",
                                           "archive": f"{work}/archive"}
    process.crawl(crawler, **arguments)
    process.start()
    stats = crawler.stats.get_stats()
    elapsed = stats.get("elapsed_time_seconds") or 1e-9
    responses = stats.get("downloader/response_count", 0)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the storage writer process
    print(json.dumps({
        "responses": responses, "elapsed": elapsed, "pages_per_s": responses / elapsed,
        "peak_rss_mb": usage.ru_maxrss / 1024, "cpu_s": usage.ru_utime + usage.ru_stime,
        "writer_cpu_s": children.ru_utime + children.ru_stime,
        "statuses": {key.rsplit("/", 1)[1]: value for key, value in stats.items()
                     if key.startswith("collector/agencies/")},
        "reason": stats.get("finish_reason")}))


def run_child(mode: str, registry: str, replay: str | None, timeout: float, db: str | None = None) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"bench-{mode}-") as work:
        command = [sys.executable, __file__, "--child", mode, "--registry", registry, "--work", work,
                   "--timeout", str(timeout)] + (["--replay", replay] if replay else [])
        environment = {**os.environ, **({"BENCH_DB_URL": db} if db else {})}  # never on a command line
        completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout + 300,
                                   env=environment)
        if completed.returncode != 0:
            sys.exit(f"{mode} crawl failed:\n{completed.stderr[-3000:]}")
        return json.loads(completed.stdout.strip().splitlines()[-1])


# --- two Scrapyd nodes on this machine ------------------------------------------------------------------------

PG_URL = os.environ.get("COLLECTOR_TEST_PG_URL", DEFAULT_PG_URL)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def local_nodes(db: str, work: Path, count: int = 2, slots: int = 2) -> Iterator[list[str]]:
    """``count`` Scrapyd nodes (``collector node``) on loopback ports, stopped with their jobs afterwards."""
    from collector.scaleout.scrapyd import NodeUnavailable, ScrapydNode

    collector = Path(sys.executable).with_name("collector")
    nodes = []
    for index in range(count):
        port = _free_port()
        process = subprocess.Popen([str(collector), "node", "--dir", str(work / f"node{index}"), "--port", str(port),
                                    "--max-proc", str(slots), "--poll-interval", "0.5"],
                                   env={**os.environ, "COLLECTOR_DB_URL": db}, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        nodes.append((process, f"http://127.0.0.1:{port}"))
    try:
        for _, url in nodes:
            deadline = time.monotonic() + 60
            while True:
                try:
                    ScrapydNode(url).load()
                    break
                except NodeUnavailable:
                    if time.monotonic() > deadline:
                        sys.exit(f"Scrapyd at {url} did not start")
                    time.sleep(0.2)
        yield [url for _, url in nodes]
    finally:
        for process, _ in nodes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()


def run_on_nodes(registry: str, timeout: float) -> dict:
    """``collector crawl --nodes`` with politeness off on two local nodes: pages/s over the whole run."""
    from sqlalchemy import create_engine, text

    collector = Path(sys.executable).with_name("collector")
    with postgresql_schema(PG_URL) as db, tempfile.TemporaryDirectory(prefix="bench-nodes-") as work:
        with local_nodes(db, Path(work)) as urls:
            command = [str(collector), "crawl", "--agencies", registry, "--archive", f"{work}/archive",
                       "--nodes", ",".join(urls), "--no-politeness", "--poll", "0.5",
                       *(part for name, value in RESOLVER.items() for part in ("-s", f"{name}={value}"))]
            started = time.monotonic()
            completed = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout + 300,
                                       env={**os.environ, "COLLECTOR_DB_URL": db})
            elapsed = time.monotonic() - started
        if completed.returncode != 0:
            sys.exit(f"crawl on nodes failed:\n{completed.stderr[-3000:]}")
        engine = create_engine(db)
        with engine.connect() as connection:
            stats = [row[0] or {} for row in connection.execute(text("SELECT stats FROM shard_outcomes"))]
            statuses = dict(connection.execute(text("SELECT status, count(*) FROM crawl_outcomes GROUP BY status")).all())
        engine.dispose()
    responses = sum(item.get("responses", 0) for item in stats)
    return {"responses": responses, "elapsed": elapsed, "pages_per_s": responses / elapsed, "shards": len(stats),
            "statuses": statuses, "reason": "finished"}


LABELS = {"bare": "bare Scrapy, same requests", "impolite": "politeness off"}


def report(label: str, figures: dict) -> None:
    statuses = ", ".join(f"{status} {count}" for status, count in sorted(figures["statuses"].items())) or "-"
    print(f"  {label:<32} {figures['responses']:>7} pages in {figures['elapsed']:7.1f} s = "
          f"{figures['pages_per_s']:6.1f} pages/s   "
          + (f"crawler CPU {figures['cpu_s']:6.1f} s (writer {figures['writer_cpu_s']:5.1f} s)   "
             f"peak RSS {figures['peak_rss_mb']:6.1f} MB   "
             if "cpu_s" in figures else f"{figures['shards']} shards, wall time from plan to the last shard   ") +
          f"[{figures['reason']}; {statuses}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1200, help="bound of each crawl, in seconds")
    parser.add_argument("--rounds", type=int, default=3,
                        help="pairs of bare and politeness-off crawls, in alternating order; the median ratio counts")
    parser.add_argument("--skip-polite", action="store_true", help="leave out the default-politeness crawl")
    parser.add_argument("--skip-nodes", action="store_true", help="leave out the two-node (Scrapyd) rows")
    parser.add_argument("--child", choices=("impolite", "bare", "polite"), help=argparse.SUPPRESS)
    parser.add_argument("--registry", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--replay", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.child:
        crawl_child(args.child, args.registry, args.work, args.replay, args.timeout, os.environ.get("BENCH_DB_URL"))
        return

    context = multiprocessing.get_context("spawn")
    channel, farm_end = context.Pipe()
    farm = context.Process(target=serve, args=(args.agencies, args.seed, farm_end), daemon=True)
    farm.start()
    port, registry = channel.recv()
    print(f"farm of {args.agencies} agencies (HTML layouts, no faults) on 127.0.0.1:{port}, seed {args.seed}",
          flush=True)
    try:
        channel.send("record")
        report("warm-up (cold farm)", run_child("impolite", registry, None, args.timeout))
        channel.send("take")
        requests = [(f"http://{host}:{port}{target}", method, body) for host, method, target, body in channel.recv()
                    if not target.startswith("/robots.txt")]
        per_host = Counter(url.split("/")[2] for url, _, _ in requests)
        replay = Path(registry).with_name("replay.json")
        replay.write_text(json.dumps(requests))
        bares, impolites = [], []
        replays = {"bare": str(replay), "impolite": None}
        for number in range(1, args.rounds + 1):
            for mode in (("bare", "impolite") if number % 2 else ("impolite", "bare")):  # alternate against drift
                figures = run_child(mode, registry, replays[mode], args.timeout)
                (bares if mode == "bare" else impolites).append(figures)
                report(f"{LABELS[mode]} ({number})", figures)
        ratios = [impolite["pages_per_s"] / bare["pages_per_s"] for bare, impolite in zip(bares, impolites)]
        ratio = statistics.median(ratios)
        bare = sorted(bares, key=lambda figures: figures["pages_per_s"])[(len(bares) - 1) // 2]  # the median run
        peak = max(impolite["peak_rss_mb"] for impolite in impolites)
        print(f"  politeness off reaches {ratio:.0%} of the bare spider's pages/s, the median of {len(ratios)} "
              f"round{'s' if len(ratios) > 1 else ''} ({', '.join(f'{each:.0%}' for each in ratios)}; "
              f"{'meets' if ratio >= TARGET_RATIO else 'MISSES'} the {TARGET_RATIO:.0%} target); peak memory "
              f"{peak:.0f} MB ({'meets' if peak < TARGET_MEMORY_MB else 'MISSES'} the {TARGET_MEMORY_MB} MB target)",
              flush=True)
        if not args.skip_polite:
            polite = run_child("polite", registry, None, args.timeout)
            report("default politeness", polite)
            busiest = max(per_host.values())
            print(f"  per-host bound: the busiest host needs {busiest} requests × ≥ 1 s ≈ {busiest} s; the crawler "
                  f"alone would need ≈ {polite['responses'] / bare['pages_per_s']:.0f} s at the bare rate; it was busy "
                  f"{polite['cpu_s'] / polite['elapsed']:.0%} of the {polite['elapsed']:.0f} s (CPU "
                  f"{polite['cpu_s']:.0f} s, start-up included)", flush=True)
        if not args.skip_nodes:
            with postgresql_schema(PG_URL) as db:
                single = run_child("impolite", registry, None, args.timeout, db=db)
            report("politeness off, PostgreSQL", single)
            nodes = run_on_nodes(registry, args.timeout)
            report("two nodes × 2 slots, PostgreSQL", nodes)
            print(f"  two nodes reach {nodes['pages_per_s'] / single['pages_per_s']:.0%} of one process's pages/s on "
                  "this one 2-core machine: the overhead of sharding, not a speed-up (the nodes share the cores)",
                  flush=True)
    finally:
        channel.send("stop")
        farm.join(timeout=60)


if __name__ == "__main__":
    main()
