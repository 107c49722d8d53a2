"""The ``portal`` spider: every registered agency's 年报 column, its reports and their files.

    scrapy crawl portal -a agencies=config/agencies.yaml [-a agency=ID,ID] [-a years=2019-2024]
                        [-a db=URL] [-a archive=DIR] [-a resume=1]
    scrapy crawl portal -a run=RUN_ID -a shard=K/N -a attempt=A     (a shard of a distributed run, issue 9)

Per agency: start from the registry's ``report_pages`` or discover the column from the home page
(``collector.crawl.discovery``); read every list page and list API (``collector.crawl.pagination``);
request the detail pages whose titles are reports of the wanted years (``collector.crawl.classify``)
and the files they point to. Callbacks only assemble; the ``collector.crawl`` modules do the reading.

Each request is counted against its agency until its callback or errback has run; when an agency
has nothing left in flight, its outcome is written (so an interrupted run can resume with the
agencies it has not finished). Requests are deduplicated per agency by the spider itself (callback,
method, URL, form), which is what makes that count exact.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.defer import deferred_from_coro
from twisted.python.failure import Failure

from collector.crawl import patterns
from collector.crawl.classify import MAYBE, OTHER, Verdict, classify
from collector.crawl.discovery import Site, column_links, section_links, sub_column_links
from collector.crawl.ledger import FINISHED, INTERRUPTED, Ledger
from collector.crawl.outcome import AgencyCrawl
from collector.crawl.pages import Page
from collector.crawl.pagination import HTML, Entry, ListCall, further_pages, html_entries, read_api
from collector.crawl.politeness import apply_politeness
from collector.crawl.responses import kept_headers, may_refer
from collector.crawl.shard import SUPERSEDED, ShardJob
from collector.errors import CollectorError
from collector.items import FetchedDocument, ListPage
from collector.middlewares import HostBlocked, PrivateAddressRefused
from collector.registry import DEFAULT_PATH, AgencyEntry, Registry, load_registry, registry_from_json

#: Report years looked for when none are given: from the 2008 条例 on.
FIRST_YEAR = 2008
#: Request priorities: finish an agency's documents before opening more lists, and lists before navigation.
_NAV, _LIST, _REPORT, _FILE = 0, 1, 2, 3
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def parse_years(text: str | None) -> range:
    """``2019-2024`` or ``2021`` as a range of report years; all years from 2008 when empty."""
    if not text:
        return range(FIRST_YEAR, date.today().year + 1)
    first, _, last = text.partition("-")
    try:
        years = range(int(first), int(last or first) + 1)
    except ValueError:
        raise CollectorError(f"years: {text!r} is not YYYY or YYYY-YYYY") from None
    if not years:
        raise CollectorError(f"years: {text!r} is an empty range")
    return years


@dataclass(frozen=True, slots=True)
class Listing:
    """What the list said about a document: its title and date, where it was listed, whose it is."""

    title: str
    date: date | None
    list_url: str | None
    verdict: Verdict
    owner: str


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, agencies: str | None = None, agency: str | None = None, years: str | None = None,
                 db: str | None = None, archive: str | None = None, resume: str | None = None,
                 run: str | None = None, shard: str | None = None, attempt: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.shard = ShardJob.from_arguments(run, shard, attempt)
        self.resume = resume not in (None, "", "0", "false")
        self._db, self._archive = db, archive
        self.crawls: dict[str, AgencyCrawl] = {}
        self.statuses: Counter[str] = Counter()
        self.ledger: Ledger | None = None
        self._closing = False
        if self.shard is None:  # a shard reads its registry and years from the run's plan (from_crawler)
            self._use(load_registry(Path(agencies) if agencies else DEFAULT_PATH),
                      [name for name in (agency or "").split(",") if name], years)

    def _use(self, registry: Registry, wanted: list[str], years: str | None) -> None:
        """Crawl ``wanted`` agencies of ``registry`` (all when empty) for ``years``."""
        self.registry = registry
        self.allow_private_hosts = registry.allow_private_hosts
        self.entries = {entry.id: entry for entry in registry.agencies}
        unknown = [name for name in wanted if name not in self.entries]
        if unknown:
            raise CollectorError(f"unknown agency {', '.join(unknown)}: not in the registry")
        self.selected = [self.entries[name] for name in wanted] if wanted else list(registry.agencies)
        self.years = parse_years(years)
        self.children: dict[str, list[AgencyEntry]] = {}
        for entry in registry.agencies:
            if entry.parent:
                self.children.setdefault(entry.parent, []).append(entry)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any) -> PortalSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        spider.ledger = Ledger.open(spider._db or settings.get("COLLECTOR_DB_URL") or None,
                                    spider._archive or settings.get("COLLECTOR_ARCHIVE") or None)
        if spider.shard is not None:  # the run's plan holds the shard's registry, agencies and years
            spider.shard_work = work = spider.ledger.shard_work(spider.shard.run_id, spider.shard.number)
            spider._use(registry_from_json(work.registry), work.agency_ids, work.years)
        # Settings are frozen after this method: the registry's politeness goes in now.
        applied = apply_politeness(settings, spider.registry.defaults)
        if applied:
            spider.logger.info("politeness from the registry: %s", applied)
        spider.max_requests = settings.getint("COLLECTOR_MAX_REQUESTS_PER_AGENCY", 2000)
        spider.parse_after_crawl = settings.getbool("COLLECTOR_PARSE_AFTER_CRAWL", True)
        return spider

    # --- start ---------------------------------------------------------------------------------------------

    async def start(self):
        if self.shard is not None:
            begun = self.ledger.begin_shard(self.shard.run_id, self.shard_work)
            self.logger.info("%s: %d agencies, %d done by an earlier attempt", self.shard, len(self.selected),
                             len(begun.done))
        else:
            begun = self.ledger.begin(self.registry, [entry.id for entry in self.selected], resume=self.resume)
        self.crawler.stats.set_value("collector/run_id", begun.run_id)
        if begun.resumed:
            self.logger.info("resuming crawl run %d: %d agencies already done", begun.run_id, len(begun.done))
        for entry in self.selected:
            if entry.id in begun.done:
                continue
            crawl = self.crawls[entry.id] = AgencyCrawl(entry.id)
            for request in self._entry_requests(crawl, entry):
                request.meta["is_start_request"] = True  # Scrapy's start queue (its StartSpiderMiddleware is off)
                yield request

    def _entry_requests(self, crawl: AgencyCrawl, entry: AgencyEntry) -> list[scrapy.Request]:
        if entry.report_pages:
            requests = [self._request(crawl, url, self._parse_list, _LIST, entry=True, role="column")
                        for url in entry.report_pages]
        else:
            requests = [self._discover(crawl)]
        return [request for request in requests if request is not None]

    def _discover(self, crawl: AgencyCrawl) -> scrapy.Request | None:
        """Start over from the home page (no column in the registry, or the registered one is gone)."""
        crawl.discovering = True
        portal = self.entries[crawl.agency_id].portal
        return self._request(crawl, portal, self._parse_nav, _NAV, entry=True, nav_depth=0)

    # --- requests and their accounting ---------------------------------------------------------------------

    def _request(self, crawl: AgencyCrawl, url: str, callback: Callable, priority: int, *, method: str = "GET",
                 form: str | None = None, headers: dict[str, str] | None = None, **meta: Any) -> scrapy.Request | None:
        """A request counted against ``crawl``, or None when the agency already made it (or too many)."""
        key = (callback.__name__, method, url, form or "")
        if key in crawl.seen or crawl.requests >= self.max_requests:
            return None
        crawl.seen.add(key)
        crawl.requests += 1
        crawl.pending += 1
        return scrapy.Request(url, callback=callback, errback=self._failed, method=method, body=form,
                              headers={**(_FORM if form else {}), **(headers or {})}, priority=priority,
                              dont_filter=True, meta={"agency": crawl.agency_id, **meta})

    def _settle(self, crawl: AgencyCrawl, outputs: Iterable, referer: str | None = None) -> Iterator:
        """Yield a callback's outputs, then count its request as done and close the agency when nothing is left.

        Requests get the page they were found on as ``Referer`` (download endpoints check it) here rather
        than from Scrapy's RefererMiddleware: every spider middleware wraps every output in another async
        generator, which cost the crawl several per cent (settings.py). When the agency's last request is
        done and its lists were read, the documents they no longer list are asked for once more
        (:meth:`_revisits`); the agency closes when those are done too.
        """
        failed = False
        revisits: list[scrapy.Request] = []
        try:
            for output in outputs:
                if output is None:
                    continue
                if referer is not None and isinstance(output, scrapy.Request) and may_refer(referer, output.url):
                    output.headers.setdefault("Referer", referer)
                yield output
        except Exception as exc:  # a bug on one page must show in the agency's outcome, not only in the log
            failed = True
            crawl.error(f"spider error: {type(exc).__name__}: {exc}")
            raise
        finally:
            crawl.pending -= 1
            if crawl.pending == 0:
                revisits = [] if failed else self._revisits(crawl)
                if not revisits:
                    self._finish(crawl)
        yield from revisits

    def _revisits(self, crawl: AgencyCrawl) -> list[scrapy.Request]:
        """Requests for documents of the years that earlier crawls found listed and this one did not: a report
        taken down answers 404 (or a redirect home, or an error page), one merely dropped from the list does
        not. Asked once per agency, and only when its lists were read (an unreadable portal proves nothing)."""
        if crawl.revisited or not crawl.column_found or crawl.blocked or crawl.robots_denied:
            return []
        crawl.revisited = True
        requested = {key[2] for key in crawl.seen}
        unlisted = [url for url, year in self.ledger.listed_before(crawl.agency_id).items()
                    if url not in requested and (year is None or year in self.years)]
        requests = [self._request(crawl, url, self._parse_revisit, _REPORT, headers=self._conditional(url),
                                  handle_httpstatus_list=[304, 404, 410]) for url in unlisted]
        return [request for request in requests if request is not None]

    def _finish(self, crawl: AgencyCrawl) -> None:
        self.crawls.pop(crawl.agency_id, None)
        status, reason = crawl.status()
        self.statuses[status] += 1
        self.crawler.stats.inc_value(f"collector/agencies/{status}")
        self.ledger.record_outcome(crawl)
        self.logger.debug("%s: %s%s", crawl.agency_id, status, f" ({reason})" if reason else "")
        if self.shard is not None and not self._closing and self.shard.superseded(self.ledger.db):
            # The controller gave this attempt up (its node looked lost) and sent the shard again: stop
            # here rather than crawl the same portals as the new attempt.
            self._closing = True
            self.logger.warning("%s: superseded by a later attempt; stopping", self.shard)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=SUPERSEDED))

    def _crawl_of(self, request: scrapy.Request) -> AgencyCrawl:
        return self.crawls[request.meta["agency"]]

    def _conditional(self, url: str) -> dict[str, str]:
        """Validators of the stored copy, so an unchanged document answers 304 without its bytes."""
        known = self.ledger.known(url)
        headers = {}
        if known and known.etag:
            headers["If-None-Match"] = known.etag
        if known and known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers

    # --- callbacks -----------------------------------------------------------------------------------------

    def _parse_nav(self, response: Response) -> Iterator:
        crawl = self._crawl_of(response.request)
        yield from self._settle(crawl, self._read_nav(crawl, response), response.url)

    def _parse_list(self, response: Response) -> Iterator:
        crawl = self._crawl_of(response.request)
        yield from self._settle(crawl, self._read_list(crawl, response), response.url)

    def _parse_api(self, response: Response) -> Iterator:
        crawl = self._crawl_of(response.request)
        yield from self._settle(crawl, self._read_api(crawl, response), response.url)

    def _parse_report(self, response: Response) -> Iterator:
        crawl = self._crawl_of(response.request)
        yield from self._settle(crawl, self._read_report(crawl, response), response.url)

    def _parse_file(self, response: Response) -> Iterator:
        crawl = self._crawl_of(response.request)
        yield from self._settle(crawl, self._read_file(crawl, response), response.url)

    def _parse_revisit(self, response: Response) -> Iterator:
        crawl = self._crawl_of(response.request)
        yield from self._settle(crawl, self._read_revisit(crawl, response))

    def _failed(self, failure: Failure) -> Iterator:
        request = failure.request
        crawl = self._crawl_of(request)
        yield from self._settle(crawl, self._read_failure(crawl, request, failure))

    # --- reading responses ---------------------------------------------------------------------------------

    def _page(self, crawl: AgencyCrawl, response: Response) -> Page | None:
        """The response as an HTML page, or None (with the reason noted) when it is not a usable one."""
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if content_type and "html" not in content_type and "xml" not in content_type:
            crawl.error(f"{response.url}: not an HTML page ({content_type})")
            return None
        page = _page_of(response, response.body, content_type)
        if page.is_soft_404:
            crawl.error(f"{response.url}: page not found (soft 404)")
            return None
        crawl.answered = True
        return page

    def _read_nav(self, crawl: AgencyCrawl, response: Response) -> Iterator:
        page = self._page(crawl, response)
        if page is None:
            return
        site = self._site(crawl.agency_id)
        columns = column_links(page.anchors, response.url, site)
        for url in columns:
            yield self._request(crawl, url, self._parse_list, _LIST, role="column")
        depth = response.meta.get("nav_depth", 0)
        if not columns and depth < patterns.MAX_DISCOVERY_DEPTH:
            for url in section_links(page.anchors, response.url, site):
                yield self._request(crawl, url, self._parse_nav, _NAV, nav_depth=depth + 1)

    def _site(self, agency_id: str) -> Site:
        """Where discovery may go: the hosts the registry names for the agency, its government's other hosts."""
        entry = self.entries[agency_id]
        declared = frozenset(host for url in entry.report_pages if (host := urlsplit(url).hostname))
        return Site(urlsplit(entry.portal).hostname or "", declared)

    def _read_list(self, crawl: AgencyCrawl, response: Response) -> Iterator:
        page = self._page(crawl, response)
        if page is None:
            yield from self._entry_fallback(crawl, response.request)
            return
        crawl.pages += 1
        request = response.request
        yield ListPage(crawl.agency_id, response.url, request.method, _form(request), response.meta["role"],
                       response.status, response.body)
        entries = html_entries(page)
        reports = [wanted for entry in entries if (wanted := self._entry_request(crawl, entry, response.url))]
        calls = further_pages(page)
        listed = {entry.url for entry in entries if classify(entry.title).kind != OTHER}
        subs = [url for url in sub_column_links(page.anchors, response.url) if url not in listed]
        dated = any(entry.date for entry in entries)
        if reports or calls or subs or dated:
            crawl.column_found = True
        elif response.meta.get("entry"):
            yield from self._entry_fallback(crawl, request)
        yield from reports
        for call in calls:
            yield self._list_request(crawl, call)
        for url in subs:
            yield self._request(crawl, url, self._parse_list, _LIST, role="list")

    def _read_api(self, crawl: AgencyCrawl, response: Response) -> Iterator:
        call: ListCall = response.meta["call"]
        crawl.answered = True
        crawl.pages += 1
        yield ListPage(crawl.agency_id, response.url, call.method, call.body or None, "api", response.status,
                       response.body)
        entries, more = read_api(call, Page.from_bytes(response.url, response.body).text)
        if entries:
            crawl.column_found = True
        for entry in entries:
            yield self._entry_request(crawl, entry, response.url)
        for following in more:
            yield self._list_request(crawl, following)

    def _list_request(self, crawl: AgencyCrawl, call: ListCall) -> scrapy.Request | None:
        if call.api == HTML:
            return self._request(crawl, call.url, self._parse_list, _LIST, method=call.method,
                                 form=call.body or None, role="list")
        return self._request(crawl, call.url, self._parse_api, _LIST, method=call.method, form=call.body or None,
                             call=call)

    def _owner(self, agency_id: str, *names: str) -> str:
        """A unit's report listed on its government's portal belongs to the unit (named in the title or as
        the page's publisher); anything else belongs to the agency whose portal it is on."""
        text = " ".join(names)
        named = [child for child in self.children.get(agency_id, ()) if child.name in text]
        return max(named, key=lambda child: len(child.name)).id if named else agency_id

    def _entry_request(self, crawl: AgencyCrawl, entry: Entry, list_url: str) -> scrapy.Request | None:
        """A request for a listed document whose title is (or may be) a report of a wanted year."""
        verdict = classify(entry.title)
        if verdict.kind == OTHER or (verdict.year is not None and verdict.year not in self.years):
            return None
        listing = Listing(entry.title, entry.date, list_url, verdict, self._owner(crawl.agency_id, entry.title))
        if patterns.FILE_EXTENSION.search(entry.url) or patterns.DOWNLOAD_ENDPOINT.search(entry.url):
            if verdict.kind == MAYBE:
                return None  # a file's bytes say nothing about its title: only a clear report title is taken
            crawl.reports += 1
            return self._request(crawl, entry.url, self._parse_file, _FILE, headers=self._conditional(entry.url),
                                 listing=listing, parent=None, handle_httpstatus_list=[304])
        return self._request(crawl, entry.url, self._parse_report, _REPORT, headers=self._conditional(entry.url),
                             listing=listing, handle_httpstatus_list=[304])

    def _body(self, crawl: AgencyCrawl, response: Response) -> tuple[bytes, bool]:
        """The document's bytes and whether they are unchanged: a 304 answer (the archived copy is current)
        or the same bytes as stored last time. Unchanged documents are neither stored nor parsed again."""
        if response.status == 304:
            crawl.unchanged += 1
            return self.ledger.archived(response.url) or b"", True
        if self.ledger.unchanged(response.url, response.body):
            crawl.unchanged += 1
            return response.body, True
        return response.body, False

    def _read_report(self, crawl: AgencyCrawl, response: Response) -> Iterator:
        listing: Listing = response.meta["listing"]
        if _gone(response):
            crawl.error(f"{response.request.url}: taken down (redirected to {response.url})")
            return
        body, unchanged = self._body(crawl, response)
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        page = _page_of(response, body, content_type)
        if page.is_soft_404:
            crawl.error(f"{response.url}: page not found (soft 404)")
            return
        crawl.answered = True
        heading = classify(page.heading)
        if heading.kind == OTHER and listing.verdict.kind == MAYBE:
            return
        year = heading.year or listing.verdict.year or page.statistics_year()
        if year is None or year not in self.years:
            return
        variant = heading.variant if heading.variant != "text" else listing.verdict.variant
        if self.children.get(crawl.agency_id):
            listing = replace(listing, owner=self._owner(crawl.agency_id, listing.title, page.heading, page.publisher))
        crawl.reports += 1
        if not unchanged:
            crawl.documents += 1
            yield self._document(crawl, response, body, listing, "report_page", year, variant, parent=None)
        for url in page.attachments():
            yield self._request(crawl, url, self._parse_file, _FILE, headers=self._conditional(url),
                                listing=listing, parent=response.url, year=year, variant=variant,
                                handle_httpstatus_list=[304])

    def _read_revisit(self, crawl: AgencyCrawl, response: Response) -> Iterator:
        """A document no longer listed: note it gone when the portal says it is not there any more."""
        asked = (response.meta.get("redirect_urls") or [response.url])[0]
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if response.status in (404, 410) or _gone(response) or (
                response.status == 200 and "html" in content_type
                and Page.from_bytes(response.url, response.body, content_type).is_soft_404):
            crawl.gone.append(asked)
        return iter(())

    def _read_file(self, crawl: AgencyCrawl, response: Response) -> Iterator:
        listing: Listing = response.meta["listing"]
        body, unchanged = self._body(crawl, response)
        crawl.answered = True
        if unchanged:
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if "html" in content_type and Page.from_bytes(response.url, body, content_type).is_soft_404:
            crawl.error(f"{response.url}: file not found (soft 404)")
            return
        year = response.meta.get("year") or listing.verdict.year
        variant = response.meta.get("variant") or listing.verdict.variant
        crawl.documents += 1
        yield self._document(crawl, response, body, listing, "attachment", year, variant,
                             parent=response.meta.get("parent"))

    def _document(self, crawl: AgencyCrawl, response: Response, body: bytes, listing: Listing, role: str,
                  year: int | None, variant: str, *, parent: str | None) -> FetchedDocument:
        headers = kept_headers(response.headers)
        return FetchedDocument(
            agency_id=listing.owner, found_on=crawl.agency_id, url=response.url, role=role, status=response.status,
            headers=headers, media_type=headers.get("content-type", "").split(";", 1)[0].strip() or None,
            body=body, link_text=listing.title, list_date=listing.date, report_year=year,
            legacy=year is not None and year <= patterns.LAST_LEGACY_YEAR, variant=variant, parent_url=parent,
            list_url=listing.list_url)

    # --- failures ------------------------------------------------------------------------------------------

    def _read_failure(self, crawl: AgencyCrawl, request: scrapy.Request, failure: Failure) -> Iterator:
        error = failure.value
        if failure.check(HostBlocked):
            crawl.blocked = str(error)
            return
        if failure.check(PrivateAddressRefused):
            crawl.error(str(error))
            return
        if failure.check(IgnoreRequest) and "robots.txt" in str(error):
            if request.meta.get("entry") or request.meta.get("role") == "column":
                crawl.robots_denied = f"robots.txt forbids {request.url}"
            else:
                crawl.error(f"{request.url}: forbidden by robots.txt")
            return
        if failure.check(HttpError):
            crawl.error(f"{request.url}: HTTP {error.response.status}")
        else:
            crawl.error(f"{request.url}: {type(error).__name__}: {str(error)[:200]}")
        if not request.meta.get("entry"):
            return
        if urlsplit(request.url).scheme == "https" and not failure.check(HttpError):
            yield self._request(crawl, _with_scheme(request.url, "http"), request.callback, request.priority,
                                **_entry_meta(request))  # http-only portals refuse TLS (portals.md §9)
            return
        yield from self._entry_fallback(crawl, request)

    def _entry_fallback(self, crawl: AgencyCrawl, request: scrapy.Request) -> Iterator:
        """A registered column that is not one: try it with a trailing slash, then discover from the home page."""
        if not request.meta.get("entry") or request.meta.get("role") != "column":
            return
        path = urlsplit(request.url).path
        if not path.endswith("/") and "." not in path.rsplit("/", 1)[-1]:
            slashed = self._request(crawl, _with_path(request.url, path + "/"), self._parse_list, _LIST,
                                    entry=True, role="column")
            if slashed is not None:
                yield slashed
                return
        if not crawl.discovering:
            yield self._discover(crawl)

    # --- the end -------------------------------------------------------------------------------------------

    def closed(self, reason: str) -> None:
        """Write what is left, mark the run finished or interrupted, parse its new documents.

        A shard leaves the run to its controller: it parses the documents listed on its agencies'
        portals, then writes its own outcome row, the last thing it does, which the controller reads.
        """
        if self.ledger is None:
            return
        if self.ledger.run_id is None:  # closed before the run began: nothing to record
            self.ledger.close()
            return
        if self.ledger.writer_stopped:  # nothing more can be written: the run stays open to be resumed
            self.logger.error("%s: run %d left open; `collector crawl --resume` finishes it",
                              self.ledger.writer_stopped, self.ledger.run_id)
            self.ledger.close()
            return
        finished = reason == "finished"
        if finished:
            for crawl in list(self.crawls.values()):  # nothing in flight any more: whatever is open is done
                self._finish(crawl)
        stats = {"reason": reason, "agencies": dict(self.statuses),
                 "responses": self.crawler.stats.get_value("downloader/response_count", 0)}
        if self.shard is None:
            self.ledger.finish(FINISHED if finished else INTERRUPTED, stats)
        else:
            self.ledger.flush()
        if self.parse_after_crawl:
            started = time.monotonic()
            shard_agencies = frozenset(entry.id for entry in self.selected) if self.shard else None
            tally = self.ledger.parse(shard_agencies)
            counters = self.crawler.stats
            counters.set_value("collector/parsed", tally.new + tally.changed + tally.unchanged)
            counters.set_value("collector/parse_failed", tally.failed)
            counters.set_value("collector/parse_seconds", round(time.monotonic() - started, 2))
            stats.update(parsed=tally.new + tally.changed + tally.unchanged, parse_failed=tally.failed)
        if self.shard is not None:
            stats["store_failed"] = self.crawler.stats.get_value("collector/store_failed", 0)
            self.shard.record(self.ledger.db, reason, stats)
        self.ledger.close()


