"""The scheduler's per-host queue: idle hosts first, least recently served first, like Scrapy's but cheaper."""

from __future__ import annotations

import random
from types import SimpleNamespace
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.settings import Settings
from scrapy.squeues import FifoMemoryQueue

from collector.crawl.scheduling import IdleSlotFirstQueue


class Downloads:
    """The downloader as the queue sees it: a slot per host and the downloads under way in each."""

    def __init__(self) -> None:
        self.slots: dict[str, SimpleNamespace] = {}

    def get_slot_key(self, request: Request) -> str:
        return _host(request)

    def under_way(self, host: str, count: int) -> None:
        self.slots[host] = SimpleNamespace(active=set(range(count)))


def _queue() -> tuple[IdleSlotFirstQueue, Downloads]:
    downloads = Downloads()
    crawler = SimpleNamespace(engine=SimpleNamespace(downloader=downloads), settings=Settings())
    return IdleSlotFirstQueue(crawler, FifoMemoryQueue, ""), downloads


def _request(host: str, number: int, priority: int = 0) -> Request:
    return Request(f"http://{host}.sample.test/{number}", priority=priority)


def _host(request: Request) -> str:
    return urlsplit(request.url).hostname.split(".")[0]


def _hosts(queue: IdleSlotFirstQueue, count: int) -> list[str]:
    return [_host(queue.pop()) for _ in range(count)]


def test_hosts_take_turns():
    queue, _ = _queue()
    for number in range(3):
        for host in ("a", "b", "c"):
            queue.push(_request(host, number))
    assert _hosts(queue, 9) == ["a", "b", "c"] * 3
    assert queue.pop() is None and len(queue) == 0


def test_an_idle_host_goes_before_a_busy_one_and_the_least_busy_before_the_rest():
    queue, downloads = _queue()
    for host in ("a", "b", "c", "d"):
        queue.push(_request(host, 1))
    downloads.under_way("a", 2)
    downloads.under_way("b", 1)
    downloads.under_way("c", 3)
    assert _hosts(queue, 4) == ["d", "b", "a", "c"]


def test_within_a_host_the_higher_priority_goes_first():
    queue, _ = _queue()
    queue.push(_request("a", 1, priority=0))
    queue.push(_request("a", 2, priority=3))
    assert queue.peek().url.endswith("/2")
    assert [queue.pop().url[-1] for _ in range(2)] == ["2", "1"]


def test_every_request_comes_from_a_least_busy_host():
    """Scrapy's DownloaderAwarePriorityQueue's promise, kept over a long random run."""
    rng = random.Random(5)
    queue, downloads = _queue()
    hosts = [f"h{index}" for index in range(30)]
    queued = {host: 0 for host in hosts}
    for step in range(3000):
        if rng.random() < 0.55:
            host = rng.choice(hosts)
            queue.push(_request(host, step, priority=rng.randrange(4)))
            queued[host] += 1
        elif len(queue):
            waiting = [host for host in hosts if queued[host]]
            least = min(len(downloads.slots[host].active) if host in downloads.slots else 0 for host in waiting)
            host = _host(queue.pop())
            assert (len(downloads.slots[host].active) if host in downloads.slots else 0) == least
            queued[host] -= 1
        if rng.random() < 0.3:
            downloads.under_way(rng.choice(hosts), rng.randrange(3))
    assert len(queue) == sum(queued.values())
