"""Documents the farm writes itself: pre-2019 reports, distractors, and pictures of tables.

Report bodies in the national templates come from ``collector.sample.render`` and
``render_binary``; what is here has no canonical record behind it. Legacy reports must be
recognised as reports and classified ``legacy``, distractors must be rejected, and images must be
recognised as carrying no readable table — so these only need to look right, not to parse back.
"""

from __future__ import annotations

import io
from datetime import date
from html import escape
from random import Random

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from collector.sample.portal.rng import rng

#: 政府信息公开情况统计表 rows of the pre-2019 reports (指标名称, 计量单位).
_LEGACY_ROWS = (
    ("一、主动公开情况", ""), ("（一）主动公开政府信息数", "条"), ("其中：主动公开规范性文件数", "条"),
    ("制发规范性文件总数", "件"), ("（二）通过不同渠道和方式公开政府信息的情况", ""), ("1.政府公报公开政府信息数", "条"),
    ("2.政府网站公开政府信息数", "条"), ("3.政务微博公开政府信息数", "条"), ("4.政务微信公开政府信息数", "条"),
    ("二、回应解读情况", ""), ("（一）回应公众关注热点或重大舆情数", "次"), ("三、依申请公开情况", ""),
    ("（一）收到申请数", "件"), ("1.当面申请数", "件"), ("2.传真申请数", "件"), ("3.网络申请数", "件"),
    ("4.信函申请数", "件"), ("（二）申请办结数", "件"), ("1.按时办结数", "件"), ("2.延期办结数", "件"),
    ("（三）申请答复数", "件"), ("1.属于已主动公开范围数", "件"), ("2.同意公开答复数", "件"),
    ("3.同意部分公开答复数", "件"), ("4.不同意公开答复数", "件"), ("5.不属于本行政机关公开数", "件"),
    ("6.申请信息不存在数", "件"), ("四、行政复议数量", "件"), ("五、行政诉讼数量", "件"),
    ("六、举报投诉数量", "件"), ("七、依申请公开信息收取的费用", "万元"), ("八、机构建设和保障经费情况", ""),
    ("（一）政府信息公开工作专门机构数", "个"), ("（二）从事政府信息公开工作人员数", "人"),
)


def legacy_report(seed: int | str, agency_name: str, year: int, published: date) -> str:
    """An HTML fragment shaped like a 2008–2018 report: free prose and the old statistics table."""
    r = rng(seed, "legacy", agency_name, year)
    received = r.randint(0, 60)
    prose = [
        f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）要求，由{escape(agency_name)}编制。"
        f"全文包括概述、主动公开政府信息情况、依申请公开政府信息情况、政府信息公开的收费及减免情况、"
        f"因政府信息公开申请行政复议和提起行政诉讼情况、存在的主要问题及改进措施等。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、概述",
        f"{year}年，我单位认真贯彻落实《条例》，不断完善政府信息公开工作机制，推进重点领域信息公开。",
        "二、主动公开政府信息情况",
        f"全年共主动公开政府信息{r.randint(40, 900)}条。",
        "三、依申请公开政府信息情况",
        f"全年共受理政府信息公开申请{received}件，均在规定期限内予以答复。",
        "四、政府信息公开的收费及减免情况",
        "本年度未收取任何费用。",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况",
        f"本年度发生行政复议{r.randint(0, 2)}件，行政诉讼{r.randint(0, 1)}件。",
        "六、存在的主要问题及改进措施",
        "信息公开的及时性和规范性仍需提高。下一步，我们将进一步完善工作制度，加强业务培训。",
        "附件：政府信息公开情况统计表",
    ]
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td>{unit}</td><td>{_legacy_value(r, unit, received, label)}</td>"
        f"<td>{r.randint(0, 5000) if unit else ''}</td></tr>"
        for label, unit in _LEGACY_ROWS
    )
    table = ('<table border="1" cellspacing="0" cellpadding="0"><tr><td>统计指标</td><td>单位</td><td>本年度</td>'
             f"<td>历年累计</td></tr>{rows}</table>")
    signature = f"<p>{escape(agency_name)}</p><p>{published.year}年{published.month}月{published.day}日</p>"
    return "".join(f"<p>{text}</p>" for text in prose) + table + signature


