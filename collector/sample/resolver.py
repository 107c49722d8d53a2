"""A Scrapy DNS resolver for crawls of the sample portal farm: ``*.sample.test`` is 127.0.0.1, nothing else resolves.

Every farm agency has its own host name (so per-host politeness and download slots are real) but all
of them are served by one process on the loopback address. Set::

    TWISTED_DNS_RESOLVER = "collector.sample.resolver.SampleResolver"

and crawl ``http://<agency>.sample.test:<port>/`` (the port is in the registry URLs). Names outside
the farm's domain fail with a DNS lookup error, so a crawl of the farm can never reach the
internet, not even through the external links the farm plants as traps.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from collector.sample.portal.config import DEFAULT_DOMAIN

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.base import ReactorBase

LOOPBACK = "127.0.0.1"


@implementer(IResolverSimple)
class SampleResolver:
    """Resolves the farm's domain (setting ``SAMPLE_PORTAL_DOMAIN``, default ``sample.test``) to loopback."""

    def __init__(self, reactor: ReactorBase, domain: str = DEFAULT_DOMAIN) -> None:
        self.reactor = reactor
        self.domain = domain.lower().strip(".")

    @classmethod
    def from_crawler(cls, crawler: Crawler, reactor: ReactorBase) -> SampleResolver:
        return cls(reactor, crawler.settings.get("SAMPLE_PORTAL_DOMAIN", DEFAULT_DOMAIN))

    def install_on_reactor(self) -> None:
        self.reactor.installResolver(self)

    def resolves(self, name: str) -> bool:
        name = name.lower().rstrip(".")
        return name == self.domain or name.endswith("." + self.domain)

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> defer.Deferred[str]:  # noqa: N802 (Twisted API)
        if self.resolves(name):
            return defer.succeed(LOOPBACK)
        return defer.fail(DNSLookupError(f"{name} is outside the sample farm ({self.domain})"))
