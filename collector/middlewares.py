"""Downloader middlewares: where the crawler may connect, blocks it must notice, and how it backs off.

* :class:`PrivateAddressGuard` refuses requests whose host is, or resolves to, a loopback, private,
  link-local or otherwise non-public address, redirects included (a redirect is a new request and
  passes here again); the address the answer actually came from is checked once more. A registry with
  ``allow_private_hosts: true`` (tests, the bundled demo) opens loopback only, never private ranges.
* :class:`BlockDetector` recognises anti-bot challenges and WAF pages (portals.md §9), marks the host
  blocked and refuses every further request to it: blocks are reported, never defeated.
* :class:`PoliteRetry` makes a host wait before it is asked again after a 429/5xx or a broken
  connection: the ``Retry-After`` it asked for (capped), else an exponential backoff (5, 15, 45 … s by
  default). Scrapy's ``RetryMiddleware`` still decides whether to retry.
* :class:`RefererKeepingRedirect` and :class:`RefererKeepingMetaRefresh` replace Scrapy's redirect
  middlewares so that a redirected request keeps the ``Referer`` the spider gave the original one
  (download endpoints check it, and Scrapy's RefererMiddleware, which would set it, is off).

Refusals raise subclasses of ``IgnoreRequest``, so the request's errback learns why.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from collector.crawl.responses import block_reason, may_refer, retry_after

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class PrivateAddressRefused(IgnoreRequest):
    """The request would reach a loopback or private address the registry does not allow."""


class HostBlocked(IgnoreRequest):
    """The host answered with an anti-bot challenge or a WAF page."""


def _address_problem(address: str, *, allow_loopback: bool) -> str | None:
    """Why the crawler must not connect to ``address``, or None when it may."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.is_loopback:
        return None if allow_loopback else f"{address} is a loopback address (allow_private_hosts is off)"
    if not ip.is_global:
        return f"{address} is a private or reserved address"
    return None


class PrivateAddressGuard:
    """Checks every request's host before the connection and the peer address after it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self._verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PrivateAddressGuard:
        return cls(crawler)

    @property
    def _allow_loopback(self) -> bool:
        return bool(getattr(self.crawler.spider, "allow_private_hosts", False))

    async def process_request(self, request: Request) -> None:
        host = urlparse_cached(request).hostname or ""
        if host not in self._verdicts:
            address = host
            try:
                ipaddress.ip_address(host)
            except ValueError:
                from twisted.internet import reactor

                try:
                    address = await maybe_deferred_to_future(reactor.resolve(host))
                except DNSLookupError:
                    return  # the download fails on its own, with the lookup error
            self._verdicts[host] = _address_problem(address, allow_loopback=self._allow_loopback)
        problem = self._verdicts[host]
        if problem:
            self.crawler.stats.inc_value("collector/private_address_refused")
            raise PrivateAddressRefused(f"refused {host}: {problem}")

    def process_response(self, request: Request, response: Response) -> Response:
        peer = response.ip_address
        problem = _address_problem(str(peer), allow_loopback=self._allow_loopback) if peer else None
        if problem:
            raise PrivateAddressRefused(f"refused the answer of {urlparse_cached(request).hostname}: {problem}")
        return response


class BlockDetector:
    """Turns a challenge or WAF answer into :class:`HostBlocked` for this and every later request to the host."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.blocked: dict[str, str] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BlockDetector:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        reason = self.blocked.get(urlparse_cached(request).hostname or "")
        if reason:
            raise HostBlocked(reason)

    def process_response(self, request: Request, response: Response) -> Response:
        reason = block_reason(response.status, response.body)
        if reason:
            host = urlparse_cached(request).hostname or ""
            if host not in self.blocked:
                self.crawler.stats.inc_value("collector/blocked_hosts")
            self.blocked[host] = reason
            raise HostBlocked(reason)
        return response


class PoliteRetry:
    """Per-host waits after 429/5xx answers and connection failures, honouring ``Retry-After``."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 5.0)
        self.factor = settings.getfloat("RETRY_BACKOFF_FACTOR", 3.0)
        self.longest = settings.getfloat("RETRY_BACKOFF_MAX", 120.0)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.not_before: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PoliteRetry:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        wait = self.not_before.get(urlparse_cached(request).hostname or "", 0.0) - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    def _hold(self, request: Request, seconds: float) -> None:
        host = urlparse_cached(request).hostname or ""
        self.not_before[host] = max(self.not_before.get(host, 0.0), time.monotonic() + seconds)

    def _backoff(self, request: Request) -> float:
        return min(self.longest, self.base * self.factor ** request.meta.get("retry_times", 0))

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status in self.codes:
            asked = retry_after(response.headers.get("Retry-After"))
            self._hold(request, min(asked, self.retry_after_max) if asked is not None else self._backoff(request))
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if not isinstance(exception, IgnoreRequest):
            self._hold(request, self._backoff(request))


class _KeepsReferer:
    """Redirects keep the request's ``Referer`` (by the spider's policy: not from https to http).

    Scrapy's redirect middlewares drop the header and let its RefererMiddleware set it again; that spider
    middleware is off (every spider middleware wraps every output of every callback, which the crawl
    measured at several per cent, settings.py), and the spider sets ``Referer`` itself."""

    def handle_referer(self, request: Request, response: Response) -> None:
        referer = request.headers.get("Referer")
        if referer and not may_refer(referer.decode("latin-1"), request.url):
            del request.headers["Referer"]

    def _engine_started(self) -> None:
        """Scrapy warns here that no RefererMiddleware will handle redirects: this class does."""


class RefererKeepingRedirect(_KeepsReferer, RedirectMiddleware):
    pass


class RefererKeepingMetaRefresh(_KeepsReferer, MetaRefreshMiddleware):
    pass
