"""The project's Scrapy extensions: garbage collection tuned for a crawl, log levels on the loggers."""

from __future__ import annotations

import gc
import logging
from types import SimpleNamespace

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings

from collector.extensions import CrawlGarbageCollection, LogLevelAtLoggers


def _crawler(**settings):
    """As much of a crawler as the extensions read: its settings, and signals to connect to."""
    return SimpleNamespace(settings=Settings(settings), signals=SimpleNamespace(connect=lambda receiver, signal: None))


@pytest.fixture
def gc_state():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_the_crawl_collects_less_often_and_leaves_the_start_up_heap_alone_then_restores_both(gc_state):
    before = gc.get_threshold()
    extension = CrawlGarbageCollection.from_crawler(_crawler(COLLECTOR_GC_THRESHOLD=12_345))
    extension.spider_opened()
    assert gc.get_threshold() == (12_345, *before[1:])
    assert gc.get_freeze_count() > 0
    extension.spider_closed()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_a_threshold_of_zero_leaves_the_collector_alone():
    with pytest.raises(NotConfigured):
        CrawlGarbageCollection.from_crawler(_crawler(COLLECTOR_GC_THRESHOLD=0))


@pytest.fixture
def log_levels():
    loggers = [logging.getLogger(), logging.getLogger("scrapy")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)


def test_debug_calls_of_scrapy_and_of_libraries_build_no_record_above_debug(log_levels):
    logging.getLogger("scrapy").setLevel(logging.DEBUG)  # as Scrapy's logging configuration leaves it
    logging.getLogger().setLevel(logging.NOTSET)
    LogLevelAtLoggers.from_crawler(_crawler(LOG_LEVEL="INFO")).spider_opened()
    assert not logging.getLogger("scrapy.core.scraper").isEnabledFor(logging.DEBUG)
    assert not logging.getLogger("pdfminer.psparser").isEnabledFor(logging.DEBUG)
    assert logging.getLogger("scrapy.core.engine").isEnabledFor(logging.INFO)
