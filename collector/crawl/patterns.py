"""Every keyword list and pattern the crawler matches against portal pages, compiled once, in one place.

The sources are ``shared/spec/portals.md``: column labels and slugs (§2), pagination shapes (§4),
payload locations (§5, §12.4), title variants (§6), anti-bot pages and soft 404s (§9). Matching is
done on text whose full-width ASCII has been folded (``fold``), so ``２０２１年`` reads as ``2021年``.
"""

from __future__ import annotations

import re

# --- text ------------------------------------------------------------------------------------------------------

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_HAS_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


def fold(text: str) -> str:
    """Full-width ASCII and the ideographic space folded to ASCII, runs of white space collapsed."""
    if _HAS_FULL_WIDTH.search(text):  # most text has none: skip the per-character table lookups
        text = text.translate(_FULL_WIDTH)
    return " ".join(text.split())


# --- navigation: from the home page to the 年报 column (§2, §12.1) ---------------------------------------------

#: Anchor text of the sections that lead towards the column (政务公开 → 政府信息公开 → 年报).
SECTION_TEXT = re.compile(r"政务公开|信息公开")
#: Anchor text of the column itself: 政府信息公开年报, 公开年报, 政府信息公开工作年度报告, 信息公开年报 …
COLUMN_TEXT = re.compile(r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)|公开年报|年度报告")
#: Column slugs in URLs.
COLUMN_SLUG = re.compile(r"zfxxgknb|gknb|ndbg|xxgknb|ndxxgkbg|nianbao|xxgkAnnualReport|annualreport", re.IGNORECASE)
#: Sub-columns inside a column: year archives (2021年, 2021年度) and unit sub-trees (本级 / 部门 / 乡镇（街道）).
SUB_COLUMN_TEXT = re.compile(r"^(?:(?:19|20)\d{2}\s*年?度?|本级|部门|乡镇.{0,4}|街道|[县区市]直.{0,4})$")
SUB_COLUMN_SLUG = re.compile(r"(?:/gknb|/nb_?)?(?:19|20)\d{2}(?:n|nb)?/(?:index\.\w+)?$", re.IGNORECASE)
#: Hrefs that are never pages: scripts, mail, anchors, and template placeholders leaking from JS templates.
NOT_A_LINK = re.compile(r"^(?:javascript:|mailto:|tel:|#|el\.url$|logoutUrl$|\{\{)", re.IGNORECASE)
#: How deep discovery goes from the home page before it gives up (portals.md §12.1).
MAX_DISCOVERY_DEPTH = 4

# --- pagination (§4) -------------------------------------------------------------------------------------------

#: Pager anchors worth following anywhere on a list page (earlier pages are reached already).
PAGER_TEXT = re.compile(r"^(?:下一页|下页|尾页|末页|>|>>|»)$")
#: Bare page numbers count only inside a pager container (``class="page"``, ``pagination``, ``fenye``).
PAGE_NUMBER = re.compile(r"^\d{1,4}$")
PAGER_CONTAINER = re.compile(r"page|pager|pagination|fenye|turn", re.IGNORECASE)
#: TRS static lists: ``createPageHTML(N, cur, "index", "html")`` and ``var countPage = N``.
CREATE_PAGE_HTML = re.compile(r"createPageHTML\(\s*(\d+)\s*,\s*\d+\s*,\s*[\"'](\w+)[\"']\s*,\s*[\"'](\w+)[\"']")
COUNT_PAGE = re.compile(r"\bcountPage\s*=\s*(\d+)")
#: TRS 动静结合 search API config, Hanweb jpage config, jpaas queryData, gkmlpt config, ucap POSTed pages.
TRS_PAGE_CONFIG = re.compile(r"var\s+pageConfig\s*=\s*(\{.*?\})\s*;", re.DOTALL)
HANWEB_JPAGE = re.compile(r"\.jpage\(\s*(\{.*?\})\s*\)\s*;", re.DOTALL)
JPAAS_QUERY_DATA = re.compile(r"queryData\s*=\s*\"([^\"]+)\"")
JPAAS_PAIRS = re.compile(r"'(\w+)'\s*:\s*'([^']*)'")
JPAAS_PAGINATION = re.compile(r"rows=\"(\d+)\"\s+count=\"(\d+)\"")
GKMLPT_CONFIG = re.compile(r"GKMLPT_CONFIG\s*=\s*(\{.*?\})\s*;", re.DOTALL)
UCAP_FORM = re.compile(r"<form[^>]*\bid=\"pageForm\"[^>]*\baction=\"([^\"]+)\"", re.IGNORECASE)
PAGE_TOTAL = re.compile(r"共\s*(\d+)\s*页")
#: At most this many list pages (or API pages) per column: a guard against pagers that never end.
MAX_LIST_PAGES = 200

