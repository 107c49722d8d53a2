"""The item pipeline: hand what the spider fetched to the run's ledger, which archives and records it.

Nothing is parsed here: parsing a report costs tens of milliseconds of CPU, which on the reactor
thread would stall every download; the run's documents are parsed after the crawl
(``PortalSpider.closed``). Storing happens in the writer process (``collector.crawl.writer``); the
pipeline does not wait for each item's row, only when more than :data:`BACKLOG` items are still
unwritten, so a slow disk slows the crawl down instead of filling memory. A failed write is logged
and counted (``collector/store_failed``); the run's end waits for every write. When the writer process
itself is gone (killed, crashed), the crawl stops with the reason ``writer_stopped`` rather than fetch
pages it can no longer store; the run stays open for ``collector crawl --resume``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from concurrent.futures import Future
from typing import TYPE_CHECKING

from scrapy.utils.defer import deferred_from_coro

from collector.items import FetchedDocument, ListPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from collector.crawl.ledger import Ledger

#: Items handed over but not yet written before the pipeline waits for the oldest.
BACKLOG = 256
#: The crawl's finish reason when the writer process died: what was fetched could not be stored.
WRITER_STOPPED = "writer_stopped"

logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ledger: Ledger | None = None
        self._backlog: deque[Future] = deque()
        self._writer_lost = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.ledger = getattr(self.crawler.spider, "ledger", None)

    def process_item(self, item: object) -> object:
        """The item at once (a plain method: Scrapy wraps a coroutine per item, which cost more than the
        hand-over), or, while too many writes are outstanding, a coroutine that waits for the oldest."""
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
            return _once_done(self._backlog.popleft(), item)
        return item

    def _check(self, written: Future, url: str) -> None:
        """Count and log a failed write (in the writer's reader thread); stop the crawl when the writer
        process is gone, as nothing fetched from then on could be stored."""
        error = written.exception()
        if error is None:
            return
        self.crawler.stats.inc_value("collector/store_failed")
        stopped = self.ledger.writer_stopped if self.ledger is not None else None
        if stopped is None:
            logger.error("could not store %s: %s", url, error)
        elif not self._writer_lost:
            self._writer_lost = True
            logger.error("%s: stopping the crawl", stopped)
            from twisted.internet import reactor  # the one Scrapy installed (importing it earlier would install one)

            reactor.callFromThread(self._close_spider)

    def _close_spider(self) -> None:
        deferred_from_coro(self.crawler.engine.close_spider_async(reason=WRITER_STOPPED))


async def _once_done(written: Future, item: object) -> object:
    """``item``, once ``written`` is done (a failed write is counted and logged by ``_check``)."""
    with contextlib.suppress(Exception):
        await asyncio.wrap_future(written)
    return item
