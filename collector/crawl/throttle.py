"""Keep Scrapy's per-host concurrency limit true when the download delay is zero.

Scrapy 2.19 under the asyncio reactor starts each download of a slot as an asyncio task, and the
task counts itself as "transferring" only when it first runs. A slot whose delay is 0 hands out its
whole queue in one pass before any of those tasks has run, so ``CONCURRENT_REQUESTS_PER_DOMAIN = 1``
lets every queued request for a host go at once (the sample-farm tests saw up to six requests held
by the server for one host). With any positive delay the downloader hands out one request per pass
and waits for a timer, by which time the started task has counted itself. So a delay of zero
(tests, ``--no-politeness``) is raised to a millisecond, and the jitter is kept below 100 % so a
drawn delay is never zero either.
"""

from __future__ import annotations

from scrapy.settings import BaseSettings

MIN_DOWNLOAD_DELAY = 0.001
MAX_JITTER = 0.9
#: Above the command line's priority (40): the floor holds whatever ``-s`` said.
_PRIORITY = 50


def keep_slot_limits(settings: BaseSettings) -> None:
    if settings.getfloat("DOWNLOAD_DELAY") < MIN_DOWNLOAD_DELAY:
        settings.set("DOWNLOAD_DELAY", MIN_DOWNLOAD_DELAY, priority=_PRIORITY)
    if settings.getfloat("DOWNLOAD_DELAY_JITTER") > MAX_JITTER:
        settings.set("DOWNLOAD_DELAY_JITTER", MAX_JITTER, priority=_PRIORITY)
