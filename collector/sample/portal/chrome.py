"""The page furniture every portal shares: encodings, the page skeleton, lists and pagers.

Real government pages wrap a few lines of content in a lot of chrome (header, search box, 繁體版
toggle, navigation, breadcrumb, footer with ICP number and 纠错 script). The chrome uses the class
names real portals use (``nav``, ``breadcrumb``, ``footer``, ``related``) because parsers and
spiders key on them. Families add their own head tags and containers on top.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape


@dataclass(frozen=True, slots=True)
class Encoding:
    """How a site's pages are encoded and what they claim to be (portals.md §8)."""

    codec: str
    meta: str | None     # charset named in <meta>
    header: str | None   # charset named in the Content-Type header
    bom: bool = False


ENCODINGS: dict[str, Encoding] = {
    "utf-8": Encoding("utf-8", "utf-8", "utf-8"),
    "gbk": Encoding("gbk", "gb2312", "gb2312"),             # GBK bytes declared as gb2312
    "gb18030": Encoding("gb18030", "gb18030", "gb18030"),
    "utf-8-bom": Encoding("utf-8", "utf-8", None, bom=True),
    "header_mismatch": Encoding("utf-8", "utf-8", "gb2312"),  # server config says gb2312, page is UTF-8
    "undeclared_gbk": Encoding("gbk", None, None),
}


def encode_page(text: str, encoding: str) -> tuple[bytes, str]:
    """Page bytes and the Content-Type header value for a site using ``encoding``.

    Characters the codec lacks become numeric references, as CMS exports do.
    """
    spec = ENCODINGS[encoding]
    data = text.encode(spec.codec, errors="xmlcharrefreplace")
    if spec.bom:
        data = codecs.BOM_UTF8 + data
    return data, "text/html" + (f"; charset={spec.header}" if spec.header else "")


def meta_charset(encoding: str) -> str:
    spec = ENCODINGS[encoding]
    return f'<meta http-equiv="Content-Type" content="text/html; charset={spec.meta}">' if spec.meta else ""


Link = tuple[str, str]  # (label, href)


def page(*, site_name: str, title: str, body: str, encoding: str, nav: Sequence[Link], head: str = "",
         icp: str = "") -> str:
    """A whole portal page around ``body`` (already HTML)."""
    nav_html = "".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for label, href in nav)
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n{meta_charset(encoding)}\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n{head}\n"
        '<link rel="stylesheet" href="/images/common.css">\n</head>\n<body>\n'
        f'<div class="header"><div class="logo">{escape(site_name)}</div>'
        '<div class="tools"><a href="javascript:void(0)" id="StranLink">繁體版</a> '
        '<a href="javascript:;" onclick="aria.start()">无障碍</a></div>'
        '<form class="search" action="/search/" method="get"><input type="text" name="q" placeholder="请输入关键字">'
        "<button type=\"submit\">搜索</button></form></div>\n"
        f'<div class="nav"><ul>{nav_html}</ul></div>\n{body}\n'
        f'<div class="footer"><p>主办：{escape(site_name)}　{escape(icp)}</p>'
        '<p><a href="http://beian.miit.gov.cn/" target="_blank">ICP备案</a></p>'
        '<script src="/images/jiucuo.js"></script><script src="/images/pt-langBig5.js"></script></div>\n'
        "</body>\n</html>\n"
    )


def breadcrumb(trail: Sequence[Link]) -> str:
    links = " &gt; ".join(f'<a href="{escape(href)}">{escape(label)}</a>' for label, href in trail)
    return f'<div class="breadcrumb">当前位置：{links}</div>'


def link_list(links: Sequence[Link], css: str = "links") -> str:
    items = "".join(f'<li><a href="{escape(href)}">{escape(label)}</a></li>' for label, href in links)
    return f'<ul class="{css}">{items}</ul>'


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of a document list."""

    href: str
    title: str           # full title (the anchor's title attribute)
    text: str            # what the list prints, maybe truncated
    day: date | None


def entry_html(entry: Entry) -> str:
    day = f'<span class="date">{entry.day.isoformat()}</span>' if entry.day else ""
    return (f'<li><a href="{escape(entry.href)}" title="{escape(entry.title)}" target="_blank">'
            f"{escape(entry.text)}</a>{day}</li>")


def entries_html(entries: Sequence[Entry]) -> str:
    return '<ul class="list">' + "".join(entry_html(entry) for entry in entries) + "</ul>"


def pager(current: int, hrefs: Sequence[str]) -> str:
    """首页/上一页/下一页/尾页 links for page ``current`` (0-based) of pages at ``hrefs``."""
    last = len(hrefs) - 1
    parts = [f"共{len(hrefs)}页"]
    if current > 0:
        parts += [f'<a href="{escape(hrefs[0])}">首页</a>', f'<a href="{escape(hrefs[current - 1])}">上一页</a>']
    if current < last:
        parts += [f'<a href="{escape(hrefs[current + 1])}">下一页</a>', f'<a href="{escape(hrefs[last])}">尾页</a>']
    return '<div class="page">' + " ".join(parts) + "</div>"


def shorten(title: str, limit: int) -> str:
    """A list title cut the way CMS templates cut them: ``limit`` characters and an ellipsis."""
    return title if len(title) <= limit else title[: limit - 1] + "…"
