"""The service configuration: the shipped example, defaults, and every problem reported at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from collector.service.config import DEFAULT_PATH, ServiceConfig, ServiceConfigInvalid, duration, load_config
from collector.service.steps import crawl_command
from service_support import write_config

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_example_is_the_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    shipped = load_config(DEFAULT_PATH)
    assert shipped == load_config(Path("/dev/null"))
    assert str(shipped.timezone) == "Asia/Shanghai"
    assert shipped.crawl.schedule == "0 2 * * *" and shipped.reparse.schedule is None
    assert shipped.registry == ROOT / "config" / "agencies.yaml"
    assert shipped.webhook is None and shipped.email is None


def test_without_a_file_the_defaults_apply(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.log_file == tmp_path / "var" / "collector.log"
    assert config.crawl.time_limit == timedelta(hours=6)


def test_judged_and_crawled_years_follow_the_run_date() -> None:
    assert ServiceConfig().judged_years(2026) == (2025,)
    assert ServiceConfig().crawl_years(2026) == "2024-2025"
    assert ServiceConfig(compliance_years=(2023, 2024)).crawl_years(2026) == "2022-2024"


def test_a_full_file_is_read(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "s.yaml", {
        "timezone": "UTC", "database": "sqlite:///x.db", "registry": "r.yaml", "misfire_grace": "2h",
        "crawl": {"schedule": "30 1 * * *", "time_limit": "90m", "years": "2020-2024",
                  "settings": {"DOWNLOAD_DELAY": 2}, "command": ["/bin/true"],
                  "nodes": ["http://10.0.0.5:6800/", "https://node2.example"], "node_slots": 4, "shards": 30},
        "reparse": {"schedule": "0 4 * * 0"}, "compliance": {"years": [2024]}, "events": {"failure_nights": 2},
        "lock": {"expiry": 300},
        "notifiers": {"webhook": {"url": "http://127.0.0.1:9/hook", "timeout": "5s"},
                      "email": {"host": "127.0.0.1", "sender": "a@example.org", "recipients": "b@example.org",
                                "port": 2525, "starttls": True}}}))
    assert config.crawl.time_limit == timedelta(minutes=90) and config.misfire_grace == timedelta(hours=2)
    assert config.crawl.settings == {"DOWNLOAD_DELAY": "2"} and config.crawl.command == ("/bin/true",)
    assert config.crawl.nodes == ("http://10.0.0.5:6800", "https://node2.example")
    assert crawl_command(config, "2024")[-6:] == ["--nodes", "http://10.0.0.5:6800,https://node2.example",
                                                  "--node-slots", "4", "--shards", "30"]
    assert config.lock_expiry == timedelta(seconds=300) and config.failure_nights == 2
    assert config.email is not None and config.email.recipients == ("b@example.org",) and config.email.port == 2525
    assert config.webhook is not None and config.webhook.timeout == timedelta(seconds=5)
    assert config.registry == Path("r.yaml").absolute()


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write_config(tmp_path / "s.yaml", {
        "timezone": "Mars/Olympus", "shedule": 1,
        "crawl": {"schedule": "every night", "time_limit": "soon", "nodes": ["http://ops:pw@node1:6800"]},
        "events": {"failure_nights": 0}, "notifiers": {"email": {"host": "h"}, "pager": {}}})
    with pytest.raises(ServiceConfigInvalid) as caught:
        load_config(path)
    problems = "\n".join(caught.value.problems)
    for expected in ("timezone: 'Mars/Olympus' is not a time zone", "shedule: unknown key",
                     "crawl: schedule: 'every night' is not a cron expression", "crawl: time_limit: 'soon'",
                     "events: failure_nights: 0 is not a positive whole number",
                     "notifiers: email: sender: required", "notifiers: email: recipients: required",
                     "notifiers: pager: unknown key", "crawl: nodes: node node1: put credentials in SCRAPYD_"):
        assert expected in problems
    assert str(caught.value).startswith(f"{path}: ")


@pytest.mark.parametrize(("text", "seconds"), [("90", 90), ("90s", 90), ("30m", 1800), ("6h", 21600), ("1d", 86400),
                                               ("1.5h", 5400)])
def test_durations(text: str, seconds: int) -> None:
    assert duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "0", "-5m", "5 minutes", "True"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        duration(text)
