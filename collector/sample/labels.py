"""Every key, label and label variant of the two national templates, in one place.

The generator and all renderers read the template structure from here, so a layout can never
disagree with the record about which rows exist or in which order they are printed. Keys are those
of ``spec/record.md``; labels and their variants are those of ``spec/templates.md`` §2 and §4.3.
"""

from __future__ import annotations

from dataclasses import dataclass

TEMPLATES: tuple[str, ...] = ("2019", "2021")

# --- tables.requests -------------------------------------------------------------------------

#: Applicant columns in template order; the last is the row total.
REQUEST_COLUMNS: tuple[str, ...] = (
    "natural_person", "commercial_enterprise", "research_institution",
    "social_welfare_org", "legal_service_org", "other_org", "total",
)
PARTY_COLUMNS: tuple[str, ...] = REQUEST_COLUMNS[:-1]


@dataclass(frozen=True, slots=True)
class Label:
    """A printed label split into its numbering marker (``一、`` ``（三）`` ``1.``) and its text."""

    marker: str
    text: str


_THREE = Label("三、", "本年度办理结果")
_DENIED = Label("（三）", "不予公开")
_UNABLE = Label("（四）", "无法提供")
_NOT_PROCESSED = Label("（五）", "不予处理")
_OTHER = Label("（六）", "其他处理")

