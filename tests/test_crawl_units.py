"""The crawler's reading rules on small inputs: titles, encodings, links, pagination, blocks, headers, addresses."""

from __future__ import annotations

import asyncio
import ipaddress
from datetime import date
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.http import Headers, HtmlResponse

from collector.crawl.classify import MAYBE, OTHER, REPORT, best_title, classify
from collector.crawl.discovery import Site, column_links, section_links, sub_column_links
from collector.crawl.pages import Page, decode
from collector.crawl.pagination import (
    GKMLPT,
    HANWEB_PROXY,
    JPAAS_UNIT,
    TRS_SEARCH,
    ListCall,
    further_pages,
    read_api,
)
from collector.crawl.responses import (
    attachment_filename,
    block_reason,
    kept_headers,
    retry_after,
)
from collector.middlewares import (
    BlockDetector,
    HostBlocked,
    PrivateAddressGuard,
    PrivateAddressRefused,
)
from collector.sample.portal.faults import WAF_TEXT
from collector.sample.portal.plan import _TITLE_VARIANTS, DISTRACTORS, report_title
from spiders.portal import parse_years

BASE = "http://a.sample.test:8000/zwgk/zfxxgk/zfxxgknb/"


# --- titles ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", [name for name, _ in _TITLE_VARIANTS] + ["zhengwu"])
def test_every_report_title_variant_is_a_report_of_its_year(variant):
    agency = SimpleNamespace(name="新乡市住房和城乡建设局", short_name="新乡市住建局")
    verdict = classify(report_title(agency, 2021, variant))
    assert (verdict.kind, verdict.year) == (REPORT, 2021)


@pytest.mark.parametrize("kind", list(DISTRACTORS))
def test_distractor_titles_are_not_reports(kind):
    pattern, _ = DISTRACTORS[kind]
    assert classify(pattern.format(name="某某县人民政府", year=2021, next_year=2022, place="某某县")).kind == OTHER


def test_title_details():
    assert classify("某局2019年政府信息公开工作年度报告（图片版）").variant == "image"
    assert classify("某局2022年政府信息公开工作年度报告（超链版）").variant == "hyperlink"
    assert classify("某局２０２１年政府信息公开工作年度报告").year == 2021  # full-width digits
    assert classify("某局2017年政府信息公开年度报告").legacy
    assert classify("政府信息公开年度报告").kind == MAYBE  # no year: the page decides
    assert classify("某局2021年政府信息…").kind == MAYBE  # cut short by the list
    assert classify("2023年政府工作报告").kind == OTHER
    full = "某局2021年政府信息公开工作年度报告"
    assert best_title("某局2021年政府信息…", full) == full


# --- decoding and links ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "content_type"), [
    ("年度报告".encode(), "text/html; charset=gb2312"),             # header says gb2312, page is UTF-8
    ("年度报告".encode("gbk"), "text/html"),                         # undeclared GBK
    ("年度报告".encode("gbk"), "text/html; charset=gb2312"),
    (b"\xef\xbb\xbf" + "年度报告".encode(), None),                   # UTF-8 with BOM
    ('<meta charset="gbk">镕堃'.encode("gb18030"), None),            # GBK-only characters, meta declaration
])
def test_pages_are_decoded_by_validity_first(body, content_type):
    text = decode(body, content_type)
    assert "年度报告" in text or "镕堃" in text


LIST_PAGE = """<html><body><div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>
<ul class="list">
<li><a href="202201/t20220115_1.html" title="某局2021年政府信息公开工作年度报告">某局2021年政府信息…</a>
<span class="date">2022-01-15</span></li>
<li><a href="javascript:void(0)">el.url</a></li><li><a href="el.url">x</a></li>
</ul><ul class="sub-columns"><li><a href="gknb2021/">2021年</a></li><li><a href="bm/">部门</a></li></ul>
<div class="page">共3页 <a href="index_1.html">下一页</a> <a href="index_2.html">尾页</a>
<a href="index_1.html">2</a></div>
<script>var countPage = 3;createPageHTML(3, 0, "index", "html");</script>
<div class="footer"><a href="http://beian.miit.gov.cn/">ICP备案</a></div></body></html>"""


