"""Politeness from the registry's ``defaults:``: applied between the project's settings and the command
line's, and honoured by a crawl as the server sees it (the file's checks are in test_registry)."""

from __future__ import annotations

import subprocess

from crawl_support import COLLECTOR, FAST, ServerProbe, Workspace, write_registry
from scrapy.settings import Settings

from collector.crawl.politeness import apply_politeness
from collector.sample.portal import SamplePortal


def test_registry_politeness_beats_the_project_and_loses_to_the_command_line():
    settings = Settings()
    settings.setmodule("collector.settings", priority="project")
    settings.set("DOWNLOAD_TIMEOUT", 5, priority="cmdline")
    applied = apply_politeness(settings, {"download_delay": 3, "download_timeout": 120})
    assert applied == {"DOWNLOAD_DELAY": 3.0}
    assert settings.getfloat("DOWNLOAD_DELAY") == 3.0 and settings.getfloat("DOWNLOAD_TIMEOUT") == 5


def test_a_crawl_waits_as_long_as_the_registry_asks(tmp_path):
    portal = SamplePortal(agencies=1, seed=4, fault_rate=0)
    probe = ServerProbe()
    probe.install(portal)
    workspace = Workspace(tmp_path)
    with portal:  # the project's delay is 1 s; jitter is off below
        write_registry(portal, workspace.registry, defaults={"township_deadline": "03-31", "download_delay": 1.3})
        settings = {name: value for name, value in FAST.items() if name != "DOWNLOAD_DELAY"}
        command = [str(COLLECTOR), "crawl", "--agencies", str(workspace.registry), "--db", workspace.db_url,
                   "--archive", str(workspace.archive), "--years", "2024",
                   *(part for name, value in settings.items() for part in ("-s", f"{name}={value}")),
                   "-s", "DOWNLOAD_DELAY_JITTER=0", "-s", "COLLECTOR_PARSE_AFTER_CRAWL=0"]
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    starts = sorted(start for spans in probe.intervals.values() for start, _, _ in spans)
    assert len(starts) >= 3
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:])]
    assert min(gaps) >= 1.25, gaps
