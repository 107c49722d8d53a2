"""A distributed crawl on two real Scrapyd nodes (``collector node``) against PostgreSQL and a sample farm.

Both nodes run on loopback ports with basic auth, their jobs write into one PostgreSQL schema, and the
farm's server records every request: every report is fetched once and stored once, no host ever sees
two requests at a time although shards run in four processes, and when one node is killed mid-run
(SIGKILL to the daemon and its crawl processes) the shards it held are sent to the other node and the
result is complete.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawl_support import COLLECTOR, SLOW_SECONDS, ServerProbe, settings_args, truth
from sqlalchemy import create_engine, text

from collector.sample.portal import SamplePortal
from collector.scaleout.scrapyd import NodeUnavailable, ScrapydNode

YEARS = range(2021, 2025)
CREDENTIALS = {"SCRAPYD_USERNAME": "ops", "SCRAPYD_PASSWORD": "a-long-random-test-password"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Re-check ``condition`` every tenth of a second until it holds; fail the test after ``timeout``."""
    pause = threading.Event()
    for _ in range(int(timeout * 10)):
        if condition():
            return
        pause.wait(0.1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Node:
    process: subprocess.Popen
    url: str
    directory: Path

    @property
    def client(self) -> ScrapydNode:
        return ScrapydNode(self.url, environ=CREDENTIALS)

    def answers(self) -> bool:
        try:
            self.client.load()
        except NodeUnavailable:
            return False
        return True

    def kill(self) -> None:
        """SIGKILL the daemon and every crawl it started (they share its process group)."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def job_logs(self) -> str:
        logs = sorted((self.directory / "logs").rglob("*.log"))
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs)


#: Scale-out runs on PostgreSQL only (the SQLite refusal is tested in test_scaleout_units).
pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


@pytest.fixture
def pg(db_url: str) -> str:
    return db_url


@pytest.fixture
def nodes(pg: str, tmp_path: Path) -> Iterator[list[Node]]:
    environment = {**os.environ, **CREDENTIALS, "COLLECTOR_DB_URL": pg}
    started = []
    for name in ("node1", "node2"):
        port = _free_port()
        directory = tmp_path / name
        process = subprocess.Popen([str(COLLECTOR), "node", "--dir", str(directory), "--port", str(port),
                                    "--max-proc", "2", "--poll-interval", "0.2"],
                                   env=environment, cwd=tmp_path, start_new_session=True,
                                   stdout=subprocess.DEVNULL, stderr=(tmp_path / f"{name}.err").open("wb"))
        started.append(Node(process, f"http://127.0.0.1:{port}", directory))
    try:
        for node in started:
            wait_until(node.answers, 60, f"Scrapyd at {node.url}")
        yield started
    finally:
        for node in started:
            node.kill()


@pytest.fixture
def farm(tmp_path: Path) -> Iterator[tuple[SamplePortal, ServerProbe, Path]]:
    portal = SamplePortal(agencies=16, seed=11, slow_seconds=SLOW_SECONDS)
    probe = ServerProbe(hold=0.03)
    probe.install(portal)
    with portal:
        registry = tmp_path / "agencies.yaml"
        portal.write_registry(registry)
        yield portal, probe, registry


def _crawl_command(pg: str, registry: Path, tmp_path: Path, nodes: list[Node], *extra: str) -> list[str]:
    return [str(COLLECTOR), "crawl", "--agencies", str(registry), "--db", pg, "--archive", str(tmp_path / "archive"),
            "--years", f"{YEARS[0]}-{YEARS[-1]}", "--nodes", ",".join(node.url for node in nodes),
            "--shards", "8", "--poll", "0.2", "--node-timeout", "2", *extra,
            *settings_args(COLLECTOR_PARSE_AFTER_CRAWL="1")]


def _rows(pg: str, sql: str) -> list[tuple]:
    engine = create_engine(pg)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def _check_complete(pg: str, portal: SamplePortal, probe: ServerProbe) -> None:
    """Every wanted report stored once in the run, every agency one outcome, every document parsed."""
    expected = truth(portal, YEARS)
    stored = Counter(url for (url,) in _rows(pg, "SELECT url FROM documents"))
    wanted = {row["url"] for row in expected.wanted()}
    assert not wanted - set(stored), sorted(wanted - set(stored))[:5]
    assert [url for url, count in stored.items() if count > 1] == []
    outcomes = _rows(pg, "SELECT agency_id, status FROM crawl_outcomes")
    assert sorted(agency for agency, _ in outcomes) == sorted(expected.agencies)
    assert {agency: status for agency, status in outcomes} == {
        agency: expected.expected_status(row) for agency, row in expected.agencies.items()}
    assert _rows(pg, "SELECT count(*) FROM documents d LEFT JOIN reports r ON r.document_id = d.id "
                     "WHERE r.id IS NULL") == [(0,)]
    assert max(probe.max_concurrency().values()) == 1, probe.overlaps()


def test_a_sharded_crawl_on_two_nodes_fetches_and_stores_every_report_once(pg, nodes, farm, tmp_path):
    portal, probe, registry = farm
    result = subprocess.run(_crawl_command(pg, registry, tmp_path, nodes), capture_output=True, text=True,
                            timeout=600, env={**os.environ, **CREDENTIALS}, cwd=tmp_path)
    logs = "\n".join(node.job_logs() for node in nodes)
    assert result.returncode == 0, result.stderr[-3000:] + logs[-6000:]
    _check_complete(pg, portal, probe)
    served = Counter(f"{host}{target}" for host, target, status in probe.served if status == 200)
    reports = {urlsplit(row["url"]) for row in truth(portal, YEARS).wanted()}
    targets = {f"{url.hostname}{url.path}" + (f"?{url.query}" if url.query else "") for url in reports}
    assert {target: served[target] for target in targets if served[target] != 1} == {}  # fetched once
    shards = _rows(pg, "SELECT status, attempt, node FROM crawl_shards")
    assert len(shards) == 8 and {status for status, _, _ in shards} == {"done"}
    assert {attempt for _, attempt, _ in shards} == {1}
    assert {node for _, _, node in shards} == {node.url for node in nodes}  # both nodes took work
    assert _rows(pg, "SELECT status FROM crawl_runs") == [("finished",)]
    assert "shards" in result.stdout and "crawl run" in result.stdout
    for endpoint in ("addversion.json", "delproject.json", "delversion.json"):  # no code can be uploaded
        assert _status(nodes[0].url + "/" + endpoint, CREDENTIALS) == 404
    assert _status(nodes[0].url + "/daemonstatus.json", {}) == 401  # basic auth guards the node


def _status(url: str, credentials: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=b"project=collector")
    if credentials:
        token = base64.b64encode(f"{credentials['SCRAPYD_USERNAME']}:{credentials['SCRAPYD_PASSWORD']}".encode())
        request.add_header("Authorization", "Basic " + token.decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_killed_node_loses_its_shards_to_the_other(pg, nodes, farm, tmp_path):
    portal, probe, registry = farm
    victim, survivor = nodes
    crawl = subprocess.Popen(_crawl_command(pg, registry, tmp_path, nodes, "--node-slots", "1"),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, **CREDENTIALS}, cwd=tmp_path)
    try:
        def victim_is_crawling() -> bool:
            running = [job for job, state in victim.client.jobs().items() if state == "running"]
            return bool(running) and bool(_rows(pg, "SELECT 1 FROM crawl_pages LIMIT 1"))

        wait_until(victim_is_crawling, 120, "a shard crawling on the first node")
        victim.kill()
        stdout, stderr = crawl.communicate(timeout=600)
    finally:
        if crawl.poll() is None:
            crawl.kill()
            crawl.wait()
    assert crawl.returncode == 0, stderr[-3000:] + survivor.job_logs()[-6000:]
    _check_complete(pg, portal, probe)
    history = [entry for (entries,) in _rows(pg, "SELECT history FROM crawl_shards") for entry in entries]
    lost = [entry for entry in history if entry["node"] == victim.url and entry["result"] != "done"]
    assert lost and all("unreachable" in entry["result"] for entry in lost)
    retried = _rows(pg, "SELECT node, attempt, status FROM crawl_shards WHERE attempt > 1")
    assert retried and all(node == survivor.url and status == "done" for node, _, status in retried)
    assert "sending it again" in stderr
