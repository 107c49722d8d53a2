"""Title, agency, report year, publication date and template of a report.

The report year is the year the data covers (in the title: 2023年…年度报告), never the
publication year; the publication date comes from the document's own statements, in this order:
container metadata, a 发布日期/发布时间 line, the signature date at the end.
"""

from __future__ import annotations

import re
from collections import Counter

from parsers.dates import DATE_PATTERN, parse_date, to_iso
from parsers.labels import (AGENCY_SUFFIXES, MARKERS_2019, MARKERS_2021, MARKERS_LEGACY, MAX_LABEL_LENGTH,
                            MAX_TITLE_LENGTH, PUBLICATION_LINE, STATISTICS_PERIOD, TITLE_CORE, TITLE_PATTERN,
                            TITLE_REJECT, YEAR_IN_TEXT)
from parsers.rows import Row

_CHINESE_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                   "八": 8, "九": 9}
_CHINESE_YEAR = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})年")
_CHINESE_MONTH_DAY = re.compile(r"年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_TITLE_SPLIT = re.compile(r"\s*[_|｜]\s*|\s+[-－—]\s+")
_TITLE_HEAD_ROWS = 12
_SIGNATURE_ROWS = 8
_MAX_SIGNATURE_LENGTH = 40
_INFERRED_YEAR_MIN_COUNT = 3


def _small_number(text: str) -> int:
    """一 … 三十一 as an int (month and day numbers)."""
    if "十" not in text:
        return _CHINESE_DIGITS.get(text, 0)
    tens, _, units = text.partition("十")
    return (_CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CHINESE_DIGITS.get(units, 0) if units else 0)


def arabic_dates(text: str) -> str:
    """Rewrite 二〇二二年一月二十日 as 2022年1月20日 so one date pattern serves both."""
    text = _CHINESE_YEAR.sub(lambda m: "".join(str(_CHINESE_DIGITS[c]) for c in m.group(1)) + "年", text)
    return _CHINESE_MONTH_DAY.sub(lambda m: f"年{_small_number(m.group(1))}月{_small_number(m.group(2))}日", text)


def _title_candidates(rows: list[Row], page_title: str | None) -> list[str]:
    candidates: list[str] = []
    if page_title:
        candidates.extend(part for part in _TITLE_SPLIT.split(page_title) if part)
    head = [row for row in rows if row.labels and not row.values][:_TITLE_HEAD_ROWS]
    for index, row in enumerate(head):
        text = "".join(label.text for label in row.labels).strip()
        if TITLE_CORE.search(text) and index > 0:
            previous = "".join(label.text for label in head[index - 1].labels).strip()
            if previous.endswith(AGENCY_SUFFIXES) and len(previous) <= 30 and not TITLE_CORE.search(previous):
                candidates.append(previous + text)  # a title printed on two lines
        candidates.append(text)
    return candidates


def _is_title(text: str) -> bool:
    compact = re.sub(r"\s+", "", text)
    return (len(compact) <= MAX_TITLE_LENGTH and bool(TITLE_CORE.search(compact))
            and not TITLE_REJECT.search(compact) and not compact.endswith(("。", "；", "，")))


def find_title(rows: list[Row], page_title: str | None) -> tuple[str | None, str | None, int | None]:
    """(title, agency, year) from the report's title; the best candidate names a year and an agency."""
    best: tuple[int, str, str | None, int | None] | None = None
    for candidate in _title_candidates(rows, page_title):
        if not _is_title(candidate):
            continue
        compact = arabic_dates(re.sub(r"\s+", "", candidate))
        match = TITLE_PATTERN.search(compact)
        if match is None:
            continue
        year_text = match.group("y1") or match.group("y2")
        agency = match.group("org").strip("年度的") or None
        if (agency and match.group("gov") == "政府" and not match.group("y2")
                and agency.endswith(("市", "县", "区", "省", "州", "旗"))):
            agency += "政府"  # 2022年上海市政府信息公开…: nothing separates 政府 from the agency
        score = (2 if year_text else 0) + (1 if agency else 0)
        if best is None or score > best[0]:
            best = (score, candidate.strip(), agency, int(year_text) if year_text else None)
    return (best[1], best[2], best[3]) if best else (None, None, None)


def statistics_year(text: str) -> int | None:
    """The year of a 统计期限自2021年1月1日至2021年12月31日 sentence, if both ends agree."""
    match = STATISTICS_PERIOD.search(text)
    if match and match.group(1) == match.group(2):
        return int(match.group(1))
    return None


def dominant_year(text: str) -> int | None:
    """The year mentioned most in the narrative, when it clearly dominates (a weak, flagged guess)."""
    counts = Counter(int(year) for year in YEAR_IN_TEXT.findall(text)).most_common(2)
    if not counts or counts[0][1] < _INFERRED_YEAR_MIN_COUNT:
        return None
    if len(counts) > 1 and counts[1][1] * 2 > counts[0][1]:
        return None
    return counts[0][0]


def _row_text(row: Row) -> str:
    return arabic_dates(" ".join(label.text for label in row.labels))


def publication_evidence(rows: list[Row], meta_date: str | None, year: int | None) -> dict[str, str]:
    """Every publication date the document states, by source: ``page_meta`` (container metadata),
    ``page_line`` (a 发布日期/发布时间 line) and ``signature`` (the date under the report).

    Dates not after the end of the report year cannot be publication dates and are ignored.
    """

    def plausible(iso: str | None) -> bool:
        return iso is not None and (year is None or iso > f"{year}-12-31")

    evidence: dict[str, str] = {}
    if plausible(meta_date):
        evidence["page_meta"] = meta_date
    for row in rows:
        text = _row_text(row)
        match = PUBLICATION_LINE.search(text)
        if match and plausible(found := parse_date(text[match.end():match.end() + 30])):
            evidence["page_line"] = found
            break
    for row in reversed([row for row in rows if row.labels][-_SIGNATURE_ROWS:]):
        text = _row_text(row)
        if len(text) > _MAX_SIGNATURE_LENGTH or "统计期限" in text:
            continue
        match = DATE_PATTERN.search(text)
        if match and plausible(found := to_iso(*(int(part) for part in match.groups()))):
            evidence["signature"] = found
            break
    return evidence


def detect_template(rows: list[Row]) -> str:
    """``2021``, ``2019``, ``legacy`` or ``unknown``, from the table header labels (not the year)."""
    keys = {label.key for row in rows for label in row.labels if len(label.key) <= MAX_LABEL_LENGTH}
    joined = "\n".join(keys)
    score_2021 = sum(marker in joined for marker in MARKERS_2021)
    score_2019 = sum(marker in joined for marker in MARKERS_2019)
    if score_2021 > score_2019:
        return "2021"
    if score_2019 > score_2021:
        return "2019"
    if score_2021 == 0 and all(marker in joined for marker in MARKERS_LEGACY):
        return "legacy"
    return "unknown"
