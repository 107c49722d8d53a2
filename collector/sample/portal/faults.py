"""Per-host network faults (portals.md §11.4): which hosts have which, and the answers they give.

Two kinds live here. *Gates* answer before the site does: anti-bot challenges (加速乐 521,
瑞数 412/202), WAF blocks, 429, 5xx, resets and slow answers. *Site behaviours* (soft 404s,
moved columns, traps, attachment headers, robots variants) only change how a site is built, so
the site and family code read them from ``Agency.faults``; this module just names and draws them.

Transient faults are deterministic so tests can assert them: an affected path fails on its first
request and succeeds from the second on (``FaultState`` counts), and which paths are affected is
a pure function of seed, host and path (``affects``), which the manifest reports per URL.
"""

from __future__ import annotations

import hashlib
import html
import threading
from typing import TYPE_CHECKING

from collector.sample.portal.protocol import Request, Response
from collector.sample.portal.rng import digest, hex_id, rng

if TYPE_CHECKING:
    from collector.sample.portal.agencies import Agency

#: Fault groups; a host draws at most one fault per group, each with about the given probability.
FAULT_GROUPS: dict[str, tuple[tuple[str, float], ...]] = {
    "block": (("js_521", 0.02), ("rs_412", 0.005), ("rs_202", 0.004), ("waf_403", 0.005), ("waf_405", 0.003)),
    "transient": (("rate_429", 0.05), ("error_5xx", 0.05), ("reset", 0.02), ("slow", 0.02)),
    "missing": (("soft_404", 0.08), ("deleted_refresh", 0.05)),
    "drift": (("column_moved", 0.02), ("redirect_loop", 0.03), ("http_only", 0.02), ("no_trailing_slash", 0.03)),
    "traps": (("link_traps", 0.10),),
    "attachment": (("attachment_octet", 0.08), ("attachment_gbk_name", 0.04), ("attachment_rfc5987", 0.04)),
    "robots": (("robots_missing", 0.15), ("robots_html", 0.05), ("robots_partial", 0.10), ("robots_disallow_all", 0.005)),
}
FAULTS: tuple[str, ...] = tuple(name for table in FAULT_GROUPS.values() for name, _ in table)

#: Hosts with these faults never serve content: the spider must classify them as ``blocked``.
BLOCKING = frozenset({"rs_412", "rs_202", "waf_403", "waf_405"})

#: Faults met in front of the site (the rest change how the site itself is built).
_GATE_FAULTS = frozenset({"js_521", "rate_429", "error_5xx", "reset", "slow"}) | BLOCKING

#: Share of a host's paths hit by a path-selective fault.
_SELECTIVE = {"error_5xx": 2, "reset": 2, "slow": 3}  # every n-th path, by digest

WAF_TEXT = "当前访问疑似黑客攻击，已被网站管理员设置为拦截"


def assign(seed: int | str, index: int, rate: float) -> tuple[str, ...]:
    """The faults drawn for agency ``index``; ``rate`` scales every probability (0 = none)."""
    chosen: list[str] = []
    for group, table in FAULT_GROUPS.items():
        draw = rng(seed, "faults", index, group).random()
        threshold = 0.0
        for name, probability in table:
            threshold += probability * rate
            if draw < threshold:
                chosen.append(name)
                break
    return tuple(chosen)


def affects(seed: int | str, agency: Agency, fault: str, path: str) -> bool:
    """Whether ``fault`` of this host applies to a request for ``path``."""
    if fault not in agency.faults:
        return False
    every = _SELECTIVE.get(fault)
    return every is None or digest(seed, agency.host, fault, path) % every == 0


def url_faults(seed: int | str, agency: Agency, path: str) -> list[str]:
    """The gate faults a request for ``path`` on this host meets (reported per URL in the manifest)."""
    return [fault for fault in agency.faults if fault in _GATE_FAULTS and affects(seed, agency, fault, path)]


class FaultState:
    """Counts requests per (host, path, fault) so first-request faults heal on the retry.

    The server's event loop is the only writer; the lock only guards ``reset`` from a test thread.
    """

    def __init__(self) -> None:
        self._seen: set[tuple[str, str, str]] = set()
        self._lock = threading.Lock()

    def first(self, host: str, path: str, fault: str) -> bool:
        key = (host, path, fault)
        with self._lock:
            if key in self._seen:
                return False
            self._seen.add(key)
            return True

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()