def test_list_page_links_dates_and_pages():
    page = Page(BASE, LIST_PAGE)
    entries = [anchor for anchor in page.anchors if not anchor.in_chrome and not anchor.in_pager]
    assert entries[0].url == BASE + "202201/t20220115_1.html" and entries[0].date == date(2022, 1, 15)
    assert all("el.url" not in anchor.url for anchor in page.anchors)
    assert sub_column_links(page.anchors, BASE) == [BASE + "gknb2021/", BASE + "bm/"]
    assert {call.url for call in further_pages(page)} == {BASE + "index_1.html", BASE + "index_2.html"}


def test_discovery_prefers_the_column_and_stays_on_the_host():
    page = Page("http://a.sample.test/zwgk/", """<a href="/zwgk/zfxxgk/">政府信息公开</a>
        <a href="/zwgk/zfxxgk/gknb/">政府信息公开工作年度报告</a><a href="/zwgk/zfgzbg/">政府工作报告</a>
        <a href="/x/t1.html">某局2021年政府信息公开工作年度报告</a><a href="http://other.test/gknb/">公开年报</a>""")
    assert column_links(page.anchors, page.url) == ["http://a.sample.test/zwgk/zfxxgk/gknb/"]
    assert section_links(page.anchors, page.url) == ["http://a.sample.test/zwgk/zfxxgk/",
                                                     "http://a.sample.test/zwgk/zfxxgk/gknb/"]


def test_discovery_enters_the_governments_other_hosts_and_declared_platforms_only():
    page = Page("http://www.xinxiang.gov.cn/", """<a href="http://xxgk.xinxiang.gov.cn/zwgk/">政务公开</a>
        <a href="http://zfxxgk.henan.gov.cn/410700/">政府信息公开</a><a href="http://www.huixian.gov.cn/xxgk/">信息公开</a>
        <a href="http://www.example.com.cn/xxgk/">信息公开</a>""")
    assert section_links(page.anchors, page.url) == []  # without the agency's site: this host only
    assert section_links(page.anchors, page.url, Site("www.xinxiang.gov.cn")) == ["http://xxgk.xinxiang.gov.cn/zwgk/"]
    declared = Site("www.xinxiang.gov.cn", frozenset({"zfxxgk.henan.gov.cn"}))
    assert section_links(page.anchors, page.url, declared) == [
        "http://xxgk.xinxiang.gov.cn/zwgk/", "http://zfxxgk.henan.gov.cn/410700/"]
    platform = Page("http://zfxxgk.henan.gov.cn/", '<a href="http://www.henan.gov.cn/xxgk/">信息公开</a>')
    assert section_links(platform.anchors, platform.url, declared) == []  # the platform's neighbours: no
    farm = Page("http://a-1.sample.test/", '<a href="http://b-2.sample.test/xxgk/">信息公开</a>')
    assert section_links(farm.anchors, farm.url, Site("a-1.sample.test")) == []  # another agency's portal


def test_report_page_payload_links():
    page = Page("http://a.sample.test/art/2022/1/5/art_1_2.html", """<html><head>
        <meta name="ArticleTitle" content="某局2021年政府信息公开工作年度报告"></head><body>
        <div class="content"><p>全文见附件。</p>
        <p><a href="/module/download/downfile.jsp?classid=0&amp;filename=ab12.pdf">附件</a></p>
        <a href="javascript:void(0);" onclick="window.open('/files/r.docx')">下载</a>
        <iframe src="/pdfjs/web/viewer.html?file=%2Ffiles%2Fr.pdf"></iframe><img src="/upload/t1.png"></div>
        <div class="related"><a href="/files/other.pdf">2020年报告</a></div></body></html>""")
    assert page.heading == "某局2021年政府信息公开工作年度报告"
    assert page.attachments() == ["http://a.sample.test/module/download/downfile.jsp?classid=0&filename=ab12.pdf",
                                  "http://a.sample.test/files/r.docx", "http://a.sample.test/files/r.pdf",
                                  "http://a.sample.test/upload/t1.png"]