# --- titles (§6, §12.3) ----------------------------------------------------------------------------------------

REPORT_CORE = re.compile(r"信息公开")
REPORT_KIND = re.compile(r"年度报告|年报|工作报告")
REPORT_REJECT = re.compile(r"要点|函|通知|解读|图解|预算|决算|法治政府|意见|方案|办法|目录|指南|制度")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
CHINESE_YEAR = re.compile(r"([一二][〇零○一二三四五六七八九]{3})\s*年")
CHINESE_DIGITS = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
                  "九": 9}
#: The statistics period sentence of a report body: 统计期限自2021年1月1日起至2021年12月31日止.
STATISTICS_PERIOD = re.compile(r"自\s*((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日")
TRUNCATED = re.compile(r"(?:…|\.\.\.|。。。)$")
#: Words that make a cut-short title worth opening (政府信息… , …年度…).
TRUNCATED_HINT = re.compile(r"信息|公开|年度|年报")
IMAGE_VERSION = re.compile(r"图片版")
HYPERLINK_VERSION = re.compile(r"超链版")
#: The last report year of the 2007 条例 and its free-form statistics table (classified ``legacy``).
LAST_LEGACY_YEAR = 2018

# --- dates -----------------------------------------------------------------------------------------------------

DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")

# --- report pages and their payload (§5, §12.4) ----------------------------------------------------------------

#: Markers of an inline table 3 (收到和处理政府信息公开申请情况): a page with one needs no attachment.
#: Literal substrings, not a regular expression: ``in`` scans a 90 KB page in microseconds, an
#: alternation pattern took a millisecond.
TABLE_MARKERS = ("本年新收政府信息公开申请数量", "收到和处理政府信息公开申请情况")
FILE_EXTENSION = re.compile(r"\.(pdf|docx?|wps|rtf|xlsx?|ofd|zip)(?:$|[?#&])", re.IGNORECASE)
DOWNLOAD_ENDPOINT = re.compile(r"downfile\.jsp|down\.aspx|download\.jsp|/download\b|DownloadAttach", re.IGNORECASE)
VIEWER_FILE = re.compile(r"[?&]file=([^&#]+)", re.IGNORECASE)
WINDOW_OPEN = re.compile(r"window\.open\(\s*['\"]([^'\"]+)['\"]")
IMAGE_EXTENSION = re.compile(r"\.(png|jpe?g|gif|bmp|tiff?)(?:$|[?#])", re.IGNORECASE)
#: Raw-HTML hints (lower-case bytes) that a page points to a file at all: a report page without any (and
#: with its tables inline, or without pictures) is not parsed into a tree to look for attachments.
#: (The extensions are one regular expression: one pass over the page instead of seven searches.)
FILE_EXTENSION_HINT = re.compile(rb"\.(?:pdf|doc|wps|rtf|xls|ofd|zip)")
FRAME_HINT = re.compile(rb"<(?:iframe|embed|object)")  # likewise one pass for the three
FILE_HINTS = (b"down", b"window.open")  # down: downfile.jsp, down.aspx, download
IMAGE_HINT = b"<img"
#: Page furniture whose links and images are never part of a report.
CHROME_CONTAINER = re.compile(r"header|footer|nav|breadcrumb|related|logo|share|toolbar|search", re.IGNORECASE)
#: Where a detail page names the publisher (来源：…, the ucap 发布机构 cell): the name follows within a few words.
SOURCE_MARKS = ("来源", "发布机构")
SOURCE_SPAN = 80  # characters of markup after the mark
#: At most this many attachments and images are taken from one report page.
MAX_ATTACHMENTS = 20

# --- soft 404s and blocks (§9) ---------------------------------------------------------------------------------

SOFT_404 = re.compile(r"页面不存在|页面未找到|找不到(?:该|您要访问的)?页面|404\s*Not\s*Found", re.IGNORECASE)
#: 加速乐 / 创宇盾: a 521 whose body sets a cookie from JavaScript or calls ``go({...})``.
JIASULE_CHALLENGE = re.compile(r"document\.cookie|\bgo\(\{|__jsl_clearance", re.IGNORECASE)
#: 瑞数: a 202 or 412 bootstrapping ``$_ts`` from an obfuscated script.
RUISHU_CHALLENGE = re.compile(r"\$_ts|FSSBBIl1UgzbN7N80", re.IGNORECASE)
#: WAF block pages (知道创宇云安全, carrier WAFs).
WAF_PAGE = re.compile(r"疑似黑客攻击|已被网站管理员设置为拦截|创宇盾|云防护|访问被拒绝|非法访问|Web应用防火墙",
                      re.IGNORECASE)
