"""The store pipeline's back-pressure: items pass at once until BACKLOG writes are outstanding, then wait.

The ledger is a stand-in whose writes complete only when the test says so; no crawl runs here.
"""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import Future
from types import SimpleNamespace

from collector.items import ListPage
from collector.pipelines import BACKLOG, StorePipeline


class SlowLedger:
    """Hands out a future per write and keeps them, so the test decides when each write is done."""

    writer_stopped = None

    def __init__(self) -> None:
        self.writes: list[Future] = []

    def store_page(self, page: ListPage) -> Future:
        self.writes.append(Future())
        return self.writes[-1]


class Stats:
    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def inc_value(self, key: str) -> None:
        self.values[key] = self.values.get(key, 0) + 1


def pipeline() -> tuple[StorePipeline, SlowLedger, Stats]:
    ledger, stats = SlowLedger(), Stats()
    store = StorePipeline(SimpleNamespace(spider=SimpleNamespace(ledger=ledger), stats=stats))
    store.open_spider()
    return store, ledger, stats


def page(number: int) -> ListPage:
    return ListPage("a", f"http://a.example/list_{number}.html", "GET", None, "list", 200, b"<html></html>")


def test_items_wait_for_the_oldest_write_once_the_backlog_is_full():
    store, ledger, _ = pipeline()
    passed = [store.process_item(page(number)) for number in range(BACKLOG)]
    assert all(isinstance(item, ListPage) for item in passed)  # handed over, not waited for

    last = page(BACKLOG)
    waiting = store.process_item(last)
    assert inspect.iscoroutine(waiting)  # a coroutine, not a Deferred (deprecated by Scrapy 2.19)

    async def finish_oldest_then_wait():
        task = asyncio.ensure_future(waiting)
        await asyncio.sleep(0)
        assert not task.done()  # the oldest write is still outstanding
        ledger.writes[0].set_result(None)
        return await asyncio.wait_for(task, timeout=5)

    assert asyncio.run(finish_oldest_then_wait()) is last


def test_a_failed_write_is_counted_and_does_not_fail_the_item():
    store, ledger, stats = pipeline()
    for number in range(BACKLOG):
        store.process_item(page(number))
    last = page(BACKLOG)
    waiting = store.process_item(last)
    ledger.writes[0].set_exception(OSError("disk full"))
    assert asyncio.run(waiting) is last
    assert stats.values == {"collector/store_failed": 1}


def test_done_writes_leave_the_backlog():
    store, ledger, _ = pipeline()
    for number in range(3 * BACKLOG):
        assert isinstance(store.process_item(page(number)), ListPage)
        ledger.writes[-1].set_result(None)
