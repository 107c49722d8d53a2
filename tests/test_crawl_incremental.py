"""Crawling again, resuming a crawl, and refusing loopback hosts without the registry's permission.

* Incremental: a second run reads the lists again but stores and parses nothing whose bytes did not
  change; files served with an ETag are not even downloaded (304). When the farm's clock moves on,
  only new and changed documents are stored and parsed.
* Resume: a crawl interrupted with Ctrl-C (SIGINT) is finished by ``--resume`` in the same run,
  without touching the agencies it had completed; so is one whose storage writer process was killed
  (it stops at once rather than fetch what it can no longer store).
* Private addresses: ``scrapy crawl portal`` over a registry without ``allow_private_hosts`` reaches
  nothing, because every farm host resolves to 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from crawl_support import ROOT, SCRAPY, SLOW_SECONDS, ServerProbe, Workspace, settings_args, truth, write_registry

from collector.sample.portal import SamplePortal

EARLY, LATE = date(2025, 1, 20), date(2025, 6, 30)
FILES = (".pdf", ".docx", ".png")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three crawls of one farm into one database: as of EARLY, again, and as of LATE."""
    portal = SamplePortal(agencies=8, seed=5, fault_rate=0, as_of=EARLY, slow_seconds=SLOW_SECONDS)
    probe = ServerProbe(etag_suffixes=FILES)
    probe.install(portal)
    workspace = Workspace(tmp_path_factory.mktemp("incremental"))
    snapshots = []
    with portal:
        portal.write_registry(workspace.registry)
        for as_of in (EARLY, EARLY, LATE):
            portal.as_of = as_of
            not_modified = probe.not_modified
            result = workspace.crawl()
            assert result.returncode == 0, result.stderr[-3000:]
            snapshots.append({"documents": workspace.documents(), "not_modified": probe.not_modified - not_modified,
                              "parsed": dict(workspace.query("SELECT document_id, parsed_at FROM reports"))})
    return workspace, snapshots


def run_documents(workspace: Workspace, run: int) -> int:
    return workspace.query("SELECT count(*) FROM documents WHERE crawl_run_id = ?", run)[0][0]


def test_a_second_run_reads_the_lists_but_stores_nothing_unchanged(runs):
    workspace, snapshots = runs
    first, second = snapshots[0], snapshots[1]
    assert first["documents"] and run_documents(workspace, 2) == 0
    assert workspace.query("SELECT count(*) FROM crawl_pages WHERE crawl_run_id = 2")[0][0] > 0
    unchanged = workspace.query("SELECT sum(unchanged), sum(documents) FROM crawl_outcomes WHERE crawl_run_id = 2")[0]
    assert unchanged == (len(first["documents"]), 0)
    assert second["parsed"] == first["parsed"]  # nothing parsed again


def test_files_with_an_etag_answer_304(runs):
    _, snapshots = runs
    files = [url for url in snapshots[0]["documents"] if urlsplit(url).path.endswith(FILES)]
    assert files and snapshots[0]["not_modified"] == 0
    assert snapshots[1]["not_modified"] == len(files)
    assert all("etag" in json.loads(snapshots[0]["documents"][url]["headers"]) for url in files)


def test_later_runs_store_and_parse_only_new_or_changed_documents(runs):
    _, snapshots = runs
    before, after = snapshots[1]["documents"], snapshots[2]["documents"]
    third = [document for document in after.values() if document["run"] == 3]
    assert third, "reports published after EARLY are new"
    assert all(document["url"] not in before or before[document["url"]]["sha256"] != document["sha256"]
               for document in third)
    assert any(document["year"] == 2024 for document in third)
    parsed = snapshots[2]["parsed"]
    assert {document["id"] for document in third} <= set(parsed)
    assert all(parsed[document_id] == parsed_at for document_id, parsed_at in snapshots[1]["parsed"].items())


