"""Title, agency, year, publication date and template, on small hand-written documents."""

from __future__ import annotations

import pytest

from parsers import parse_bytes

REQUESTS_2021_TAIL = "六、其他需要报告的事项\n本年度未收取信息处理费。\n"


def _text(*lines: str) -> bytes:
    return "\n".join(lines).encode("utf-8")


@pytest.mark.parametrize("title, agency, year", [
    ("牛华镇2021年政府信息公开工作年度报告", "牛华镇", 2021),
    ("2022年上海市人民政府参事室政府信息公开工作年度报告", "上海市人民政府参事室", 2022),
    ("2022年度螅镇政府信息公开工作年度报告", "螅镇", 2022),
    ("宿迁市2017年政府信息公开年度报告", "宿迁市", 2017),
    ("会仪镇人民政府2021年信息公开年度报告", "会仪镇人民政府", 2021),
    ("舒兰市市场监督管理局2016年政务信息公开年度报告", "舒兰市市场监督管理局", 2016),
    ("2022年上海市政府信息公开工作年度报告", "上海市政府", 2022),
    ("某某区教育局二〇二一年政府信息公开工作年度报告", "某某区教育局", 2021),
])
def test_title_patterns(title, agency, year):
    record = parse_bytes(_text(title, "一、总体情况", "略。"))
    assert (record["title"], record["agency"], record["year"]) == (title, agency, year)


def test_two_line_title():
    record = parse_bytes(_text("桃江县松木塘镇人民政府", "2022年政府信息公开工作年度报告", "一、总体情况"))
    assert record["agency"] == "桃江县松木塘镇人民政府"
    assert record["year"] == 2022


def test_notices_about_reports_are_not_titles():
    record = parse_bytes(_text("关于报送2021年政府信息公开工作年度报告的通知", "各单位：", "请按时报送。"))
    assert record["title"] is None


def test_statistics_period_gives_the_year_when_there_is_no_title():
    record = parse_bytes(_text("一、总体情况", "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。"))
    assert record["year"] == 2023


def test_signature_date_is_the_publication_date():
    record = parse_bytes(_text("某某局2023年政府信息公开工作年度报告", "一、总体情况",
                               "统计期限自2023年1月1日至2023年12月31日。", REQUESTS_2021_TAIL,
                               "某某局", "2024年1月26日"))
    assert record["published_at"] == "2024-01-26"


def test_chinese_numeral_signature_date():
    record = parse_bytes(_text("某某局2021年政府信息公开工作年度报告", "一、总体情况", "某某局", "二〇二二年一月二十日"))
    assert record["published_at"] == "2022-01-20"


def test_publication_line_beats_signature_and_dates_inside_the_report_year_are_ignored():
    record = parse_bytes(_text("某某局2023年政府信息公开工作年度报告", "发布日期：2024年03月02日", "一、总体情况",
                               "2023年12月1日召开会议。", "2024年2月1日"))
    assert record["published_at"] == "2024-03-02"
    assert record["publication_evidence"] == {"page_line": "2024-03-02", "signature": "2024-02-01"}


def test_html_meta_date_and_page_title_with_site_suffix():
    page = """<html><head><meta charset="utf-8"><title>某某县人民政府2021年政府信息公开工作年度报告_年度报告_某某县人民政府网</title>
    <meta name="PubDate" content="2022-03-15 10:30"></head><body>
    <div class="nav">首页 政务公开 政府信息公开年报</div>
    <div id="zoom"><p>一、总体情况</p><p>2021年，我县……</p></div></body></html>"""
    record = parse_bytes(page.encode("utf-8"))
    assert record["title"] == "某某县人民政府2021年政府信息公开工作年度报告"
    assert record["agency"] == "某某县人民政府"
    assert record["published_at"] == "2022-03-15"


def test_gbk_page_declared_as_gb2312():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>'
            "<p>镕堃喆市住房和城乡建设局2021年政府信息公开工作年度报告</p></body></html>")
    record = parse_bytes(page.encode("gbk"))
    assert record["agency"] == "镕堃喆市住房和城乡建设局"


def test_legacy_statistics_table_is_classified_not_forced_into_a_template():
    record = parse_bytes(_text("某某县2017年政府信息公开工作年度报告", "政府信息公开情况统计表",
                               "指标名称\t计量单位\t本年度\t历年累计", "一、主动公开情况\t—\t—\t—",
                               "（一）主动公开政府信息数\t条\t120\t3400"))
    assert record["format"] == "legacy"
    assert "legacy_format" in {finding["code"] for finding in record["findings"]}
    assert record["tables"] == {"proactive": {}, "requests": {}, "review_litigation": {}}


def test_fee_statement_is_required_from_2021():
    without = parse_bytes(_text("某某局2022年政府信息公开工作年度报告", "六、其他需要报告的事项", "无。"))
    with_fee = parse_bytes(_text("某某局2022年政府信息公开工作年度报告", REQUESTS_2021_TAIL))
    older = parse_bytes(_text("某某局2020年政府信息公开工作年度报告", "六、其他需要报告的事项", "无。"))
    assert "fee_statement_missing" in {f["code"] for f in without["findings"]}
    assert "fee_statement_missing" not in {f["code"] for f in with_fee["findings"]}
    assert "fee_statement_missing" not in {f["code"] for f in older["findings"]}
