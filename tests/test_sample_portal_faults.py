"""Per-host faults of portals.md §11.4 behave as the manifest says, deterministically."""

from __future__ import annotations

import hashlib
import http.client
import itertools
import json
import socket
import ssl
from urllib.parse import unquote

import pytest
from sample_portal_support import LOOPBACK, Client, coverage_index, coverage_portal

from collector.sample.portal.config import FarmConfig
from collector.sample.portal.farm import Farm
from collector.sample.portal.faults import WAF_TEXT
from collector.sample.portal.protocol import Request

SLOW = 0.5


@pytest.fixture(scope="module")
def portal():
    with coverage_portal(slow_seconds=SLOW) as running:
        yield running


@pytest.fixture(scope="module")
def rows(portal):
    return [row for row in portal.manifest() if row["row"] == "url"]


@pytest.fixture()
def client(portal):
    portal.reset_faults()
    client = Client(portal.port)
    yield client
    client.close()


def host(portal, fault: str) -> str:
    return portal.farm.roster[coverage_index(faults=(fault,))].host


def affected(rows, portal, fault: str) -> str:
    """A target on the fault's host that the manifest says the fault hits."""
    name = host(portal, fault)
    return next(row["url"].split(f":{portal.port}", 1)[1] for row in rows if row["host"] == name and fault in row["faults"])


def test_jiasule_521_is_a_two_step_cookie_challenge(portal, client):
    name = host(portal, "js_521")
    first = client.request(name, "/")
    assert first.status == 521 and "__jsluid_s=" in first.headers["set-cookie"]
    token = first.text().split("('=')+('")[1].split("'")[0]
    uid = first.headers["set-cookie"].split(";")[0]
    second = client.request(name, "/", headers={"Cookie": f"{uid}; __jsl_clearance_s={token}"})
    assert second.status == 521 and "go({" in second.text()
    params = json.loads(second.text().split("go(")[1].split(")</script>")[0])
    answer = next(params["bts"][0] + a + b + params["bts"][1] for a, b in itertools.product(params["chars"], repeat=2)
                  if hashlib.sha1((params["bts"][0] + a + b + params["bts"][1]).encode()).hexdigest() == params["ct"])
    third = client.request(name, "/", headers={"Cookie": f"{uid}; __jsl_clearance_s={answer}"})
    assert third.status == 200 and "政务公开" in third.text()


@pytest.mark.parametrize(("fault", "status"), [("rs_412", 412), ("rs_202", 202)])
def test_ruishu_pages_never_let_through(portal, client, fault, status):
    for _ in range(2):
        reply = client.request(host(portal, fault), "/")
        assert reply.status == status
        assert "$_ts" in reply.text() and "FSSBBIl1UgzbN7N80S=" in reply.headers["set-cookie"]


@pytest.mark.parametrize(("fault", "status"), [("waf_403", 403), ("waf_405", 405)])
def test_waf_blocks_every_path(portal, client, fault, status):
    for target in ("/", "/robots.txt", "/zwgk/"):
        reply = client.request(host(portal, fault), target)
        assert reply.status == status and WAF_TEXT in reply.text()


def test_429_then_success_and_again_after_reset(portal, client):
    name = host(portal, "rate_429")
    first = client.request(name, "/zwgk/")
    assert first.status == 429 and first.headers["retry-after"] == "2"
    assert client.request(name, "/zwgk/").status == 200
    portal.reset_faults()
    assert client.request(name, "/zwgk/").status == 429


def test_5xx_on_selected_paths_heals_on_retry(portal, client, rows):
    target = affected(rows, portal, "error_5xx")
    name = host(portal, "error_5xx")
    assert client.request(name, target).status in (500, 502, 503)
    assert client.request(name, target).status == 200


def test_connection_reset_then_success(portal, client, rows):
    target = affected(rows, portal, "reset")
    name = host(portal, "reset")
    with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
        client.request(name, target)
    assert client.request(name, target).status == 200


def test_a_slow_path_times_out_a_hasty_client_once(portal, rows):
    target = affected(rows, portal, "slow")
    name = host(portal, "slow")
    hasty = Client(portal.port, timeout=SLOW / 5)
    with pytest.raises(TimeoutError):
        hasty.request(name, target)
    hasty.close()
    retry = Client(portal.port, timeout=SLOW / 5)  # the retry is answered at once
    assert retry.request(name, target).status == 200
    retry.close()


