"""Text normalisation before any matching: traditional → simplified, width folding, label keys.

Reports come in simplified and traditional characters, with full-width or ASCII punctuation,
spaces inside labels and several list-numbering styles. Matching happens on a *label key*: the
text folded with OpenCC ``t2s`` and NFKC, a small vocabulary map for Taiwan-side wording, and
all whitespace, numbering and punctuation removed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")

#: Taiwan-side vocabulary that character conversion alone does not fold (templates.md §4.6).
_VOCABULARY = (("规范性档案", "规范性文件"), ("入口网站", "门户网站"), ("资讯公开", "信息公开"))

_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}\s*[、.．](?!\d)|\d{1,2}(?=[^\d.．、]))+"
)
_NOISE = re.compile(r"[\s\"'“”‘’「」『』《》〈〉【】\[\]()（）:：,，、;；.。．·・/／|_\-—–]+")


def to_simplified(text: str) -> str:
    """Fold traditional characters and Taiwan-side vocabulary into mainland simplified text."""
    text = _T2S.convert(text)
    for variant, mainland in _VOCABULARY:
        if variant in text:
            text = text.replace(variant, mainland)
    return text


@lru_cache(maxsize=8192)
def label_key(text: str) -> str:
    """The matching form of a label: NFKC, no numbering prefix, no whitespace or punctuation."""
    text = unicodedata.normalize("NFKC", text).replace("〇", "0")
    text = re.sub(r"\s+", "", text)
    text = _NUMBERING.sub("", text)
    return _NOISE.sub("", text)
