"""A downloader that keeps Scrapy's per-host concurrency limit true: ``DOWNLOADER`` in the settings.

Scrapy 2.19 under the asyncio reactor starts each download of a slot as an asyncio task, and the
task counts itself as "transferring" only when it first runs. Until then the slot looks free, so
when the download delay is 0 (tests, ``--no-politeness``), or when more time than a short delay
passes between two looks at the queue (a busy reactor), the slot hands out several queued requests
at once: ``CONCURRENT_REQUESTS_PER_DOMAIN = 1`` let up to six requests reach one host together in the
sample-farm tests. Here a request counts as transferring from the moment it is handed out.
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from scrapy import Request
from scrapy.core.downloader import Downloader, Slot
from twisted.internet.defer import Deferred


class SlotSafeDownloader(Downloader):
    def _wait_for_download(self, slot: Slot, request: Request, queue_dfd: Deferred) -> Coroutine[Any, Any, None]:
        slot.transferring.add(request)  # the download task removes it when it ends, as it does its own entry
        return super()._wait_for_download(slot, request, queue_dfd)
