"""The item pipeline: hand what the spider fetched to the run's ledger, which archives and records it.

Nothing is parsed here: parsing a report costs tens of milliseconds of CPU, which on the reactor
thread would stall every download; the run's documents are parsed after the crawl
(``PortalSpider.closed``). Storing happens in the writer process (``collector.crawl.writer``); the
pipeline does not wait for each item's row, only when more than :data:`BACKLOG` items are still
unwritten, so a slow disk slows the crawl down instead of filling memory. A failed write is logged
and counted (``collector/store_failed``); the run's end waits for every write.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from concurrent.futures import Future
from typing import TYPE_CHECKING

from twisted.internet.defer import Deferred

from collector.items import FetchedDocument, ListPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from collector.crawl.ledger import Ledger

#: Items handed over but not yet written before the pipeline waits for the oldest.
BACKLOG = 256

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ledger: Ledger | None = None
        self._backlog: deque[Future] = deque()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.ledger = getattr(self.crawler.spider, "ledger", None)

    def process_item(self, item: object) -> object:
        """The item at once (a plain method: Scrapy wraps a coroutine per item, which cost more than the
        hand-over), or, while too many writes are outstanding, a Deferred that waits for the oldest."""
        if self.ledger is None:
            return item
        if isinstance(item, ListPage):
            written = self.ledger.store_page(item)
        elif isinstance(item, FetchedDocument):
            written = self.ledger.store_document(item)
        else:
            return item
        written.add_done_callback(lambda future, url=item.url: self._check(future, url))
        self._backlog.append(written)
        while self._backlog and self._backlog[0].done():
            self._backlog.popleft()
        if len(self._backlog) > BACKLOG:
            oldest = asyncio.wrap_future(self._backlog.popleft())
            return Deferred.fromFuture(oldest).addCallback(lambda _: item)
        return item

    def _check(self, written: Future, url: str) -> None:
        error = written.exception()
        if error is not None:
            self.crawler.stats.inc_value("collector/store_failed")
            logger.error("could not store %s: %s", url, error)
