"""A shard job on its own (``scrapy crawl portal -a run=… -a shard=K/N -a attempt=A``), as Scrapyd starts it:
it crawls the agencies the run's plan gives it and writes its outcome row last; an attempt the controller
has since replaced stops after its first agency instead of crawling beside the new one."""

from __future__ import annotations

import subprocess

import pytest
from crawl_support import ROOT, SCRAPY, Workspace, settings_args
from sqlalchemy import update

from collector.registry import load_registry, registry_as_json, sync_registry
from collector.sample.portal import SamplePortal
from storage.db import open_database
from storage.models import CrawlShard
from storage.shards import create_plan, shard_outcome

AGENCIES = 6


@pytest.mark.parametrize("current_attempt, reason", [(1, "finished"), (2, "superseded")])
def test_a_shard_job_runs_its_plan_or_stops_when_superseded(tmp_path, current_attempt, reason):
    portal = SamplePortal(agencies=AGENCIES, seed=2, fault_rate=0)
    workspace = Workspace(tmp_path)
    with portal:
        portal.write_registry(workspace.registry)
        registry = load_registry(workspace.registry)
        database = open_database(workspace.db_url)
        try:
            sync_registry(database, registry)
            run_id = create_plan(database, registry_as_json(registry), "2023-2024",
                                 [([entry.id for entry in registry.agencies], 1.0)], {})
            with database.engine.begin() as connection:
                connection.execute(update(CrawlShard).values(attempt=current_attempt, status="submitted"))
            result = subprocess.run(
                [str(SCRAPY), "crawl", "portal", "-a", f"run={run_id}", "-a", "shard=1/1", "-a", "attempt=1",
                 "-a", f"db={workspace.db_url}", "-a", f"archive={workspace.archive}",
                 *settings_args(COLLECTOR_PARSE_AFTER_CRAWL="0")],
                capture_output=True, text=True, timeout=300, cwd=ROOT)
            assert result.returncode == 0, result.stderr[-3000:]
            outcome = shard_outcome(database, run_id, 1, 1)
        finally:
            database.close()
    assert outcome is not None and outcome.finish_reason == reason
    done = len(workspace.outcomes(run_id))
    assert done == AGENCIES if reason == "finished" else 1 <= done < AGENCIES
