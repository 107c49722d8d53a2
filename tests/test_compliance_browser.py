"""The HTML compliance report opened in headless Chromium: it renders, sorts, and raises no script error."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from collector.cli import app

CHROMIUM = shutil.which("chromium")
SCREENSHOT = Path(__file__).resolve().parents[1] / "var" / "compliance-report.png"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if CHROMIUM is None:
    if os.environ.get("CI"):
        pytest.fail("chromium is missing: .ci/system-packages installs it", pytrace=False)
    pytestmark = pytest.mark.skip(reason="chromium is not installed (apt-get install chromium)")


def _chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
                           "--v=0", *arguments], capture_output=True, text=True, timeout=120, check=True)


@pytest.fixture
def report(stored, db_url, tmp_path) -> Path:
    path = tmp_path / "compliance.html"
    result = CliRunner().invoke(app, ["compliance", "--year", "2022", "--as-of", "2023-06-30", "--db", db_url,
                                      "--format", "html", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_report_renders_without_script_errors(report, tmp_path):
    rendered = _chromium(tmp_path, "--dump-dom", report.as_uri())
    assert "Uncaught" not in rendered.stderr
    assert "By region" in rendered.stdout and 'id="agencies"' in rendered.stdout
    assert rendered.stdout.count("<tr>") >= 5 + 5  # the agency rows and the rollup rows
    SCREENSHOT.parent.mkdir(exist_ok=True)
    _chromium(tmp_path, "--window-size=1280,1600", f"--screenshot={SCREENSHOT}", report.as_uri())
    assert SCREENSHOT.stat().st_size > 10_000
