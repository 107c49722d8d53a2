"""The server around the farm: lifecycle, Host routing, keep-alive, the clock, the CLI and the Scrapy resolver."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
from datetime import date

import pytest
import yaml
from sample_portal_support import LOOPBACK, Client
from typer.testing import CliRunner

from collector.cli import app
from collector.sample.portal import SamplePortal

_SCRAPY_PROBE = """
import sys
from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess

class Probe(Spider):
    name = "probe"

    async def start(self):
        yield Request(sys.argv[1], callback=self.page, errback=self.failed)
        yield Request("http://evil.test/", callback=self.page, errback=self.failed)

    def page(self, response):
        print("PAGE", response.status, response.url, "政务公开" in response.text, flush=True)

    def failed(self, failure):
        print("FAILED", failure.type.__name__, flush=True)

process = CrawlerProcess(settings={"TWISTED_DNS_RESOLVER": "collector.sample.resolver.SampleResolver",
                                   "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "ERROR", "RETRY_ENABLED": False,
                                   "REMOTE_CONTROL_ENABLED": False, "TELNETCONSOLE_ENABLED": False})
process.crawl(Probe)
process.start()
"""


@pytest.fixture(scope="module")
def portal():
    with SamplePortal(agencies=24, seed=3, fault_rate=0) as running:
        yield running


def test_start_stop_and_addresses():
    portal = SamplePortal(agencies=3, seed=1)
    port = portal.start()
    try:
        assert portal.url_for(2) == f"http://{portal.farm.roster[2].host}:{port}/"
        assert portal.url_for(portal.farm.roster[2].id, "/zwgk/") == portal.url_for(2, "/zwgk/")
        assert Client(port).get_url(portal.url_for(1)).status == 200
        with pytest.raises(RuntimeError):
            portal.start()
        with pytest.raises(OSError):
            SamplePortal(agencies=3, port=port).start()  # the port is taken
    finally:
        portal.stop()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((LOOPBACK, port), timeout=2)


def test_routes_on_host_and_keeps_connections_alive(portal):
    client = Client(portal.port)
    assert client.request("nobody.sample.test", "/").status == 404
    first = client.request(portal.farm.roster[0].host, "/")
    second = client.request(portal.farm.roster[1].host, "/")
    assert first.status == second.status == 200 and first.body != second.body
    assert client._connection is not None and client._connection.sock is not None  # one connection for both
    head = client.request(portal.farm.roster[0].host, "/", method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["content-length"]) == len(first.body)
    client.close()


def test_pipelined_requests_are_answered_in_order(portal):
    host = portal.farm.roster[4].host
    with socket.create_connection((LOOPBACK, portal.port), timeout=10) as raw:
        raw.sendall(f"GET /robots.txt HTTP/1.1\r\nHost: {host}\r\n\r\nGET /nope HTTP/1.1\r\nHost: {host}\r\n"
                    "Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := raw.recv(65536):
            data += chunk
    probe = Client(portal.port)
    expected_robots = probe.request(host, "/robots.txt").status
    probe.close()
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", data) == [str(expected_robots).encode(), b"404"]


def test_moving_the_clock_hides_and_reveals_reports(portal):
    rows = [row for row in portal.manifest() if row["row"] == "url" and row["kind"] == "report" and row["in_window"]]
    latest = max(rows, key=lambda row: row["pub_date"])
    client = Client(portal.port)
    assert client.get_url(latest["url"]).status == 200
    portal.as_of = date.fromisoformat(latest["pub_date"]).replace(day=1) if latest["pub_date"][-2:] != "01" else date(2019, 1, 1)
    try:
        assert client.get_url(latest["url"]).status == 404
        assert all(row["pub_date"] <= portal.as_of.isoformat() for row in portal.manifest()
                   if row["row"] == "url" and row["kind"] == "report")
    finally:
        portal.as_of = date(2025, 6, 30)
    assert client.get_url(latest["url"]).status == 200
    client.close()


def test_manifest_and_registry_files(portal, tmp_path):
    rows = portal.write_manifest(tmp_path / "manifest.jsonl")
    lines = (tmp_path / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
    assert rows == len(lines) and json.loads(lines[0])["row"] == "agency"
    assert portal.write_registry(tmp_path / "agencies.yaml") == 24
    assert yaml.safe_load((tmp_path / "agencies.yaml").read_text(encoding="utf-8"))["allow_private_hosts"] is True


def test_cli_writes_manifest_and_registry(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["sample-portal", "registry", str(tmp_path / "r.yaml"), "--port", "8400",
                                 "--agencies", "9", "--seed", "4"])
    assert result.exit_code == 0, result.output
    registry = yaml.safe_load((tmp_path / "r.yaml").read_text(encoding="utf-8"))
    assert len(registry["agencies"]) == 9 and ":8400/" in registry["agencies"][0]["portal"]
    result = runner.invoke(app, ["sample-portal", "manifest", str(tmp_path / "m.jsonl"), "--port", "8400",
                                 "--agencies", "9", "--seed", "4", "--as-of", "2023-01-01"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()]
    assert all(row["pub_date"] <= "2023-01-01" for row in rows if row["row"] == "url" and row.get("pub_date"))


def test_cli_serve_runs_until_interrupted(tmp_path):
    command = [sys.executable, "-m", "collector.cli", "sample-portal", "serve", "--agencies", "5", "--seed", "2",
               "--registry", str(tmp_path / "r.yaml")]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()
        assert line.startswith("serving 5 agencies on 127.0.0.1:"), line + server.stderr.read()
        port = int(line.split("127.0.0.1:")[1].split()[0])
        portal_url = yaml.safe_load((tmp_path / "r.yaml").read_text(encoding="utf-8"))["agencies"][0]["portal"]
        assert Client(port).get_url(portal_url.replace("https://", "http://")).status == 200
    finally:
        server.send_signal(signal.SIGINT)
        assert server.wait(timeout=30) == 0


def test_scrapy_reaches_the_farm_through_the_resolver_and_nothing_else(portal):
    probe = subprocess.run([sys.executable, "-c", _SCRAPY_PROBE, portal.url_for(0)], capture_output=True, text=True,
                           timeout=120)
    assert f"PAGE 200 {portal.url_for(0)} True" in probe.stdout, probe.stdout + probe.stderr
    assert re.search(r"FAILED (DNSLookupError|CannotResolveHostError)", probe.stdout), probe.stdout
