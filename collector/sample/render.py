"""Render a record as the bytes of a real-looking report, in any of the layouts parsers meet.

:func:`render` returns only the bytes; :func:`render_with_truth` also says what damage was done,
so a test can hold a parser to exactly what is still recoverable:

* ``dropped``: the ``(row, column)`` requests cells that vanished (``drop_cells``; layouts
  ``tabs``, ``pipes`` and ``spaces``). Only cells the template identities pin are dropped, at most
  one per row (see :mod:`collector.sample.recovery`).
* ``run_together``: the requests rows whose seven numbers are printed without separators (layout
  ``run_together``). Only rows whose digits split back in exactly one way are chosen, under the rule
  "no part has a leading zero unless it is exactly 0, and the last part equals the sum of the first
  six"; that uniqueness is why a parser may, and should, recover them.

Output is a pure function of the record and the arguments. ``traditional=True`` converts the whole
text with OpenCC ``s2t`` and then applies Taiwan-side vocabulary (规范性文件 → 規範性檔案), as mirrors do.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable

import opencc

from collector.sample import html_layouts, text_layouts
from collector.sample.blocks import RenderContext, document_blocks
from collector.sample.labels import TAIWAN_VOCABULARY
from collector.sample.recovery import choose_dropped_cells, choose_run_together_rows
from collector.sample.style import choose_style

_RENDERERS: dict[str, Callable[[RenderContext], str]] = {
    "html_clean": html_layouts.html_clean,
    "html_word": html_layouts.html_word,
    "html_script": html_layouts.html_script,
    "tabs": text_layouts.tabs,
    "pipes": text_layouts.pipes,
    "one_cell_per_line": text_layouts.one_cell_per_line,
    "markdown_broken": text_layouts.markdown_broken,
    "spaces": text_layouts.spaces,
    "run_together": text_layouts.spaces,
}
LAYOUTS: tuple[str, ...] = tuple(_RENDERERS)
HTML_LAYOUTS: tuple[str, ...] = ("html_clean", "html_word", "html_script")
DROP_LAYOUTS: tuple[str, ...] = ("tabs", "pipes", "spaces")
#: Encoding → the charset an HTML page declares for it (portals declare gb2312 for GBK bytes).
ENCODINGS: dict[str, str] = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "gbk": "gb2312", "gb18030": "gb18030"}

_TO_TRADITIONAL = opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Traditional characters plus the Taiwan-side vocabulary of mirror sites (templates.md §4.6)."""
    text = _TO_TRADITIONAL.convert(text)
    for mainland, taiwan in TAIWAN_VOCABULARY.items():
        text = text.replace(mainland, taiwan)
    return text


def _digest(record: dict) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def render_with_truth(
    record: dict,
    layout: str,
    *,
    traditional: bool = False,
    encoding: str = "utf-8",
    drop_cells: int = 0,
    seed: int | str = 0,
) -> tuple[bytes, dict]:
    """The rendered bytes and ``{"dropped": [[row, column], ...], "run_together": [row, ...]}``."""
    if layout not in _RENDERERS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {LAYOUTS}")
    if encoding not in ENCODINGS:
        raise ValueError(f"unknown encoding {encoding!r}; expected one of {tuple(ENCODINGS)}")
    if drop_cells and layout not in DROP_LAYOUTS:
        raise ValueError(f"drop_cells applies to the layouts {DROP_LAYOUTS}, not {layout!r}")
    digest = _digest(record)
    rng = random.Random(f"render|{seed}|{layout}|{digest}")
    style = choose_style(record, rng)
    dropped = choose_dropped_cells(record, drop_cells, random.Random(f"drop|{seed}|{digest}")) if drop_cells else []
    together = choose_run_together_rows(record, rng) if layout == "run_together" else []
    context = RenderContext(record=record, blocks=document_blocks(record, style), style=style, rng=rng,
                            charset=ENCODINGS[encoding], dropped=frozenset(dropped), run_together=frozenset(together))
    text = _RENDERERS[layout](context)
    if traditional:
        text = to_traditional(text)
    truth = {"dropped": [list(cell) for cell in dropped], "run_together": together}
    return text.encode(encoding), truth


def render(
    record: dict,
    layout: str,
    *,
    traditional: bool = False,
    encoding: str = "utf-8",
    drop_cells: int = 0,
    seed: int | str = 0,
) -> bytes:
    """The bytes of ``record`` printed in ``layout``; see :func:`render_with_truth`."""
    data, _ = render_with_truth(record, layout, traditional=traditional, encoding=encoding,
                                drop_cells=drop_cells, seed=seed)
    return data
