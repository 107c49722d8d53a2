"""The item pipeline: hand what the spider fetched to the run's ledger, which archives and records it.

Nothing is parsed here: parsing a report costs tens of milliseconds of CPU, which on the reactor
thread would stall every download. The ledger's writer thread does the archive and database work,
the pipeline only waits for it (so a slow disk slows the crawl down instead of filling memory), and
the run's documents are parsed after the crawl (``PortalSpider.closed``).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from collector.items import FetchedDocument, ListPage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

    from collector.crawl.ledger import Ledger


class StorePipeline:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.ledger: Ledger | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        self.ledger = getattr(self.crawler.spider, "ledger", None)

    async def process_item(self, item: object) -> object:
        import os
        if self.ledger is None or os.environ.get("NOSTORE"):
            return item
        if isinstance(item, ListPage):
            await asyncio.wrap_future(self.ledger.store_page(item))
        elif isinstance(item, FetchedDocument):
            await asyncio.wrap_future(self.ledger.store_document(item))
        return item