def test_soft_404_and_plain_404(portal, client):
    soft = client.request(host(portal, "soft_404"), "/no/such/page.html")
    assert soft.status == 200 and "页面不存在" in soft.text()
    plain = client.request(host(portal, "column_moved"), "/no/such/page.html")
    assert plain.status == 404 and "页面不存在" in plain.text()


def test_moved_column_redirect_loop_and_trailing_slash(portal, client):
    moved = client.request(host(portal, "column_moved"), "/zwgk/zfxxgknb/")
    assert moved.status == 301 and moved.headers["location"] == "/"
    name = host(portal, "redirect_loop")
    first = client.request(name, "/hdjl/")
    second = client.request(name, first.headers["location"])
    assert (first.status, second.status) == (302, 302) and second.headers["location"] == "/hdjl/"
    strict = portal.farm.family(coverage_index(faults=("no_trailing_slash",)))
    column = strict.column_path()
    assert client.request(strict.agency.host, column.rstrip("/")).status == 404
    assert client.request(strict.agency.host, column).status == 200
    lenient = portal.farm.family(coverage_index(faults=("column_moved",)))
    redirect = client.request(lenient.agency.host, lenient.column_path().rstrip("/"))
    assert redirect.status == 301 and redirect.headers["location"] == lenient.column_path()


def test_tls_is_refused_everywhere(portal):
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    with socket.create_connection((LOOPBACK, portal.port), timeout=5) as raw:
        with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
            with context.wrap_socket(raw, server_hostname=host(portal, "http_only")):
                pass


def test_link_traps_are_planted_and_unbounded(portal, client):
    name = host(portal, "link_traps")
    home = client.request(name, "/").text()
    for trap in ('href="el.url"', 'href="logoutUrl"', 'href="javascript:void(0)"', "ipv6best.cn", "/calendar/?date="):
        assert trap in home
    target = "/calendar/?date=2025-06-30"
    for _ in range(3):
        page = client.request(name, target).text()
        target = page.split('href="/calendar/?date=')[2].split('"')[0]
        target = f"/calendar/?date={target}"
    assert target == "/calendar/?date=2025-07-03"
    assert "page=8" in client.request(name, "/search/?q=x&page=7").text()


def test_attachment_headers(portal, client, rows):
    def attachment(fault: str):
        name = host(portal, fault)
        target = next(row["url"].split(f":{portal.port}", 1)[1] for row in rows
                      if row["host"] == name and row["kind"] == "attachment")
        return client.request(name, target)

    assert attachment("attachment_octet").headers["content-type"] == "application/octet-stream"
    raw = attachment("attachment_gbk_name").headers["content-disposition"].encode("latin-1")
    assert raw.decode("gbk").endswith('.pdf"') and "年" in raw.decode("gbk")
    rfc = attachment("attachment_rfc5987").headers["content-disposition"]
    assert "filename*=UTF-8''" in rfc and "年" in unquote(rfc.split("''", 1)[1])
    plain = attachment("robots_partial")  # no attachment fault: a PDF named by its doc id
    assert plain.headers["content-type"] == "application/pdf" and plain.body.startswith(b"%PDF")


def test_robots_variants(portal, client):
    assert client.request(host(portal, "robots_missing"), "/robots.txt").status == 404
    html = client.request(host(portal, "robots_html"), "/robots.txt")
    assert html.status == 200 and html.headers["content-type"].startswith("text/html")
    assert "Disallow: /\n" in client.request(host(portal, "robots_disallow_all"), "/robots.txt").text()
    partial = client.request(host(portal, "robots_partial"), "/robots.txt").text()
    assert "Disallow: /search/" in partial and "Disallow: /\n" not in partial
    assert client.request(host(portal, "soft_404"), "/robots.txt").text() == "User-agent: *\nDisallow:\n"


def test_deleted_document_refreshes_to_its_folder():
    config = FarmConfig(agencies=200, seed=5, fault_rate=0)
    farm = Farm(config)
    index = next(index for index in range(200) if farm.family(index).site.gone)
    farm = Farm(FarmConfig(agencies=200, seed=5, fault_rate=0, overrides={index: {"faults": ("deleted_refresh",)}}))
    family = farm.family(index)
    target = next(iter(family.site.gone))
    response = farm.handle(Request("GET", target, {"host": family.agency.host}))
    assert response.status == 200 and b'http-equiv="refresh" content="0;url=../"' in response.body