def gate(seed: int | str, agency: Agency, request: Request, state: FaultState) -> Response | None:
    """The fault answer for this request, or None when the site itself should answer."""
    faults = agency.faults
    for status, fault in ((412, "rs_412"), (202, "rs_202")):
        if fault in faults:
            return _ruishu(seed, agency, status)
    for status, fault in ((403, "waf_403"), (405, "waf_405")):
        if fault in faults:
            return _html(status, f"<h1>{status}</h1><p>{WAF_TEXT}</p><p>如果您是网站管理员，请登录知道创宇云安全查看详情</p>",
                         title="创宇盾")
    if "js_521" in faults:
        challenge = _jiasule(seed, agency, request)
        if challenge is not None:
            return challenge
    path = request.path
    if affects(seed, agency, "rate_429", path) and state.first(agency.host, path, "rate_429"):
        response = _html(429, "<h1>429 Too Many Requests</h1><p>访问过于频繁，请稍后再试。</p>")
        response.headers.append(("Retry-After", "2"))
        return response
    if affects(seed, agency, "error_5xx", path) and state.first(agency.host, path, "error_5xx"):
        status = (500, 502, 503)[digest(seed, agency.host, path, "status") % 3]
        return _html(status, f"<center><h1>{status}</h1></center><hr><center>nginx</center>")
    if affects(seed, agency, "reset", path) and state.first(agency.host, path, "reset"):
        return Response(reset=True)
    return None


def slow_down(seed: int | str, agency: Agency, path: str, response: Response, seconds: float,
              state: FaultState) -> Response:
    """Hold back the first answer for each slow path of a slow host (a client that times out gets the
    retry at once, like the other transient faults)."""
    if affects(seed, agency, "slow", path) and state.first(agency.host, path, "slow"):
        response.delay = seconds
    return response


def _html(status: int, body: str, *, title: str = "") -> Response:
    page = f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{title or status}</title></head><body>{body}</body></html>"
    return Response(status, page.encode("utf-8"), [("Content-Type", "text/html; charset=utf-8"), ("Server", "nginx")])


def _jiasule_tokens(seed: int | str, agency: Agency) -> tuple[str, str]:
    """The clearance cookie values of the two challenge steps (first: from plain JS; second: from go())."""
    return hex_id(32, seed, agency.host, "jsl1"), hex_id(32, seed, agency.host, "jsl2")


def _jiasule(seed: int | str, agency: Agency, request: Request) -> Response | None:
    """加速乐/创宇盾 two-step 521: a literal cookie first, then a small sha1 puzzle via ``go({...})``.

    Both steps are benign and deterministic, so a spider may solve them or report them; the real
    scheme's obfuscation is left out on purpose.
    """
    first, final = _jiasule_tokens(seed, agency)
    clearance = request.cookie("__jsl_clearance_s")
    if clearance == final:
        return None
    headers: list[tuple[str, str | bytes]] = [("Content-Type", "text/html"), ("Server", "JSL")]
    if clearance != first:
        headers.append(("Set-Cookie", f"__jsluid_s={hex_id(32, seed, agency.host, 'uid')}; max-age=31536000; path=/; HttpOnly"))
        script = (f"document.cookie=('__jsl_clearance_s')+('=')+('{first}')+(';max-age=3600;path=/');"
                  "location.href=location.pathname+location.search")
        return Response(521, f"<html><body><script>{script}</script></body></html>".encode("ascii"), headers)
    # Step two: the answer is bts[0] + two characters of `chars` + bts[1], found by matching ct.
    prefix, suffix = final[:15], final[17:]
    chars = "0123456789abcdef"
    ct = hashlib.sha1(final.encode("ascii")).hexdigest()
    params = (f'{{"bts":["{prefix}","{suffix}"],"chars":"{chars}","ct":"{ct}","ha":"sha1","is":true,'
              f'"tn":"__jsl_clearance_s","vt":"3600","wt":"1500"}}')
    return Response(521, f"<html><body><script>go({params})</script></body></html>".encode("ascii"), headers)


def _ruishu(seed: int | str, agency: Agency, status: int) -> Response:
    """A 瑞数-like page: obfuscated bootstrap script, ``$_ts``, a random meta and the S/T cookie pair."""
    token = hex_id(64, seed, agency.host, "rs")
    meta_id = hex_id(12, seed, agency.host, "rs-meta")
    script = f"$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={{}};$_ts.nsd={digest(seed, agency.host) % 90000 + 10000};$_ts.cd=\"{token}\";"
    body = (f"<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">"
            f"<meta id=\"{meta_id}\" content=\"{html.escape(token * 3)}\" r=\"m\">"
            f"<script type=\"text/javascript\" r=\"m\">{script}</script>"
            f"<script type=\"text/javascript\" charset=\"utf-8\" src=\"/{meta_id}/{token[:10]}.js\" r=\"m\"></script>"
            "</head><body></body></html>")
    headers: list[tuple[str, str | bytes]] = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Set-Cookie", f"FSSBBIl1UgzbN7N80S={token[:40]}; Path=/; expires=Fri, 01 Jan 2100 00:00:00 GMT; HttpOnly"),
    ]
    return Response(status, body.encode("utf-8"), headers)
