"""Every label, keyword and pattern the interpreter matches, in one place.

All keyword tests run against :func:`parsers.normalize.label_key` output (simplified, NFKC, no
spaces, numbering or punctuation). Keywords are the distinctive core of each printed label, so
typos and local variants elsewhere in the label (其他法律行政止公开, 行政事业型收费, Hubei's
parenthesised notes) still match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- sections ---------------------------------------------------------------------------------

SECTION_KEYS = ("overview", "proactive", "requests", "review_litigation", "problems", "other")

#: Heading patterns, tried on short lines only (a narrative sentence may quote a heading).
SECTION_HEADINGS: dict[str, re.Pattern[str]] = {
    "overview": re.compile(r"^(?:总体情况|概述|概况|基本情况)$"),
    "proactive": re.compile(r"^主动公开政府信息的?情况$|^主动公开政府信息工作情况$|^主动公开情况$"),
    "requests": re.compile(r"^收到和处理政府信息公开申请的?情况$|^依申请公开(?:政府信息)?(?:工作)?情况$"),
    "review_litigation": re.compile(r"行政复议.{0,2}行政诉讼.{0,2}情况$|^因政府信息公开(?:工作)?被申请行政复议"),
    "problems": re.compile(r"存在的?主要问题(?:及|和|与)?改进(?:情况|措施)?$"),
    "other": re.compile(r"^其他需要报告的事项$"),
}
#: A heading carries a top-level numeral (一、 … 六、) in the printed text.
HEADING_NUMERAL = re.compile(r"^\s*[#*\s]*[一二三四五六][、.．]")
MAX_HEADING_KEY_LENGTH = 40

# --- template detection -----------------------------------------------------------------------

MARKERS_2021 = ("本年制发件数", "本年废止件数", "现行有效件", "本年处理决定数量", "本年收费金额", "逾期不补正", "收费通知")
MARKERS_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增减", "政府集中采购",
                "采购项目数量", "其他对外管理服务事项")
MARKERS_LEGACY = ("指标名称", "计量单位")

# --- table anchors ----------------------------------------------------------------------------

PROACTIVE_ANCHORS = ("第二十条",)
REQUESTS_ANCHORS = ("本年新收", "勾稽关系", "申请人情况")
REVIEW_ANCHORS = ("行政复议", "结果维持")
MAX_LABEL_LENGTH = 80  # longer text is narrative, never a table label

# --- requests table (收到和处理政府信息公开申请情况) ----------------------------------------------

REQUEST_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
                   "legal_service_org", "other_org", "total")


@dataclass(frozen=True, slots=True)
class RowLabel:
    """A template row: its record key and the label-key fragments that identify it.

    ``weak`` rows have generic labels (总计, 其他) that also occur as column headers; they match only
    near the expected position and only as the whole label.
    """

    key: str
    keywords: tuple[str, ...]
    weak: bool = False


REQUEST_ROWS: tuple[RowLabel, ...] = (
    RowLabel("new_received", ("本年新收",)),
    RowLabel("carried_over", ("上年结转",)),
    RowLabel("granted", ("予以公开",)),
    RowLabel("partially_granted", ("部分公开",)),
    RowLabel("denied_state_secret", ("国家秘密",)),
    RowLabel("denied_prohibited_by_law", ("禁止公开", "其他法律行政", "其他法律法规", "法规禁止")),
    RowLabel("denied_security_stability", ("三安全一稳定", "危及三安全")),
    RowLabel("denied_third_party_rights", ("第三方合法权益", "保护第三方")),
    RowLabel("denied_internal_affairs", ("内部事务",)),
    RowLabel("denied_process_information", ("过程性信息",)),
    RowLabel("denied_enforcement_case_file", ("执法案卷",)),
    RowLabel("denied_administrative_query", ("行政查询",)),
    RowLabel("unable_not_held", ("不掌握",)),
    RowLabel("unable_needs_creation", ("另行制作", "没有现成信息")),
    RowLabel("unable_still_unclear", ("仍不明确", "补正后申请内容")),
    RowLabel("not_processed_petition", ("信访举报", "信访")),
    RowLabel("not_processed_duplicate", ("重复申请",)),
    RowLabel("not_processed_publication", ("公开出版物", "出版物")),
    RowLabel("not_processed_excessive", ("大量反复",)),
    RowLabel("not_processed_confirmation", ("确认或重新出具", "重新出具", "要求行政机关确认")),
    RowLabel("other_processing", ("其他处理",)),
    RowLabel("other_no_correction", ("逾期不补正", "无正当理由逾期")),
    RowLabel("other_unpaid_fee", ("缴纳费用", "收费通知")),
    RowLabel("other_misc", ("其他",), weak=True),
    RowLabel("total_processed", ("总计",), weak=True),
    RowLabel("carried_forward", ("结转下年度", "下年度继续办理")),
)
OUTCOME_ROWS = tuple(row.key for row in REQUEST_ROWS[2:24])
OTHER_SUBROWS = ("other_no_correction", "other_unpaid_fee", "other_misc")
ROWS_2019 = tuple(row.key for row in REQUEST_ROWS if row.key not in OTHER_SUBROWS)
ROWS_2021 = tuple(row.key for row in REQUEST_ROWS if row.key != "other_processing")

# --- review and litigation table --------------------------------------------------------------

REVIEW_GROUPS = ("administrative_review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS = ("upheld", "corrected", "other", "pending", "total")
REVIEW_COLUMN_LABELS = {"结果维持": "upheld", "结果纠正": "corrected", "其他结果": "other", "尚未审结": "pending",
                        "总计": "total"}
REVIEW_GROUP_LABELS = {"行政复议": "administrative_review", "未经复议直接起诉": "litigation_direct",
                       "复议后起诉": "litigation_after_review"}
REVIEW_HEADER_WORDS = ("行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议",
                       "复议后起诉", "直接起诉")

# --- proactive disclosure table (主动公开政府信息情况) ---------------------------------------------

PROACTIVE_ROWS: tuple[RowLabel, ...] = (
    RowLabel("regulations", ("规章",)),
    RowLabel("normative_documents", ("规范性文件",)),
    RowLabel("administrative_licensing", ("行政许可",)),
    RowLabel("other_external_services", ("其他对外管理服务", "对外管理服务事项")),
    RowLabel("administrative_penalty", ("行政处罚",)),
    RowLabel("administrative_coercion", ("行政强制",)),
    RowLabel("administrative_fees", ("事业性收费", "事业型收费", "行政事业收费")),
    RowLabel("government_procurement", ("集中采购",)),
)
PROACTIVE_COLUMNS = {
    "2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "administrative_licensing": ("decisions",),
        "administrative_penalty": ("decisions",),
        "administrative_coercion": ("decisions",),
        "administrative_fees": ("amount_yuan",),
    },
    "2019": {
        "regulations": ("new_made", "new_published", "total_published"),
        "normative_documents": ("new_made", "new_published", "total_published"),
        "administrative_licensing": ("previous_items", "change", "decisions"),
        "other_external_services": ("previous_items", "change", "decisions"),
        "administrative_penalty": ("previous_items", "change", "decisions"),
        "administrative_coercion": ("previous_items", "change", "decisions"),
        "administrative_fees": ("previous_items", "change"),
        "government_procurement": ("projects", "amount_yuan"),
    },
}
MONEY_COLUMNS = {"amount_yuan"}
SIGNED_COLUMNS = {"change"}
#: Header fragments that carry the money unit of the fees (2021) and procurement (2019) columns.
MONEY_HEADERS = ("收费金额", "采购总金额", "采购金额")

# --- cells ------------------------------------------------------------------------------------

NOT_APPLICABLE_TOKENS = frozenset({"/", "／", "-", "－", "—", "——", "–", "无", "\\", "空", "×"})

# --- title, year, dates -----------------------------------------------------------------------

TITLE_CORE = re.compile(r"(?:政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)")
TITLE_REJECT = re.compile(r"通知|制度|格式|工作要点|统计表|解读|图解|目录|指南")
TITLE_PATTERN = re.compile(
    r"^(?P<y1>(?:19|20)\d{2})?年?度?(?P<org>.*?)(?P<y2>(?:19|20)\d{2})?年?度?(?P<gov>政府|政务)?信息公开(?:工作)?(?:年度)?(?:报告|年报)"
)
MAX_TITLE_LENGTH = 90
YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")
STATISTICS_PERIOD = re.compile(r"统计期限[^。；;\n]{0,12}?((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日[^。；;\n]{0,12}?((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")
PUBLICATION_LINE = re.compile(r"(?:发布|公开|成文|印发|生成)(?:日期|时间)\s*[:：]?\s*")
FEE_STATEMENT = re.compile(r"信息处理费|处理费|收费|收取.{0,6}费|费用")
AGENCY_SUFFIXES = ("人民政府", "政府", "办公室", "办公厅", "委员会", "局", "厅", "部", "署", "院", "中心", "办事处",
                   "街道", "镇", "乡", "委", "会", "所", "站", "队", "室", "处", "馆")
