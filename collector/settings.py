"""Scrapy settings for the project (named in ``scrapy.cfg``); polite defaults for government portals.

One request at a time per host, a delay of about a second with ±50 % jitter, AutoThrottle on top,
robots.txt obeyed, no cookies (so a cookie challenge cannot be answered by accident), bounded sizes
and times, and a User-Agent that says who we are. ``collector crawl --no-politeness`` (benchmarks)
and ``-s NAME=VALUE`` (tests: small delays) override them for one run.
"""

BOT_NAME = "collector"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

# Scrapy 2.19 turns on an aiohttp remote-control server and telnet by default: both off.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

USER_AGENT = "gov-report-collector/0.1 (+https://example.invalid/collector; annual-report compliance monitor)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_WARNSIZE = 20 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# collector.middlewares.PoliteRetry: a host waits 5, 15, 45 … s (at most 120) after a failure, or what
# its Retry-After asks for (at most RETRY_AFTER_MAX).
RETRY_BACKOFF_BASE = 5.0
RETRY_BACKOFF_FACTOR = 3.0
RETRY_BACKOFF_MAX = 120.0
RETRY_AFTER_MAX = 120.0
REDIRECT_MAX_TIMES = 5
METAREFRESH_MAXDELAY = 10
# Scrapy starts CONCURRENT_ITEMS asyncio tasks (and a queue) for every callback's outputs, however few
# they are: the default 100 cost a quarter of the crawler's time, 8 still about 4 % more than 1. Nothing
# is gained by handling one response's outputs in parallel: a request is only queued, and the store
# pipeline hands an item over without waiting (collector/pipelines.py).
CONCURRENT_ITEMS = 1
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# The scheduler keeps a queue per host, as Scrapy's downloader-aware priority queue does (toolchain.md
# §3: a single queue makes per-host delays expensive across many hosts), but serves the first idle
# host without scanning every host on each request (collector/crawl/scheduling.py). The downloader is
# Scrapy's, made to count a request as transferring as soon as it is handed out (collector/crawl/throttle.py).
DOWNLOADER = "collector.crawl.throttle.SlotSafeDownloader"
SCHEDULER_PRIORITY_QUEUE = "collector.crawl.scheduling.IdleSlotFirstQueue"
DOWNLOADER_MIDDLEWARES = {
    "collector.middlewares.PrivateAddressGuard": 60,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "collector.middlewares.RefererKeepingMetaRefresh": 580,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "collector.middlewares.RefererKeepingRedirect": 600,
    "collector.middlewares.PoliteRetry": 560,
    "collector.middlewares.BlockDetector": 570,
}
ITEM_PIPELINES = {"collector.pipelines.StorePipeline": 300}
EXTENSIONS = {"collector.extensions.CrawlGarbageCollection": 100, "collector.extensions.LogLevelAtLoggers": 100}
#: Allocations between collections of Python's youngest generation during a crawl (default 700; see
#: ``collector.extensions.CrawlGarbageCollection``); 0 leaves the collector alone.
COLLECTOR_GC_THRESHOLD = 10_000
# Every callback output passes through every spider middleware, each a layer of async generators:
# depth is not used (discovery counts its own levels), the per-agency request cap already bounds URL
# traps, and the meta-copy check is a development lint; together they cost the crawl about 15 %.
# The start middleware only marks start requests, which the spider does itself; the Referer header
# is set by the spider too (``PortalSpider._settle``); each was another few per cent.
SPIDER_MIDDLEWARES = {"scrapy.spidermiddlewares.depth.DepthMiddleware": None,
                      "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
                      "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
                      "scrapy.spidermiddlewares.start.StartSpiderMiddleware": None,
                      "scrapy.spidermiddlewares.referer.RefererMiddleware": None}
# A development lint that re-reads and parses a generator callback's source on every response (its
# cache is keyed by the bound method, a new object each time).
WARN_ON_GENERATOR_RETURN_VALUE = False

# Where the crawl stores what it fetches (``collector crawl --db/--archive`` or ``-a db=… -a archive=…``
# override them; empty means $COLLECTOR_DB_URL / $COLLECTOR_ARCHIVE, else var/).
COLLECTOR_DB_URL = ""
COLLECTOR_ARCHIVE = ""
# Parse the run's new documents when the crawl ends (off: leave them to `collector reparse`).
COLLECTOR_PARSE_AFTER_CRAWL = True
# At most this many requests per agency: a guard against link traps the discovery rules miss.
COLLECTOR_MAX_REQUESTS_PER_AGENCY = 2000
