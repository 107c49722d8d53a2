"""Send a run's shards to Scrapyd nodes, watch them, and resubmit the ones that fail or are lost.

Each shard goes to the reachable node with the most free slots (our jobs there against ``slots``,
which should match the node's ``max_proc``); more are sent as slots free up, so a slow node simply
takes fewer shards. Jobs are named ``run<R>-s<K>of<N>-a<A>``, stable for a run, shard and attempt.

Scrapyd lists a job that crashed or was killed as "finished" and forgets jobs across restarts, so a
job that has left its queue is judged from the database: the shard is done when its attempt wrote
its outcome row with Scrapy's ``finished`` and every one of its agencies has an outcome. Otherwise
(no row, another finish reason, rows that failed to store), and when its node has been unreachable
for ``node_timeout``, the attempt failed and the shard is sent again, to another node when there is
one, up to ``max_attempts``. Retries are safe: an attempt skips the agencies an earlier one
finished, finds the documents it stored already known, and re-reads the rest.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from collector.scaleout.scrapyd import PENDING, RUNNING, NodeRefused, NodeUnavailable, ScrapydNode
from storage.db import Database
from storage.models import CrawlShard
from storage.shards import (
    DONE,
    FAILED,
    PLANNED,
    SUBMITTED,
    agencies_done,
    load_shards,
    save_shard,
    shard_outcome,
)


@dataclass(frozen=True)
class Limits:
    slots: int = 2  # our jobs at once per node: the nodes' max_proc
    max_attempts: int = 3
    poll: float = 2.0  # seconds between looks at the nodes
    node_timeout: float = 60.0  # a node unreachable this long has lost the shards it held


@dataclass
class Node:
    client: ScrapydNode
    last_seen: float
    reachable: bool = True
    jobs: dict[str, str] = field(default_factory=dict)  # its listing of our jobs, refreshed every poll


@dataclass(frozen=True)
class InFlight:
    node: Node
    job_id: str


class Controller:
    """Drives one distributed run to its end: every shard done, or failed after its last attempt."""

    def __init__(self, database: Database, run_id: int, nodes: Sequence[ScrapydNode], *,
                 arguments: Mapping[str, str], settings: Mapping[str, str], limits: Limits = Limits(),
                 report: Callable[[str], None] = lambda message: None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.database, self.run_id = database, run_id
        self.nodes = [Node(client, clock()) for client in nodes]
        self.arguments, self.settings, self.limits = dict(arguments), dict(settings), limits
        self.report, self.clock = report, clock
        self.shards = {shard.shard: shard for shard in load_shards(database, run_id)}
        self.in_flight: dict[int, InFlight] = {}
        self.avoid: dict[int, set[str]] = {}  # nodes a shard already failed on

    def run(self, stop: threading.Event) -> list[CrawlShard]:
        """Submit and watch until no shard is left to run, or ``stop`` (then in-flight jobs are cancelled)."""
        while not stop.is_set():
            self._refresh()
            self._collect()
            self._submit()
            if not self.in_flight and not self._ready():
                break
            if not self.in_flight and self._all_nodes_lost():
                for shard in self._ready():
                    self._give_up(shard, "no node reachable")
                break
            stop.wait(self.limits.poll)
        if stop.is_set():
            self._cancel_all()
        return sorted(self.shards.values(), key=lambda shard: shard.shard)

    # --- watching ----------------------------------------------------------------------------------------

    def _refresh(self) -> None:
        for node in self.nodes:
            try:
                node.jobs = node.client.jobs()
            except (NodeUnavailable, NodeRefused) as exc:
                if node.reachable:
                    self.report(f"node {node.client.url} unreachable: {exc}")
                node.reachable = False
                continue
            if not node.reachable:
                self.report(f"node {node.client.url} is back")
            node.reachable, node.last_seen = True, self.clock()

    def _collect(self) -> None:
        """Settle every in-flight shard whose job has left the node's queue, or whose node is lost."""
        for number, flight in list(self.in_flight.items()):
            node = flight.node
            if not node.reachable:
                silent = self.clock() - node.last_seen
                if silent >= self.limits.node_timeout:
                    self._failed(number, f"node {node.client.url} unreachable for {silent:.0f} s")
                continue
            if node.jobs.get(flight.job_id) in (PENDING, RUNNING):
                continue
            self._judge(number)

    def _judge(self, number: int) -> None:
        """A job that left its node's queue: done or failed, by what the job wrote to the database."""
        shard = self.shards[number]
        outcome = shard_outcome(self.database, self.run_id, number, shard.attempt)
        missing = set(shard.agency_ids) - agencies_done(self.database, self.run_id, shard.agency_ids)
        if outcome is None:
            self._failed(number, "the job ended without writing its outcome (killed or crashed: see the node's log)")
        elif outcome.finish_reason != "finished":
            self._failed(number, f"the job ended with {outcome.finish_reason}")
        elif (outcome.stats or {}).get("store_failed"):
            self._failed(number, f"{outcome.stats['store_failed']} rows could not be stored")
        elif missing:
            self._failed(number, f"{len(missing)} agencies have no outcome")
        else:
            flight = self.in_flight.pop(number)
            shard.status, shard.finished_at = DONE, datetime.now(UTC)
            shard.history = [*shard.history, self._entry(shard, flight.node, "done")]
            save_shard(self.database, shard)
            self.report(f"shard {number}/{shard.shards} done on {flight.node.client.url} "
                        f"({len(shard.agency_ids)} agencies)")

    def _failed(self, number: int, reason: str) -> None:
        flight = self.in_flight.pop(number)
        shard = self.shards[number]
        self.avoid.setdefault(number, set()).add(flight.node.client.url)
        shard.history = [*shard.history, self._entry(shard, flight.node, reason)]
        self._retry_or_fail(shard, f"attempt {shard.attempt} on {flight.node.client.url} failed: {reason}")

    def _retry_or_fail(self, shard: CrawlShard, message: str) -> None:
        if shard.attempt >= self.limits.max_attempts:
            shard.status, shard.finished_at = FAILED, datetime.now(UTC)
            self.report(f"shard {shard.shard}/{shard.shards} {message}; no attempts left")
        else:
            shard.status = PLANNED
            self.report(f"shard {shard.shard}/{shard.shards} {message}; sending it again")
        save_shard(self.database, shard)

    def _give_up(self, shard: CrawlShard, reason: str) -> None:
        shard.status, shard.finished_at = FAILED, datetime.now(UTC)
        shard.history = [*shard.history, {"attempt": shard.attempt, "result": reason}]
        save_shard(self.database, shard)
        self.report(f"shard {shard.shard}/{shard.shards} not run: {reason}")

    @staticmethod
    def _entry(shard: CrawlShard, node: Node, result: str) -> dict[str, object]:
        return {"attempt": shard.attempt, "node": node.client.url, "job_id": shard.job_id, "result": result,
                "at": datetime.now(UTC).isoformat(timespec="seconds")}

    def _all_nodes_lost(self) -> bool:
        now = self.clock()
        return all(not node.reachable and now - node.last_seen >= self.limits.node_timeout for node in self.nodes)

    # --- submitting --------------------------------------------------------------------------------------

    def _ready(self) -> list[CrawlShard]:
        """Shards waiting for a node, heaviest first (they set the run's length)."""
        return sorted((shard for shard in self.shards.values() if shard.status == PLANNED),
                      key=lambda shard: (-shard.weight, shard.shard))

    def _load(self, node: Node) -> int:
        return sum(1 for flight in self.in_flight.values() if flight.node is node)

    def _pick(self, number: int) -> Node | None:
        """The least-loaded reachable node with a free slot; a retry waits for a node it has not failed on,
        unless every reachable node is one it failed on."""
        reachable = [node for node in self.nodes if node.reachable]
        tried = self.avoid.get(number, set())
        fresh = [node for node in reachable if node.client.url not in tried]
        pool = fresh or reachable
        free = [node for node in pool if self._load(node) < self.limits.slots]
        return min(free, key=self._load) if free else None

    def _submit(self) -> None:
        for shard in self._ready():
            node = self._pick(shard.shard)
            if node is None:
                continue
            attempt = shard.attempt + 1
            job_id = f"run{self.run_id}-s{shard.shard}of{shard.shards}-a{attempt}"
            arguments = {**self.arguments, "run": str(self.run_id), "shard": f"{shard.shard}/{shard.shards}",
                         "attempt": str(attempt)}
            try:
                node.client.schedule(job_id, arguments, self.settings)
            except NodeUnavailable as exc:
                node.reachable = False
                self.report(f"node {node.client.url} unreachable: {exc}")
                continue
            except NodeRefused as exc:  # the node cannot run it (wrong project, broken install): try another
                shard.attempt, shard.job_id = attempt, job_id
                self.avoid.setdefault(shard.shard, set()).add(node.client.url)
                shard.history = [*shard.history, self._entry(shard, node, f"refused: {exc}")]
                self._retry_or_fail(shard, f"attempt {attempt} refused by {node.client.url}: {exc}")
                continue
            shard.attempt, shard.node, shard.job_id = attempt, node.client.url, job_id
            shard.status, shard.submitted_at = SUBMITTED, datetime.now(UTC)
            save_shard(self.database, shard)
            self.in_flight[shard.shard] = InFlight(node, job_id)
            self.report(f"shard {shard.shard}/{shard.shards} → {node.client.url} as {job_id}")

    def _cancel_all(self) -> None:
        """Stopping: ask the nodes to stop our jobs (each then writes its outcome); the shards stay planned."""
        for number, flight in list(self.in_flight.items()):
            try:
                flight.node.client.cancel(flight.job_id)
            except (NodeUnavailable, NodeRefused) as exc:
                self.report(f"could not cancel {flight.job_id}: {exc}")
            shard = self.shards[number]
            shard.status = PLANNED
            shard.history = [*shard.history, self._entry(shard, flight.node, "cancelled: the crawl was stopped")]
            save_shard(self.database, shard)
        self.in_flight.clear()