def _page_of(response: Response, body: bytes, content_type: str) -> Page:
    """``body`` (the response's, or the stored copy behind a 304) as a page. An HTML response's text
    was decoded already by Scrapy's meta-refresh check: where that was UTF-8, it is reused rather than
    decoded again (a fifth of the cost of reading a report page)."""
    utf8_text = response.text if body is response.body and isinstance(response, HtmlResponse) and \
        response.encoding == "utf-8" else None
    return Page.from_bytes(response.url, body, content_type, utf8_text)


def _form(request: scrapy.Request) -> str | None:
    return request.body.decode("utf-8", "replace") if request.method == "POST" and request.body else None


def _gone(response: Response) -> bool:
    """A document taken down: a meta refresh to its folder, or a redirect to the home page."""
    reasons = response.meta.get("redirect_reasons") or []
    return "meta refresh" in reasons or (bool(reasons) and urlsplit(response.url).path in ("", "/"))


def _with_scheme(url: str, scheme: str) -> str:
    return urlunsplit(urlsplit(url)._replace(scheme=scheme))


def _with_path(url: str, path: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=path))


def _entry_meta(request: scrapy.Request) -> dict[str, Any]:
    return {key: request.meta[key] for key in ("entry", "role", "nav_depth") if key in request.meta}
