"""Redirects keep the Referer the spider set (Scrapy's RefererMiddleware is off, settings.py)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.http import HtmlResponse, Response
from scrapy.settings import Settings

from collector.middlewares import RefererKeepingMetaRefresh, RefererKeepingRedirect

PAGE = "http://a.sample.test/nb/2023/report.html"


def _middleware(cls):
    """The middleware as the project's settings make it, for a spider that handles no redirect itself."""
    settings = Settings()
    settings.setmodule("collector.settings", priority="project")
    middleware = cls(settings)
    middleware.crawler = SimpleNamespace(spider=Spider("portal"))
    return middleware


@pytest.mark.parametrize(("referer", "target", "kept"), [
    (PAGE, "http://a.sample.test/down.jsp?id=2", True),
    (PAGE, "https://files.sample.test/f/2.pdf", True),
    ("https://a.sample.test/nb/2023/report.html", "http://files.sample.test/f/2.pdf", False),
])
def test_a_redirect_keeps_the_referer_unless_it_leaves_https_for_http(referer, target, kept):
    request = Request("http://a.sample.test/download?id=2", headers={"Referer": referer})
    response = Response(request.url, status=302, headers={"Location": target}, request=request)
    redirected = _middleware(RefererKeepingRedirect).process_response(request, response)
    assert isinstance(redirected, Request) and redirected.url == target
    assert redirected.headers.get("Referer") == (referer.encode() if kept else None)


def test_a_meta_refresh_keeps_the_referer():
    request = Request("http://a.sample.test/nb/2023/view.html", headers={"Referer": PAGE})
    body = b'<html><head><meta http-equiv="refresh" content="0;url=/nb/2023/report.pdf"></head></html>'
    response = HtmlResponse(request.url, body=body, request=request)
    redirected = _middleware(RefererKeepingMetaRefresh).process_response(request, response)
    assert isinstance(redirected, Request) and redirected.url == "http://a.sample.test/nb/2023/report.pdf"
    assert redirected.headers.get("Referer") == PAGE.encode()
