"""Scale-out pieces without Scrapyd: shard planning, the shard job's arguments, node URLs and environment, and
the controller's decisions against stand-in nodes whose jobs write (or fail to write) their outcome rows."""

from __future__ import annotations

import subprocess
import threading
from datetime import UTC, datetime

import pytest
from crawl_support import COLLECTOR

from collector.crawl.shard import ShardJob
from collector.errors import CollectorError
from collector.registry import registry_as_json, registry_from_json, sync_registry
from collector.scaleout.controller import Controller, Limits
from collector.scaleout.node import check_environment
from collector.scaleout.planning import balance, last_night_weights, portal_groups
from collector.scaleout.scrapyd import FINISHED, RUNNING, NodeRefused, NodeUnavailable, node_url
from storage.models import CrawlOutcome, CrawlRun
from storage.shards import create_plan, load_shards, record_shard_outcome, reopen_shards


def _registry(count: int, shared_host_every: int = 0) -> dict:
    agencies = []
    for index in range(count):
        host = f"a{index}.sample.test"
        if shared_host_every and index % shared_host_every == 1:
            host = f"a{index - 1}.sample.test"  # a department on its government's portal
        agencies.append({"id": f"agency-{index:02d}", "name": f"机关{index}", "kind": "department", "level": "county",
                         "region": "410102", "parent": None, "portal": f"http://{host}/",
                         "report_pages": [f"http://{host}/ndbg/{index}/"], "deadline": None, "verified": False,
                         "notes": None})
    return {"agencies": agencies, "defaults": {}, "allow_private_hosts": True}


# --- planning ----------------------------------------------------------------------------------------------

def test_agencies_sharing_a_host_stay_in_one_group():
    registry = registry_from_json(_registry(6, shared_host_every=2))
    groups = portal_groups(registry.agencies)
    assert sorted(map(sorted, groups)) == [["agency-00", "agency-01"], ["agency-02", "agency-03"],
                                           ["agency-04", "agency-05"]]


def test_shards_hold_every_agency_once_in_whole_groups_and_are_balanced():
    groups = [[f"g{index}-a", f"g{index}-b"] for index in range(20)] + [[f"single{index}"] for index in range(7)]
    weights = {agency: float(1 + (hash(agency) % 9)) for group in groups for agency in group}
    shards = balance(groups, weights, 6)
    assert len(shards) == 6
    placed = [agency for agencies, _ in shards for agency in agencies]
    assert sorted(placed) == sorted(weights)
    for group in groups:
        assert sum(set(group) <= set(agencies) for agencies, _ in shards) == 1
    totals = [total for _, total in shards]
    heaviest_group = max(sum(weights[agency] for agency in group) for group in groups)
    assert max(totals) - min(totals) <= heaviest_group
    assert balance(groups, weights, 6) == shards


def test_never_more_shards_than_groups():
    assert len(balance([["a"], ["b"]], {"a": 1.0, "b": 2.0}, 10)) == 2


def test_weights_come_from_the_latest_crawl_and_default_to_the_median(db):
    registry = registry_from_json(_registry(4))
    sync_registry(db, registry)
    now = datetime.now(UTC)
    with db.session() as session, session.begin():
        old, new = CrawlRun(kind="crawl", started_at=now, status="finished"), CrawlRun(kind="crawl", started_at=now,
                                                                                        status="finished")
        session.add_all([old, new])
        session.flush()
        for run, agency, pages in ((old, "agency-00", 50), (new, "agency-00", 4), (new, "agency-01", 10),
                                   (new, "agency-02", 20)):
            session.add(CrawlOutcome(crawl_run_id=run.id, agency_id=agency, status="ok", pages=pages, documents=2,
                                     unchanged=1, errors=[], started_at=now, finished_at=now, duration_s=1.0))
    weights = last_night_weights(db, [entry.id for entry in registry.agencies])
    assert weights["agency-00"] == 4 + 2 + 1 + 1
    assert weights["agency-01"] == 14
    assert weights["agency-03"] == 14  # never crawled: the median of 8, 14 and 24


# --- the job's arguments, node URLs, the node's environment ------------------------------------------------

def test_shard_arguments_are_checked():
    job = ShardJob.from_arguments("7", "2/5", "3")
    assert (job.run_id, job.number, job.shards, job.attempt) == (7, 2, 5, 3)
    assert ShardJob.from_arguments(None, None, None) is None
    for run, shard in (("7", "6/5"), ("7", "0/5"), ("x", "1/2"), (None, "1/2"), ("7", "1-2")):
        with pytest.raises(CollectorError):
            ShardJob.from_arguments(run, shard, None)


