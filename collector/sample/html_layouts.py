"""Portal pages: clean CMS markup, Word/WPS-pasted markup, and a body injected by JavaScript.

All three share the portal chrome (navigation, breadcrumb, 发布时间 bar, related links, ICP footer)
that a parser has to see past, and print the tables with the official row/colspans. They differ in
how the report body is written, which is what breaks real extractors: Word's one-character-per-line
header cells and ``<o:p>`` noise, or a body that is only present as an escaped JS string literal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html import escape

from collector.sample.blocks import Block, Heading, RenderContext
from collector.sample.tables import Cell, Kind, TableModel

_COLUMN_NAMES = ("政府信息公开年报", "信息公开年报", "政府信息公开工作年度报告")
_PROVINCES = ("豫", "浙", "京", "湘", "川", "苏", "鄂", "陕", "皖", "鲁")
_ASCII_RUN = re.compile(r"([\x21-\x7e]+)")
_CJK_ONLY = re.compile(r"^[\u4e00-\u9fff]{2,6}$")


def _attributes(cell: Cell, quote: str = '"') -> str:
    spans = [(name, value) for name, value in (("rowspan", cell.rowspan), ("colspan", cell.colspan)) if value > 1]
    return "".join(f" {name}={quote}{value}{quote}" for name, value in spans)


def _table_html(model: TableModel, table_open: str, row_open: Callable[[int], str],
                cell_html: Callable[[Cell], str]) -> str:
    rows = "".join(f"{row_open(index)}{''.join(cell_html(cell) for cell in row)}</tr>\n"
                   for index, row in enumerate(model.rows))
    return f"{table_open}\n<tbody>\n{rows}</tbody></table>"


def _page(ctx: RenderContext, content: str) -> str:
    """The portal page around ``content``: the parts a parser must ignore, as real CMSs print them."""
    record, rng = ctx.record, ctx.rng
    title, agency, year, published = record["title"], record["agency"], record["year"], record["published_at"]
    column = rng.choice(_COLUMN_NAMES)
    province = rng.choice(_PROVINCES)
    declaration = (f'<meta charset="{ctx.charset}">' if rng.random() < 0.5
                   else f'<meta http-equiv="Content-Type" content="text/html; charset={ctx.charset}">')
    related = "".join(f'<li><a href="../{year - back}/index.html">{escape(agency)}{year - back}年政府信息公开工作年度报告</a></li>'
                      for back in (1, 2)) + '<li><a href="../guide.html">政府信息公开指南</a></li>'
    clock = f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{declaration}
<title>{escape(title)}_{escape(agency)}</title>
<meta name="ArticleTitle" content="{escape(title)}">
<meta name="PubDate" content="{published} {clock}">
<meta name="ColumnName" content="{column}">
<link rel="stylesheet" href="/css/article.css">
</head>
<body>
<div class="header">
  <div class="logo"><a href="/">{escape(agency)}</a></div>
  <div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政府信息公开</a></li>
  <li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">政民互动</a></li><li><a href="/ztzl/">专题专栏</a></li></ul></div>
</div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; <a href="./">{column}</a></div>
<div class="article">
  <h1 class="article-title">{escape(title)}</h1>
  <div class="info-bar"><span>发布时间：{published} {clock}</span><span>来源：{escape(agency)}</span>
  <span>浏览次数：{rng.randint(30, 5000)}</span><span>字号：[<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>]</span></div>
{content}
</div>
<div class="related"><h3>相关链接</h3><ul>{related}</ul></div>
<div class="footer">
  <p>主办单位：{escape(agency)}　承办：{escape(agency)}办公室　网站标识码：{rng.randint(10 ** 9, 10 ** 10 - 1)}</p>
  <p><a href="https://beian.miit.gov.cn/">{province}ICP备{rng.randint(10 ** 7, 10 ** 8 - 1)}号-1</a>
  　{province}公网安备 {rng.randint(10 ** 13, 10 ** 14 - 1)}号</p>
</div>
</body>
</html>
"""


# --- clean CMS markup ---------------------------------------------------------------------------

def _clean_cell(cell: Cell) -> str:
    align = ' align="center"' if cell.kind is not Kind.LABEL else ""
    return f"<td{_attributes(cell)}{align}>{escape(cell.text) or '&nbsp;'}</td>"


def _clean_block(block: Block) -> str:
    if isinstance(block, TableModel):
        return _table_html(block, '<table border="1" cellspacing="0" cellpadding="0" width="100%" '
                                  'style="border-collapse:collapse;">', lambda _: "<tr>", _clean_cell)
    if isinstance(block, Heading):
        return f'<p style="text-indent:2em;"><strong>{escape(block.text)}</strong></p>'
    align = "text-align:right;" if block.signature else "text-indent:2em;"
    return f'<p style="{align}">{escape(block.text)}</p>'


def _clean_body(ctx: RenderContext) -> str:
    """The report body as a CMS editor stores it; the title is the page's ``<h1>``, not repeated."""
    return "\n".join(_clean_block(block) for block in ctx.blocks
                     if not (isinstance(block, Heading) and block.level == 0))


def html_clean(ctx: RenderContext) -> str:
    return _page(ctx, f'<div class="article-content" id="zoom">\n{_clean_body(ctx)}\n</div>')


# --- Word / WPS pasted markup -------------------------------------------------------------------