#: Rows of the requests table shared by both templates, each with its label path from the
#: outermost group label to the row's own label (the path drives the row/colspans of the layouts).
_REQUESTS_HEAD: tuple[tuple[str, tuple[Label, ...]], ...] = (
    ("new_received", (Label("一、", "本年新收政府信息公开申请数量"),)),
    ("carried_over", (Label("二、", "上年结转政府信息公开申请数量"),)),
    ("granted", (_THREE, Label("（一）", "予以公开"))),
    ("partially_granted", (_THREE, Label("（二）", "部分公开（区分处理的，只计这一情形，不计其他情形）"))),
    ("denied_state_secret", (_THREE, _DENIED, Label("1.", "属于国家秘密"))),
    ("denied_prohibited_by_law", (_THREE, _DENIED, Label("2.", "其他法律行政法规禁止公开"))),
    ("denied_security_stability", (_THREE, _DENIED, Label("3.", "危及“三安全一稳定”"))),
    ("denied_third_party_rights", (_THREE, _DENIED, Label("4.", "保护第三方合法权益"))),
    ("denied_internal_affairs", (_THREE, _DENIED, Label("5.", "属于三类内部事务信息"))),
    ("denied_process_information", (_THREE, _DENIED, Label("6.", "属于四类过程性信息"))),
    ("denied_enforcement_case_file", (_THREE, _DENIED, Label("7.", "属于行政执法案卷"))),
    ("denied_administrative_query", (_THREE, _DENIED, Label("8.", "属于行政查询事项"))),
    ("unable_not_held", (_THREE, _UNABLE, Label("1.", "本机关不掌握相关政府信息"))),
    ("unable_needs_creation", (_THREE, _UNABLE, Label("2.", "没有现成信息需要另行制作"))),
    ("unable_still_unclear", (_THREE, _UNABLE, Label("3.", "补正后申请内容仍不明确"))),
    ("not_processed_petition", (_THREE, _NOT_PROCESSED, Label("1.", "信访举报投诉类申请"))),
    ("not_processed_duplicate", (_THREE, _NOT_PROCESSED, Label("2.", "重复申请"))),
    ("not_processed_publication", (_THREE, _NOT_PROCESSED, Label("3.", "要求提供公开出版物"))),
    ("not_processed_excessive", (_THREE, _NOT_PROCESSED, Label("4.", "无正当理由大量反复申请"))),
    ("not_processed_confirmation", (_THREE, _NOT_PROCESSED, Label("5.", "要求行政机关确认或重新出具已获取信息"))),
)
_REQUESTS_TAIL: tuple[tuple[str, tuple[Label, ...]], ...] = (
    ("total_processed", (_THREE, Label("（七）", "总计"))),
    ("carried_forward", (Label("四、", "结转下年度继续办理"),)),
)
REQUEST_ROWS: dict[str, tuple[tuple[str, tuple[Label, ...]], ...]] = {
    "2019": _REQUESTS_HEAD + (("other_processing", (_THREE, _OTHER)),) + _REQUESTS_TAIL,
    "2021": _REQUESTS_HEAD + (
        ("other_no_correction", (_THREE, _OTHER, Label("1.", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"))),
        ("other_unpaid_fee", (_THREE, _OTHER, Label("2.", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"))),
        ("other_misc", (_THREE, _OTHER, Label("3.", "其他"))),
    ) + _REQUESTS_TAIL,
}


def request_rows(template: str) -> tuple[str, ...]:
    """Row keys of the requests table in printed order."""
    return tuple(key for key, _ in REQUEST_ROWS[template])


def outcome_rows(template: str) -> tuple[str, ...]:
    """The rows 三（一）…三（六） whose sum is 三（七）总计 (identity A2)."""
    rows = request_rows(template)
    return rows[rows.index("granted"):rows.index("total_processed")]


REQUESTS_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
REQUESTS_CORNER_VARIANT = "(本列)数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
APPLICANTS = "申请人情况"
NATURAL_PERSON = "自然人"
LEGAL_PERSONS = "法人或其他组织"
LEGAL_PERSON_COLUMNS: tuple[str, ...] = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")
TOTAL = "总计"

#: Label variants seen in real reports (templates.md §4.3 and the seeds), keyed by the canonical text.
LABEL_VARIANTS: dict[str, str] = {
    "其他法律行政法规禁止公开": "其他法律法规禁止公开",
    "危及“三安全一稳定”": "危及\"三安全一稳定\"",
}

# --- tables.review_litigation ----------------------------------------------------------------

REVIEW_GROUPS: tuple[str, ...] = ("administrative_review", "litigation_direct", "litigation_after_review")
REVIEW_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
REVIEW_COLUMN_LABELS: tuple[str, ...] = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
REVIEW = "行政复议"
LITIGATION = "行政诉讼"
LITIGATION_DIRECT = "未经复议直接起诉"
LITIGATION_AFTER_REVIEW = "复议后起诉"

# --- tables.proactive ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProactiveBlock:
    """One sub-block of table 二: its 第二十条 caption, its columns and its rows (key, label)."""

    caption: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[tuple[str, str], ...]


PROACTIVE_CONTENT = "信息内容"
FEE_HEADER_2021 = "本年收费金额（单位：万元）"
FEE_HEADER_2021_FOUR_DECIMALS = "本年收费金额（单位：万元，保留4位小数）"
PROCUREMENT_AMOUNT = "采购总金额"
PROCUREMENT_AMOUNT_WAN = "采购总金额（单位：万元）"

_DECISIONS_2021 = (("decisions", "本年处理决定数量"),)
_ITEMS_2019 = (("previous_items", "上一年项目数量"), ("change", "本年增/减"), ("decisions", "处理决定数量"))

PROACTIVE_BLOCKS: dict[str, tuple[ProactiveBlock, ...]] = {
    "2021": (
        ProactiveBlock("第二十条第（一）项",
                       (("issued", "本年制发件数"), ("repealed", "本年废止件数"), ("in_force", "现行有效件数")),
                       (("regulations", "规章"), ("normative_documents", "行政规范性文件"))),
        ProactiveBlock("第二十条第（五）项", _DECISIONS_2021, (("administrative_licensing", "行政许可"),)),
        ProactiveBlock("第二十条第（六）项", _DECISIONS_2021,
                       (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制"))),
        ProactiveBlock("第二十条第（八）项", (("amount_yuan", FEE_HEADER_2021),), (("administrative_fees", "行政事业性收费"),)),
    ),
    "2019": (
        ProactiveBlock("第二十条第（一）项",
                       (("new_made", "本年新制作数量"), ("new_published", "本年新公开数量"),
                        ("total_published", "对外公开总数量")),
                       (("regulations", "规章"), ("normative_documents", "规范性文件"))),
        ProactiveBlock("第二十条第（五）项", _ITEMS_2019,
                       (("administrative_licensing", "行政许可"), ("other_external_services", "其他对外管理服务事项"))),
        ProactiveBlock("第二十条第（六）项", _ITEMS_2019,
                       (("administrative_penalty", "行政处罚"), ("administrative_coercion", "行政强制"))),
        ProactiveBlock("第二十条第（八）项", _ITEMS_2019[:2], (("administrative_fees", "行政事业性收费"),)),
        ProactiveBlock("第二十条第（九）项", (("projects", "采购项目数量"), ("amount_yuan", PROCUREMENT_AMOUNT)),
                       (("government_procurement", "政府集中采购"),)),
    ),
}
PROACTIVE_WIDTH = 4  # 信息内容 + at most three value columns


# --- sections and titles ---------------------------------------------------------------------

SECTION_KEYS: tuple[str, ...] = ("overview", "proactive", "requests", "review_litigation", "problems", "other")

#: Section headings: the canonical form first, then variants seen in real reports (§2.2).
SECTION_HEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("一、总体情况",),
    "proactive": ("二、主动公开政府信息情况", "二、主动公开政府信息的情况"),
    "requests": ("三、收到和处理政府信息公开申请情况",),
    "review_litigation": ("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况"),
    "problems": ("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"),
    "other": ("六、其他需要报告的事项",),
}

#: Title patterns of templates.md §4.7 with their weights (the first is by far the most common).
#: ``year_first`` patterns are not used for governments: their titles would read …人民政府政府信息….
TITLE_PATTERNS: tuple[tuple[str, int, bool], ...] = (
    ("{agency}{year}年政府信息公开工作年度报告", 12, False),
    ("{agency}{year}年度政府信息公开工作年度报告", 2, False),
    ("{year}年{agency}政府信息公开工作年度报告", 2, True),
    ("{year}年度{agency}政府信息公开工作年度报告", 1, True),
    ("{agency}{year}年政府信息公开年度报告", 1, False),
    ("{agency}{year}年信息公开年度报告", 1, False),
)

TEMPLATE_DOCUMENTS: dict[str, str] = {
    "2019": "《中华人民共和国政府信息公开工作年度报告格式（试行）》（国办公开办函〔2019〕60号）",
    "2021": "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
}

#: Taiwan-side vocabulary that mirrors apply after character conversion (templates.md §4.6).
TAIWAN_VOCABULARY: dict[str, str] = {
    "規範性文件": "規範性檔案",
    "門戶網站": "入口網站",
    "優化": "最佳化",
    "宏觀": "巨觀",
}