def _legacy_value(r: Random, unit: str, received: int, label: str) -> str:
    if not unit:
        return ""
    if label == "（一）收到申请数":
        return str(received)
    return f"{r.randint(0, 30) / 100:.2f}" if unit == "万元" else str(r.randint(0, 200))


_DISTRACTOR_TEXT = {
    "letter": ("{office}：", "根据工作安排，现将我单位{year}年政府信息公开工作要点落实情况报告如下。",
               "一、健全工作机制。二、加强平台建设。三、做好政策解读。", "特此函告。"),
    "interpretation": ("近日，{name}发布了{year}年政府信息公开工作年度报告。现就报告主要内容解读如下。",
                       "一、报告的主要内容。报告共分六个部分。", "二、主要特点。公开内容更加全面，公开渠道更加多样。"),
    "infographic": ("一图读懂{name}{year}年政府信息公开工作年度报告。",),
    "rule_of_law": ("{year}年，{name}深入学习贯彻习近平法治思想，全面推进法治政府建设，现将有关情况报告如下。",
                    "一、主要举措和成效。", "二、存在的不足和原因。", "三、下一年度工作安排。"),
    "work_report": ("——{next_year}年1月在{place}第一届人民代表大会第三次会议上", "各位代表：",
                    "现在，我代表{place}人民政府，向大会报告工作，请予审议，并请市政协各位委员提出意见。",
                    "一、{year}年工作回顾", "二、{next_year}年工作安排"),
    "budget": ("{name}{year}年部门预算公开说明见附件。",),
    "final_accounts": ("{name}{year}年部门决算公开说明见附件。",),
}


def distractor_text(kind: str, name: str, year: int) -> str:
    """The paragraphs of a non-report page (函, 解读, 政府工作报告, …) as HTML."""
    values = dict(name=name, year=year, next_year=year + 1, office="区政务公开办",
                  place=name.removesuffix("人民政府"))
    return "".join(f"<p>{escape(line.format(**values))}</p>" for line in _DISTRACTOR_TEXT[kind])


def distractor_pdf(title: str, seed: int | str) -> bytes:
    """A small budget/final-accounts PDF: a title and a few money lines, no report tables."""
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    r = rng(seed, "pdf", title)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)  # invariant: no timestamps, so same seed, same bytes
    canvas.setFont("STSong-Light", 16)
    canvas.drawCentredString(A4[0] / 2, A4[1] - 80, title)
    canvas.setFont("STSong-Light", 11)
    for n, label in enumerate(("收入总计", "支出总计", "一般公共预算拨款", "基本支出", "项目支出")):
        canvas.drawString(80, A4[1] - 130 - 22 * n, f"{label}：{r.randint(100, 90000) / 10:.1f}万元")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def table_image(numbers: list[int]) -> bytes:
    """A PNG of a ruled table with the given numbers: a report table published as a picture."""
    columns, row_height, width = 8, 22, 640
    rows = max(1, (len(numbers) + columns - 1) // columns) + 1
    image = Image.new("L", (width, rows * row_height + 1), 255)
    draw = ImageDraw.Draw(image)
    cell = width // columns
    for row in range(rows + 1):
        draw.line((0, row * row_height, width, row * row_height), fill=0)
    for column in range(columns + 1):
        draw.line((column * cell, 0, column * cell, rows * row_height), fill=0)
    for n, value in enumerate(numbers):
        row, column = divmod(n, columns)
        draw.text((column * cell + 6, (row + 1) * row_height + 5), str(value), fill=0)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
