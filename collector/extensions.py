"""Scrapy extensions of the project (``EXTENSIONS`` in ``collector.settings``): both make every crawl of
the project, the benchmark's bare spider included, cheaper per response."""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class CrawlGarbageCollection:
    """Python's cyclic garbage collector tuned for the length of a crawl (``COLLECTOR_GC_THRESHOLD``).

    Every response makes thousands of short-lived objects (requests, Deferreds, lxml proxies), so with
    Python's default threshold of 700 allocations the collector runs about every tenth of a millisecond
    of crawling, and every few hundred runs it walks the whole heap: Scrapy, SQLAlchemy's metadata, the
    registry, every agency's state. Measured on a 300-agency farm, collections took 0.9 s of a 7.8 s
    crawl. When the spider opens, what exists by then (code, settings, registry) is frozen out of
    collection (``gc.freeze``) and the youngest generation's threshold raised; both are put back when
    the crawl has closed, so a process that goes on afterwards is left as it was. 0 turns it off.
    """

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self._previous: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlGarbageCollection:
        threshold = crawler.settings.getint("COLLECTOR_GC_THRESHOLD")
        if threshold <= 0:
            raise NotConfigured
        extension = cls(threshold)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self) -> None:
        self._previous = gc.get_threshold()
        gc.collect()
        gc.freeze()
        gc.set_threshold(self.threshold, *self._previous[1:])

    def spider_closed(self) -> None:
        if self._previous is not None:
            gc.set_threshold(*self._previous)
            gc.unfreeze()
            self._previous = None


class LogLevelAtLoggers:
    """``LOG_LEVEL`` set on the loggers, not only on Scrapy's handler.

    Scrapy leaves the root logger at NOTSET and its own ``scrapy`` logger at DEBUG and filters in its
    handler, so every debug call (Crawled…, Scraped…: two or three per response, one per PDF token in
    pdfminer when parsing) builds a record only to drop it. That cost a crawl about 3 % and made
    parsing in the crawl's process 2.3 times slower. Set when the spider opens, after Scrapy has
    installed its handler.
    """

    def __init__(self, level: int | str) -> None:
        self.level = level

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LogLevelAtLoggers:
        extension = cls(crawler.settings.get("LOG_LEVEL") or logging.INFO)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self) -> None:
        for name in ("", "scrapy"):
            logging.getLogger(name).setLevel(self.level)