@contextmanager
def crawl_to_cut(tmp_path: Path) -> Iterator[tuple[SamplePortal, ServerProbe, Workspace, subprocess.Popen]]:
    """A 24-agency farm and a crawl of it running in the background, for the test to cut short."""
    portal = SamplePortal(agencies=24, seed=9, fault_rate=0, slow_seconds=SLOW_SECONDS)
    probe = ServerProbe()
    probe.install(portal)
    workspace = Workspace(tmp_path)
    with portal:
        portal.write_registry(workspace.registry)
        command = workspace.crawl_command(DOWNLOAD_DELAY="0.1", COLLECTOR_PARSE_AFTER_CRAWL="0")
        crawl = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        try:
            yield portal, probe, workspace, crawl
        finally:
            if crawl.poll() is None:
                crawl.kill()
                crawl.communicate()


def resume_to_the_end(portal: SamplePortal, workspace: Workspace) -> None:
    """``--resume`` finishes run 1: every agency has its outcome and every wanted report is stored."""
    resumed = workspace.crawl("--resume", DOWNLOAD_DELAY="0", COLLECTOR_PARSE_AFTER_CRAWL="0")
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert workspace.query("SELECT id, status FROM crawl_runs") == [(1, "finished")]
    assert len(workspace.outcomes(1)) == 24
    stored = workspace.documents()
    assert all(row["url"] in stored for row in truth(portal, range(2008, 2026)).wanted())


def test_an_interrupted_crawl_is_resumed(tmp_path):
    with crawl_to_cut(tmp_path) as (portal, probe, workspace, crawl):

        def some_agency_done(requests) -> bool:  # its outcome is written: the run can be cut after it
            try:
                return workspace.query("SELECT count(*) FROM crawl_outcomes")[0][0] > 0
            except sqlite3.OperationalError:  # the crawl has not created its tables yet
                return False

        assert probe.wait_for(some_agency_done, timeout=120)
        crawl.send_signal(signal.SIGINT)
        _, stderr = crawl.communicate(timeout=120)
        assert crawl.returncode == 130, stderr[-3000:]
        assert workspace.query("SELECT id, status FROM crawl_runs") == [(1, "interrupted")]
        done = set(workspace.outcomes(1))
        assert 0 < len(done) < 24
        hosts_done = {portal.farm.roster[int(agency.rsplit("-", 1)[1])].host for agency in done}
        requests_before = len(probe.requests)

        resume_to_the_end(portal, workspace)
        assert not {host for host, *_ in probe.requests[requests_before:]} & hosts_done


def test_a_crawl_whose_writer_dies_stops_and_is_resumed(tmp_path):
    with crawl_to_cut(tmp_path) as (portal, probe, workspace, crawl):
        assert probe.wait_for(lambda requests: len(requests) > 20, timeout=120)
        os.kill(_writer_process(crawl.pid), signal.SIGKILL)
        _, stderr = crawl.communicate(timeout=120)  # it used to wait for the dead writer for ever
        assert crawl.returncode == 1, stderr[-3000:]
        assert "the crawl writer process has stopped (exit code -9)" in stderr
        assert "crawl writer_stopped: run `collector crawl --resume`" in stderr
        assert workspace.query("SELECT id, status FROM crawl_runs") == [(1, "running")]
        assert len(workspace.outcomes(1)) < 24

        resume_to_the_end(portal, workspace)


def _writer_process(crawl_pid: int) -> int:
    """The crawl's storage writer: its child started by multiprocessing's spawn (the other is the resource tracker)."""
    children = [int(pid) for task in Path(f"/proc/{crawl_pid}/task").iterdir()
                for pid in (task / "children").read_text().split()]
    writers = [pid for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert len(writers) == 1, children
    return writers[0]


def test_without_allow_private_hosts_nothing_on_loopback_is_reached(tmp_path):
    portal = SamplePortal(agencies=4, seed=3, fault_rate=0)
    probe = ServerProbe()
    probe.install(portal)
    workspace = Workspace(tmp_path)
    with portal:
        write_registry(portal, workspace.registry, allow_private_hosts=False)
        result = subprocess.run(
            [str(SCRAPY), "crawl", "portal", "-a", f"agencies={workspace.registry}", "-a", f"db={workspace.db_url}",
             "-a", f"archive={workspace.archive}", *settings_args()],
            capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = workspace.outcomes()
    assert len(outcomes) == 4
    assert all(status == "unreachable" and "loopback" in reason for status, reason in outcomes.values())
    assert not probe.requests
