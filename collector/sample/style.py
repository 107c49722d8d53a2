"""The per-document choices a real publisher makes that do not change the numbers.

Label numbering (``1.`` ``1、``), half- or full-width brackets, heading variants, the unit of money
columns, a two-line title: all are chosen once per rendered document from the render seed and passed
down to every layout in one :class:`Style`, so the same document is consistent with itself.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from collector.sample.labels import (
    LABEL_VARIANTS,
    REQUESTS_CORNER,
    REQUESTS_CORNER_VARIANT,
    SECTION_HEADINGS,
    Label,
)


@dataclass(frozen=True, slots=True)
class Style:
    """How one document prints its labels, headings and money."""

    half_width_brackets: bool  # "(一) 予以公开" instead of "（一）予以公开"
    digit_marker: str  # format of sub-row numbering: "{n}." "{n}、" "{n}．" "{n}. "
    label_variants: bool  # 其他法律法规禁止公开, straight quotes (LABEL_VARIANTS)
    other_separator: str  # "、" or "，" inside the 2021 （六）1/2 labels
    corner: str
    headings: dict[str, str]
    fee_four_decimals: bool  # 2021 fee column "（单位：万元，保留4位小数）" printed with four decimals
    procurement_in_wan: bool  # 2019 采购总金额 under a 万元 header instead of values written with 元
    short_normative_label: bool  # 规范性文件 in a 2021 table (templates.md §4.3)
    two_line_title: bool

    def label(self, label: Label) -> str:
        """A row label as this document prints it."""
        text = label.text
        if self.label_variants:
            text = LABEL_VARIANTS.get(text, text)
        text = text.replace("、行政机关不再处理", f"{self.other_separator}行政机关不再处理")
        marker = label.marker
        if marker[0].isdigit():
            marker = self.digit_marker.format(n=marker[0])
        elif marker.startswith("（") and self.half_width_brackets:
            marker = marker.replace("（", "(").replace("）", ") ")
            text = text.replace("（", " (").replace("）", ")").replace("，", ", ")
        return marker + text


def money_text(yuan: float, *, in_wan: bool, four_decimals: bool = False, yuan_suffix: bool = False) -> str:
    """A money cell as printed: in 万元 (``12372.0506``) or in yuan (``3920141.46元``); zero is ``0``."""
    amount = Decimal(repr(yuan))
    if not amount:
        return "0"
    if in_wan:
        amount /= 10000
        if four_decimals:
            return f"{amount.quantize(Decimal('0.0001')):f}"
    text = f"{amount.normalize():f}"
    return f"{text}元" if yuan_suffix else text


def whole_yuan(yuan: float) -> bool:
    """Whether an amount is exact in 万元 with at most four decimals."""
    return Decimal(repr(yuan)) == Decimal(repr(yuan)).to_integral_value()


def choose_style(record: dict, rng: random.Random) -> Style:
    """Draw the document's printing choices; canonical forms are the most likely."""
    procurement = record["tables"]["proactive"].get("government_procurement")
    return Style(
        half_width_brackets=rng.random() < 0.3,
        digit_marker=rng.choices(("{n}.", "{n}、", "{n}．", "{n}. "), (6, 2, 1, 2))[0],
        label_variants=rng.random() < 0.25,
        other_separator=rng.choices(("、", "，"), (4, 1))[0],
        corner=REQUESTS_CORNER if rng.random() < 0.85 else REQUESTS_CORNER_VARIANT,
        headings={key: variants[0] if rng.random() < 0.8 else rng.choice(variants)
                  for key, variants in SECTION_HEADINGS.items()},
        fee_four_decimals=rng.random() < 0.5,
        procurement_in_wan=bool(procurement) and whole_yuan(procurement["amount_yuan"]) and rng.random() < 0.5,
        short_normative_label=rng.random() < 0.15,
        two_line_title=record["title"].startswith(record["agency"]) and rng.random() < 0.15,
    )
