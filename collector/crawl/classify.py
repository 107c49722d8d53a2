"""Is a listed title an annual report, of which year, and which version (portals.md §6, §12.3)?

A list title decides whether a detail page is worth a request at all: distractors that sit in the
same column (函, 解读, 图解, budgets, 政府工作报告, 法治政府 reports) are never fetched. A title the
list cut short, or one without a year, is ``maybe``: the detail page's own title decides.
"""

from __future__ import annotations

from dataclasses import dataclass

from collector.crawl import patterns

REPORT, MAYBE, OTHER = "report", "maybe", "other"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a title says: ``kind`` (report, maybe, other), the report year and the version it names."""

    kind: str
    year: int | None = None
    variant: str = "text"  # text | image (图片版) | hyperlink (超链版)

    @property
    def legacy(self) -> bool:
        """Report years before 2019 follow the 2007 条例 and its free-form table."""
        return self.year is not None and self.year <= patterns.LAST_LEGACY_YEAR


def title_year(text: str) -> int | None:
    """The first year written in ``text`` (2021年, 2021年度, 二〇二一年), or None."""
    match = patterns.YEAR.search(text)
    if match:
        return int(match[1])
    match = patterns.CHINESE_YEAR.search(text)
    if match:
        return int("".join(str(patterns.CHINESE_DIGITS[character]) for character in match[1]))
    return None


def _variant(text: str) -> str:
    if patterns.IMAGE_VERSION.search(text):
        return "image"
    if patterns.HYPERLINK_VERSION.search(text):
        return "hyperlink"
    return "text"


def classify(title: str) -> Verdict:
    """Judge one title (list text, anchor ``title`` attribute or page heading)."""
    text = patterns.fold(title)
    if not text or patterns.REPORT_REJECT.search(text):
        return Verdict(OTHER)
    year = title_year(text)
    core, kind = patterns.REPORT_CORE.search(text), patterns.REPORT_KIND.search(text)
    if core and kind:
        return Verdict(REPORT if year is not None else MAYBE, year, _variant(text))
    if patterns.TRUNCATED.search(text) and patterns.TRUNCATED_HINT.search(text):
        return Verdict(MAYBE, year, _variant(text))
    return Verdict(OTHER)


def best_title(text: str, attribute: str | None) -> str:
    """The fuller of a list entry's printed text and its ``title`` attribute (lists cut long titles),
    as printed: only white space is tidied, so the title stays evidence of what the portal said."""
    text, attribute = " ".join(text.split()), " ".join((attribute or "").split())
    if attribute and (patterns.TRUNCATED.search(text) or len(attribute) > len(text)):
        return attribute
    return text
