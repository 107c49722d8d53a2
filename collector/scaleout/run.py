"""``collector crawl --nodes``: plan a run's shards, drive them on Scrapyd nodes, close the run.

Scale-out needs PostgreSQL: the nodes' jobs write into the controller's database, which they find
through their own ``COLLECTOR_DB_URL`` (secrets stay in each node's environment). The archive path
is passed to the jobs, so it must be the same shared directory on every node. A run that did not
finish can be resumed (``--resume``): its unfinished shards are sent again and skip the agencies
already done.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from collector.errors import CollectorError
from collector.registry import load_registry, registry_as_json, sync_registry
from collector.scaleout.controller import Controller, Limits
from collector.scaleout.planning import balance, last_night_weights, portal_groups
from collector.scaleout.scrapyd import NodeRefused, NodeUnavailable, ScrapydNode
from storage.archive import Archive
from storage.db import Database
from storage.models import CrawlShard
from storage.shards import DONE, create_plan, finish_run, reopen_shards, resumable_run

#: Shards per node slot: enough that one slow shard does not set the run's length (scale-out.md §5).
SHARDS_PER_SLOT = 3


@dataclass(frozen=True)
class DistributedCrawl:
    """What ``collector crawl`` was asked for, as far as a distributed run is concerned."""

    registry: Path
    wanted: Sequence[str]
    years: str | None
    archive: Path | None
    nodes: Sequence[str]
    shards: int | None  # None: SHARDS_PER_SLOT per node slot
    settings: dict[str, str]  # Scrapy settings for every job (never secrets: Scrapyd shows them)
    resume: bool


@dataclass(frozen=True)
class Result:
    run_id: int
    shards: list[CrawlShard]

    @property
    def complete(self) -> bool:
        return all(shard.status == DONE for shard in self.shards)


def require_postgresql(database: Database) -> None:
    if database.engine.dialect.name != "postgresql":
        raise CollectorError(f"crawling on nodes needs PostgreSQL, which every node writes to; {database.display_url} "
                             "is not (set --db or COLLECTOR_DB_URL to a postgresql+psycopg:// URL)")


def healthy_nodes(urls: Sequence[str], report: Callable[[str], None]) -> list[ScrapydNode]:
    """Every node, after checking that at least one answers and serves the spider."""
    nodes = [ScrapydNode(url) for url in urls]
    ready = 0
    for node in nodes:
        try:
            if node.has_spider():
                ready += 1
                load = node.load()
                report(f"node {node.url}: ready ({load.running} running, {load.pending} pending)")
            else:
                report(f"node {node.url}: answers but has no `portal` spider (is the project installed there?)")
        except (NodeUnavailable, NodeRefused) as exc:
            report(f"node {exc}")
    if not ready:
        raise CollectorError("no node is ready to crawl: " + ", ".join(node.url for node in nodes))
    return nodes


def _plan(database: Database, request: DistributedCrawl, slots: int) -> int:
    registry = load_registry(request.registry)
    sync_registry(database, registry)
    wanted = set(request.wanted)
    entries = [entry for entry in registry.agencies if not wanted or entry.id in wanted]
    weights = last_night_weights(database, [entry.id for entry in entries])
    count = request.shards or SHARDS_PER_SLOT * slots * len(request.nodes)
    shards = balance(portal_groups(entries), weights, count)
    return create_plan(database, registry_as_json(registry), request.years, shards,
                       {"nodes": list(request.nodes), "shards": len(shards), "slots_per_node": slots})


def crawl_on_nodes(database: Database, request: DistributedCrawl, limits: Limits, stop: threading.Event,
                   report: Callable[[str], None]) -> Result:
    """Run (or resume) a distributed crawl to its end and close its run row."""
    require_postgresql(database)
    nodes = healthy_nodes(request.nodes, report)
    if request.resume:
        run_id = resumable_run(database)
        if run_id is None:
            raise CollectorError("no distributed crawl run to resume")
        reopen_shards(database, run_id)
        report(f"resuming crawl run {run_id}")
    else:
        run_id = _plan(database, request, limits.slots)
    archive = Archive(request.archive).root.resolve()
    controller = Controller(database, run_id, nodes, arguments={"archive": str(archive)},
                            settings=request.settings, limits=limits, report=report)
    shards = controller.run(stop)
    result = Result(run_id, shards)
    counts = dict(Counter(shard.status for shard in shards))
    finish_run(database, run_id, "finished" if result.complete else "interrupted",
               {"reason": "finished" if result.complete else ("stopped" if stop.is_set() else "shards failed"),
                "shards": counts})
    return result