_WORD_EMPTY = "<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
_WORD_FONTS = {0: "font-size:22.0pt;font-family:方正小标宋简体", 1: "font-size:16.0pt;font-family:黑体",
               2: "font-size:16.0pt;font-family:楷体_GB2312"}
_WORD_BODY_FONT = "font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:\"Times New Roman\""
_WORD_CELL = ("border:solid windowtext 1.0pt;border-top:none;mso-border-alt:solid windowtext .5pt;"
              "padding:0cm 5.4pt 0cm 5.4pt")


def _word_runs(text: str) -> str:
    """Word puts digits and Latin text in their own ``lang=EN-US`` runs."""
    pieces = _ASCII_RUN.split(text)  # odd positions are the captured ASCII runs
    return "".join(f"<span lang=EN-US>{escape(piece)}</span>" if index % 2 else escape(piece)
                   for index, piece in enumerate(pieces))


def _word_cell(cell: Cell, one_per_char: str) -> str:
    width = 48 * cell.colspan
    paragraph = "<p class=MsoNormal align=center style='text-align:center'>"
    font = "font-size:10.5pt;font-family:宋体"
    if cell.kind is Kind.VALUE:
        inner = (f"{paragraph}<span lang=EN-US style='font-size:10.5pt;font-family:\"Times New Roman\"'>"
                 f"{escape(cell.text)}<o:p></o:p></span></p>")
    elif cell.kind is Kind.BLANK:
        inner = f"{paragraph}<span lang=EN-US style='font-size:10.5pt'><o:p>&nbsp;</o:p></span></p>"
    elif cell.kind is Kind.HEADER and _CJK_ONLY.match(cell.text):
        if one_per_char == "p":  # a narrow header column: one character per line
            inner = "".join(f"{paragraph}<span style='{font}'>{char}</span></p>" for char in cell.text)
        else:
            inner = f"{paragraph}<span style='{font}'>{'<br>'.join(cell.text)}</span></p>"
    else:
        inner = f"{paragraph}<span style='{font}'>{_word_runs(cell.text)}<span lang=EN-US><o:p></o:p></span></span></p>"
    return (f"<td width={width}{_attributes(cell, quote='')} valign=middle "
            f"style='width:{width * 0.75:.1f}pt;{_WORD_CELL}'>{inner}</td>")


def _word_block(block: Block, ctx: RenderContext, one_per_char: str) -> str:
    if isinstance(block, TableModel):
        table_open = ("<div align=center><table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
                      "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
                      "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>")
        return _table_html(block, table_open, lambda index: f"<tr style='mso-yfti-irow:{index};height:21.0pt'>",
                           lambda cell: _word_cell(cell, one_per_char)) + "</div>"
    if isinstance(block, Heading):
        align = " align=center style='text-align:center'" if block.level == 0 else " style='text-indent:32.0pt'"
        bold = ("<b>", "</b>") if block.level != 1 else ("", "")
        return (f"<p class=MsoNormal{align}>{bold[0]}<span style='{_WORD_FONTS[block.level]}'>{_word_runs(block.text)}"
                f"<span lang=EN-US><o:p></o:p></span></span>{bold[1]}</p>")
    if block.signature:
        return (f"<p class=MsoNormal align=right style='text-align:right'><span style='{_WORD_BODY_FONT}'>"
                f"{_word_runs(block.text)}<span lang=EN-US><o:p></o:p></span></span></p>")
    if ctx.rng.random() < 0.3:  # indentation typed as spaces rather than a paragraph style
        return (f"<p class=MsoNormal><span lang=EN-US style='{_WORD_BODY_FONT}'>&nbsp;&nbsp;&nbsp;&nbsp; </span>"
                f"<span style='{_WORD_BODY_FONT}'>{_word_runs(block.text)}</span></p>")
    return (f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;"
            f"mso-line-height-rule:exactly'><span style='{_WORD_BODY_FONT}'>{_word_runs(block.text)}</span></p>")


def html_word(ctx: RenderContext) -> str:
    """The body as pasted from Word or WPS into the CMS editor, title paragraph included."""
    one_per_char = ctx.rng.choice(("p", "br"))
    parts = ["<div class=WordSection1 style='layout-grid:15.6pt'>",
             "<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><![endif]-->"]
    for block in ctx.blocks:
        parts.append(_word_block(block, ctx, one_per_char))
        if isinstance(block, Heading) and block.level < 2 and ctx.rng.random() < 0.4:
            parts.append(_WORD_EMPTY)
    parts.append("</div>")
    return _page(ctx, '<div class="article-content" id="zoom">\n' + "\n".join(parts) + "\n</div>")


# --- body injected by JavaScript ----------------------------------------------------------------

def html_script(ctx: RenderContext) -> str:
    """Only the chrome is static; the body is a JS string literal written into the page on load."""
    literal = json.dumps(_clean_body(ctx), ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    if ctx.rng.random() < 0.5:
        literal = literal.replace("/", "\\/")
    script = (f'<div class="article-content" id="zoom"></div>\n'
              f'<script type="text/javascript">\n  var content = {literal};\n'
              f'  document.getElementById("zoom").innerHTML = content;\n</script>\n'
              f'<noscript>您的浏览器不支持JavaScript，请开启后浏览。</noscript>')
    return _page(ctx, script)