@pytest.mark.parametrize("href", ["/files/r.doc", "/files/r.DOC", "/files/r.wps", "/files/r.ofd", "/files/r.docx",
                                  "/files/r.PDF", "/files/r.pdf?v=2", "/files/r.xls"])
def test_every_attachment_format_is_a_file_of_the_report(href):
    page = Page("http://a.sample.test/art/2022/1/5/art_1_2.html",
                f'<html><body><div class="content"><p>全文见附件。</p><a href="{href}">附件</a></div></body></html>')
    assert page.attachments() == [f"http://a.sample.test{href}"]


def test_soft_404_and_statistics_year():
    assert Page("http://a.test/x", "<title>页面不存在</title><h2>页面不存在</h2>").is_soft_404
    page = Page("http://a.test/x", "<p>本报告中所列数据的统计期限自2020年1月1日起至2020年12月31日止。</p>")
    assert not page.is_soft_404 and page.statistics_year() == 2020


# --- list APIs -------------------------------------------------------------------------------------------------

def test_dynamic_configs_become_api_calls():
    page = Page(BASE, """<script>var pageConfig = {"maxStaticIndex": 1, "url": "/api/search", "channelid": "200001",
        "classsql": "chnlid=1813", "prepage": 5, "total": 12};</script>
        <script>$(function(){$('#1').jpage({"proxyUrl": "/module/web/jpage/dataproxy.jsp", "perPage": 5, "groupSize": 3,
        "totalRecord": 20, "ajaxParam": {"col": 1, "columnid": 7}});});</script>
        <div queryData="{&#x27;webId&#x27;:&#x27;3&#x27;,&#x27;pageId&#x27;:&#x27;9&#x27;}"></div>
        <script>window.GKMLPT_CONFIG = {"SID": "123456", "CATID": 2001, "API": "/gkmlpt/api/all/2001"};</script>""")
    calls = further_pages(page)
    assert [call.page for call in calls if call.api == TRS_SEARCH] == [2, 3]
    assert [call.url.split("?")[1] for call in calls if call.api == HANWEB_PROXY] == [
        "startrecord=1&endrecord=15&perpage=5", "startrecord=16&endrecord=30&perpage=5"]
    assert any(call.api == JPAAS_UNIT and "webId=3" in call.url and "pageNo=1" in call.url for call in calls)
    assert any(call.api == GKMLPT and call.url.endswith("/gkmlpt/api/all/2001?page=0&sid=123456") for call in calls)


def test_api_answers_give_entries_and_the_next_call():
    gkmlpt = ListCall("http://a.test/gkmlpt/api/all/1?page=0&sid=9", GKMLPT, page=0, first=0)
    entries, more = read_api(gkmlpt, '{"total": 3, "articles": []}')
    assert not entries and more[0].url.endswith("page=1&sid=9")  # this site counts from 1
    entries, more = read_api(more[0], '{"total": 3, "page_size": 2, "articles": [{"title": "t", "url": "/p.html",'
                                      ' "date": "2022-02-08"}, {"title": "u", "url": "/q.html"}]}')
    assert [entry.url for entry in entries] == ["http://a.test/p.html", "http://a.test/q.html"] and len(more) == 1
    jpaas = ListCall("http://a.test/api-gateway/jpaas-publish-server/front/page/build/unit?webId=3&pageNo=1",
                     JPAAS_UNIT)
    entries, more = read_api(jpaas, '{"data": {"html": "<ul><li><a href=\\"/art/1.html\\">x</a><span>2021-01-02</span>'
                                    '</li></ul><div class=\\"pagination\\" rows=\\"1\\" count=\\"2\\"></div>"}}')
    assert entries[0].date == date(2021, 1, 2) and "pageNo=2" in more[0].url


def test_xml_answers_resolve_no_entities():
    hostile = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa">'
               '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><datastore><recordset>'
               '<record><![CDATA[<li><a href="/art/1.html" title="&x;">报告</a></li>]]></record>'
               '<record>&x;&b;</record></recordset></datastore>')
    entries, _ = read_api(ListCall("http://a.test/module/web/jpage/dataproxy.jsp", HANWEB_PROXY), hostile)
    assert [entry.url for entry in entries] == ["http://a.test/art/1.html"]
    assert all("root:" not in entry.title for entry in entries)