def test_node_urls_never_carry_credentials():
    assert node_url("http://10.0.0.5:6800/") == "http://10.0.0.5:6800"
    with pytest.raises(CollectorError, match="SCRAPYD_USERNAME"):
        node_url("https://ops:secret@node1.example:443")
    with pytest.raises(CollectorError):
        node_url("node1:6800")


def test_a_node_needs_the_controllers_postgresql():
    check_environment({"COLLECTOR_DB_URL": "postgresql+psycopg://crawler@db.internal/collector"})
    for environ in ({}, {"COLLECTOR_DB_URL": "sqlite:///var/collector.db"}, {"COLLECTOR_DB_URL": "nonsense"}):
        with pytest.raises(CollectorError, match="PostgreSQL"):
            check_environment(environ)
    with pytest.raises(CollectorError, match="both"):
        check_environment({"COLLECTOR_DB_URL": "postgresql://db/c", "SCRAPYD_USERNAME": "ops"})


def test_crawling_on_nodes_refuses_sqlite(tmp_path):
    registry = tmp_path / "agencies.yaml"
    registry.write_text("agencies: []\n", encoding="utf-8")
    result = subprocess.run([str(COLLECTOR), "crawl", "--agencies", str(registry), "--db",
                             f"sqlite:///{tmp_path / 'c.db'}", "--nodes", "http://127.0.0.1:9"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "needs PostgreSQL" in result.stderr


# --- the controller against stand-in nodes -----------------------------------------------------------------

class StandInNode:
    """A node whose jobs end at the next listing: ``behaviour(job arguments)`` says what the job wrote
    (``"done"``: every agency's outcome and the shard's outcome; ``"died"``: nothing; ``"refuse"``:
    schedule.json answers an error), and ``down`` makes every call fail like a stopped daemon."""

    def __init__(self, url: str, database, behaviour) -> None:
        self.url, self.database, self.behaviour = url, database, behaviour
        self.down = False
        self.queued: dict[str, dict] = {}
        self.ended: dict[str, str] = {}
        self.scheduled: list[str] = []

    def _check(self) -> None:
        if self.down:
            raise NodeUnavailable(f"{self.url}: connection refused")

    def jobs(self) -> dict[str, str]:
        self._check()
        listing = {job: FINISHED for job in self.ended}
        for job, arguments in list(self.queued.items()):
            if self.behaviour(arguments) == "done":
                _complete(self.database, arguments)
            self.ended[job] = "finished"
            del self.queued[job]
            listing[job] = RUNNING  # seen running once, finished at the next look
        return listing

    def schedule(self, job_id: str, arguments: dict, settings: dict) -> None:
        self._check()
        if self.behaviour(arguments) == "refuse":
            raise NodeRefused(f"{self.url}: schedule.json: spider 'portal' not found")
        self.scheduled.append(job_id)
        self.queued[job_id] = arguments

    def cancel(self, job_id: str) -> None:
        self._check()


def _complete(database, arguments: dict) -> None:
    run_id = int(arguments["run"])
    number = int(arguments["shard"].split("/")[0])
    shard = next(shard for shard in load_shards(database, run_id) if shard.shard == number)
    now = datetime.now(UTC)
    with database.session() as session, session.begin():
        for agency in shard.agency_ids:
            if session.get(CrawlOutcome, (run_id, agency)) is None:
                session.add(CrawlOutcome(crawl_run_id=run_id, agency_id=agency, status="ok", errors=[],
                                         started_at=now, finished_at=now, duration_s=0.1))
    record_shard_outcome(database, run_id, number, int(arguments["attempt"]), host="stand-in",
                         finish_reason="finished", stats={"store_failed": 0}, started_at=now)


def _run(db, shards: int = 4) -> int:
    document = _registry(shards * 2)
    sync_registry(db, registry_from_json(document))
    ids = [agency["id"] for agency in document["agencies"]]
    plan = [(ids[index::shards], 2.0) for index in range(shards)]
    return create_plan(db, registry_as_json(registry_from_json(document)), "2023-2024", plan, {})


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0  # every look at the clock is a second later
        return self.now


def _control(db, run_id, nodes, **limits) -> list:
    controller = Controller(db, run_id, nodes, arguments={"archive": "/shared/archive"}, settings={},
                            limits=Limits(**{"slots": 2, "poll": 0.0, "node_timeout": 5.0, **limits}),
                            clock=Clock())
    return controller.run(threading.Event())


def test_every_shard_runs_once_when_nothing_fails(db):
    run_id = _run(db)
    first, second = StandInNode("http://n1", db, lambda a: "done"), StandInNode("http://n2", db, lambda a: "done")
    shards = _control(db, run_id, [first, second])
    assert [shard.status for shard in shards] == ["done"] * 4
    assert [shard.attempt for shard in shards] == [1] * 4
    assert len(first.scheduled) == len(second.scheduled) == 2  # the least-loaded node takes the next shard
    assert sorted(first.scheduled + second.scheduled) == [f"run{run_id}-s{k}of4-a1" for k in range(1, 5)]


def test_a_job_that_ends_without_its_outcome_is_sent_to_another_node(db):
    run_id = _run(db)
    dying = StandInNode("http://n1", db, lambda a: "died" if a["shard"] == "1/4" else "done")
    healthy = StandInNode("http://n2", db, lambda a: "done")
    shards = _control(db, run_id, [dying, healthy])
    assert all(shard.status == "done" for shard in shards)
    retried = next(shard for shard in shards if shard.shard == 1)
    assert retried.attempt == 2 and retried.node == "http://n2"
    assert "without writing its outcome" in retried.history[0]["result"]
    assert retried.history[0]["node"] == "http://n1" and retried.history[1]["result"] == "done"


def test_a_shard_that_keeps_failing_stops_after_its_last_attempt(db):
    run_id = _run(db, shards=2)
    nodes = [StandInNode(url, db, lambda a: "died" if a["shard"] == "2/2" else "done")
             for url in ("http://n1", "http://n2")]
    shards = _control(db, run_id, nodes, max_attempts=3)
    assert [(shard.status, shard.attempt) for shard in shards] == [("done", 1), ("failed", 3)]
    assert len(shards[1].history) == 3


def test_a_refusing_node_is_avoided(db):
    run_id = _run(db, shards=2)
    refusing = StandInNode("http://n1", db, lambda a: "refuse")
    healthy = StandInNode("http://n2", db, lambda a: "done")
    shards = _control(db, run_id, [refusing, healthy])
    assert all(shard.status == "done" and shard.node == "http://n2" for shard in shards)
    assert not refusing.scheduled


def test_the_shards_of_a_node_that_went_down_are_resubmitted_after_the_timeout(db):
    run_id = _run(db, shards=2)
    vanishing = StandInNode("http://n1", db, lambda a: "done")
    healthy = StandInNode("http://n2", db, lambda a: "done")
    original = vanishing.schedule

    def schedule_then_die(job_id, arguments, settings):
        original(job_id, arguments, settings)
        vanishing.down = True

    vanishing.schedule = schedule_then_die
    shards = _control(db, run_id, [vanishing, healthy], slots=1)
    lost = next(shard for shard in shards if shard.history[0]["node"] == "http://n1")
    assert lost.status == "done" and lost.attempt == 2 and lost.node == "http://n2"
    assert "unreachable" in lost.history[0]["result"]


def test_no_reachable_node_fails_the_shards_instead_of_waiting_forever(db):
    run_id = _run(db, shards=2)
    dead = StandInNode("http://n1", db, lambda a: "done")
    dead.down = True
    shards = _control(db, run_id, [dead])
    assert [shard.status for shard in shards] == ["failed", "failed"]
    assert shards[0].history[-1]["result"] == "no node reachable"


def test_stopping_cancels_the_jobs_in_flight_and_leaves_their_shards_to_resume(db):
    run_id = _run(db, shards=2)
    stop = threading.Event()
    cancelled = []

    class Stopping(StandInNode):
        def jobs(self) -> dict[str, str]:
            if self.queued:
                stop.set()  # Ctrl-C while the jobs run
            return {job: RUNNING for job in self.queued}

        def cancel(self, job_id: str) -> None:
            cancelled.append(job_id)

    node = Stopping("http://n1", db, lambda a: "done")
    controller = Controller(db, run_id, [node], arguments={}, settings={},
                            limits=Limits(slots=2, poll=0.0, node_timeout=5.0), clock=Clock())
    shards = controller.run(stop)
    assert sorted(cancelled) == sorted(node.scheduled) and len(cancelled) == 2
    assert [shard.status for shard in shards] == ["planned", "planned"]
    assert all("cancelled" in shard.history[-1]["result"] for shard in shards)


def test_a_resumed_run_sends_only_its_unfinished_shards(db):
    run_id = _run(db, shards=3)
    _control(db, run_id, [StandInNode("http://n1", db, lambda a: "died" if a["shard"] == "3/3" else "done")],
             max_attempts=1)
    reopen_shards(db, run_id)
    again = StandInNode("http://n2", db, lambda a: "done")
    shards = _control(db, run_id, [again], max_attempts=2)
    assert [shard.status for shard in shards] == ["done"] * 3
    assert again.scheduled == [f"run{run_id}-s3of3-a2"]
