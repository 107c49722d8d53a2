"""Scrapy settings for the project (named in ``scrapy.cfg``); polite defaults for government portals."""

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
RANDOMIZE_DOWNLOAD_DELAY = True
AUTOTHROTTLE_ENABLED = True
DOWNLOAD_MAXSIZE = 50 * 1024 * 1024
DOWNLOAD_TIMEOUT = 60
FEED_EXPORT_ENCODING = "utf-8"