# --- responses and middlewares ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("status", "body", "expected"), [
    (521, b"<script>document.cookie=('__jsl_clearance_s')+('=')+('x')</script>", "加速乐"),
    (412, b"<script>$_ts=window['$_ts'];</script>", "瑞数"),
    (202, b"<script>$_ts=window['$_ts'];</script>", "瑞数"),
    (403, f"<p>{WAF_TEXT}</p>".encode(), "WAF"),
    (405, f"<p>{WAF_TEXT}</p>".encode(), "WAF"),
    (403, b"<h1>Forbidden</h1>", None),
    (200, b"<html>ok</html>", None),
])
def test_block_pages_are_recognised(status, body, expected):
    reason = block_reason(status, body)
    assert (reason is None) if expected is None else (expected in reason)


def test_file_names_are_decoded_and_never_paths():
    assert attachment_filename(b'attachment; filename="' + "报告.pdf".encode("gbk") + b'"') == "报告.pdf"
    assert attachment_filename(b"attachment; filename=\"1.pdf\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.pdf") == "报告.pdf"
    assert attachment_filename(b'attachment; filename="../../etc/passwd"') == "passwd"
    assert attachment_filename(b"attachment; filename*=UTF-8''..%2F..%2F.bashrc") == ".bashrc"
    assert attachment_filename(b'attachment; filename=".."') is None
    headers = Headers({"Content-Type": b"application/octet-stream", "ETag": [b'"old"', b'"x"'], "X-Other": b"1",
                       "content-disposition": b'attachment; filename="a\\b.pdf"', "Server": b""})
    assert kept_headers(headers) == {"content-type": "application/octet-stream", "etag": '"x"',
                                     "content-disposition": 'attachment; filename="a\\b.pdf"', "filename": "b.pdf"}


def test_retry_after_forms():
    assert retry_after(b"2") == 2.0
    assert retry_after(b"Wed, 21 Oct 2015 07:28:00 GMT", now=lambda: 1445412470.0) == 10.0
    assert retry_after(b"soon") is None and retry_after(None) is None


def _crawler(allow: bool) -> SimpleNamespace:
    stats = SimpleNamespace(inc_value=lambda *args, **kwargs: None)
    return SimpleNamespace(spider=SimpleNamespace(allow_private_hosts=allow), stats=stats)


@pytest.mark.parametrize(("url", "allow", "refused"), [
    ("http://127.0.0.1:8000/", False, True),
    ("http://127.0.0.1:8000/", True, False),
    ("http://10.1.2.3/", True, True),  # private ranges stay closed even for test registries
    ("http://192.168.1.1/", True, True),
    ("http://169.254.169.254/latest/", True, True),
    ("http://[::1]/", False, True),
])
def test_private_addresses_are_refused(url, allow, refused):
    guard = PrivateAddressGuard(_crawler(allow))
    try:
        asyncio.run(guard.process_request(Request(url)))
    except PrivateAddressRefused:
        assert refused
    else:
        assert not refused


def test_an_answer_from_a_private_peer_is_refused():
    guard = PrivateAddressGuard(_crawler(False))
    response = HtmlResponse("http://public.example/", body=b"<html></html>",
                            ip_address=ipaddress.ip_address("127.0.0.1"))
    with pytest.raises(PrivateAddressRefused):
        guard.process_response(Request(response.url), response)


def test_a_blocked_host_is_refused_from_then_on():
    detector = BlockDetector(_crawler(True))
    challenge = HtmlResponse("http://a.test/", status=521, body=b"<script>go({\"bts\":[]})</script>")
    with pytest.raises(HostBlocked):
        detector.process_response(Request("http://a.test/"), challenge)
    with pytest.raises(HostBlocked):
        detector.process_request(Request("http://a.test/other"))
    detector.process_request(Request("http://b.test/"))


def test_years_option():
    assert parse_years("2019-2024") == range(2019, 2025) and parse_years("2021") == range(2021, 2022)
    with pytest.raises(Exception, match="YYYY"):
        parse_years("recent")
