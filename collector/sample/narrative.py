"""The prose of a report: preface with the 统计期限, the six sections, and the signature.

Real reports restate table totals in their prose, cite the template document, carry a statistics
period with dates that are *not* the publication date, and end with the agency and the date that is.
The text is derived from the record alone (seeded by its content), so a record always reads the same.
Paragraphs are separated by newlines; a line such as ``（一）主动公开`` is a sub-heading.
"""

from __future__ import annotations

import json
import random
from datetime import date

from collector.sample.labels import TEMPLATE_DOCUMENTS
from collector.sample.records import agency_kind

_SELF_REFERENCES: tuple[tuple[str, str], ...] = (
    ("街道办事处", "我街道"), ("镇人民政府", "我镇"), ("乡人民政府", "我乡"), ("市人民政府", "我市"),
    ("县人民政府", "我县"), ("区人民政府", "我区"), ("委员会", "我委"), ("办公室", "我办"), ("局", "我局"),
    ("镇", "我镇"), ("乡", "我乡"),
)

_INTRO = (
    "{year}年，{we}深入贯彻落实《中华人民共和国政府信息公开条例》（以下简称《条例》）和上级关于政务公开工作的部署要求，"
    "坚持以公开为常态、不公开为例外，不断加大政府信息公开力度，持续提升政务公开质量和实效。",
    "{year}年，在上级政务公开主管部门的指导下，{we}认真落实《条例》各项规定，健全完善政府信息公开工作机制，"
    "扎实推进决策、执行、管理、服务、结果公开，政府信息公开工作取得积极成效。",
    "{year}年，{we}以提升政务公开质量为目标，紧扣群众关切，扎实做好主动公开、依申请公开、政策解读和回应关切等工作，"
    "有力保障了人民群众的知情权、参与权、表达权和监督权。",
)
_PROACTIVE = (
    "{we}坚持“以公开为常态、不公开为例外”原则，依托{platform}等平台及时发布政府信息。全年共主动公开政府信息{n_info}条，"
    "其中机构职能、政策文件、规划计划等基础信息{n_base}条，工作动态{n_news}条。{documents}",
    "全年通过{platform}主动公开各类政府信息{n_info}条，发布政策解读{n_interpretations}篇，及时回应社会关切。{documents}",
)
_REQUESTS = (
    "{year}年，{we}共收到政府信息公开申请{new}件，上年结转{carried}件；已办结{processed}件，{forward}。"
    "所有申请均在法定期限内予以答复，未出现超期答复情况。",
    "全年共受理政府信息公开申请{new}件（上年结转{carried}件），按时办结{processed}件，{forward}。"
    "{we}严格按照《条例》规定的程序和时限办理，做到依法依规、答复规范。",
)
_MANAGEMENT = (
    "严格落实政府信息公开保密审查制度，坚持“先审查、后公开”和“一事一审”原则，明确公开属性源头认定机制，确保公开信息准确、规范、安全。",
    "进一步规范政府信息发布流程，实行信息发布三级审核制度，定期对已公开的政府信息进行梳理，及时更新和清理过时信息。",
    "加强政府信息资源的规范化、标准化管理，动态调整主动公开基本目录，做好政策文件清理和规范性文件合法性审核工作。",
)
_PLATFORM = (
    "持续加强{platform}建设管理，优化栏目设置，完善信息检索功能，提升网站内容保障水平。同时用好政务微信公众号等新媒体，"
    "全年发布信息{n_media}条，拓宽政府信息公开渠道。",
    "以{platform}为第一平台，规范设置政府信息公开专栏，及时更新法定主动公开内容；在办事服务大厅设置政府信息公开查阅点，"
    "为群众查阅政府信息提供便利。",
)
_OVERSIGHT = (
    "成立由主要负责同志任组长的政务公开工作领导小组，将政府信息公开工作纳入年度目标考核，定期开展自查整改，"
    "全年未发生因政府信息公开工作被追究责任的情况。",
    "健全政府信息公开工作考核、社会评议和责任追究制度，主动接受社会监督，认真对待群众意见建议，做到有问题及时整改、有反馈及时回应。",
    "加强政务公开工作人员业务培训，全年组织专题培训{n_training}次，不断提高工作人员的业务水平和依法公开意识。",
)
_SUBHEADINGS = (
    ("（一）主动公开", "（一）主动公开情况"),
    ("（二）依申请公开", "（二）依申请公开情况"),
    ("（三）政府信息管理", "（三）政府信息管理情况"),
    ("（四）政府信息公开平台建设", "（四）平台建设情况"),
    ("（五）监督保障", "（五）监督保障情况"),
)
_TABLE_LEADS = ("该部分以表格形式报告。", "本年度相关情况详见下表。", "具体情况如下：")
_PROBLEMS = (
    "一是部分工作人员对《条例》的理解还不够深入，依法公开意识有待进一步增强；二是政策解读形式较为单一，"
    "图解、视频等多样化解读运用不足；三是主动公开信息的及时性和全面性仍需提高。",
    "{year}年，{we}政府信息公开工作虽取得一定成效，但仍存在一些不足：信息公开的深度和广度还不够，"
    "回应社会关切的针对性有待加强，基层政务公开标准化规范化工作还需进一步推进。",
    "主要问题是政府信息公开工作人员多为兼职，业务能力参差不齐，网站部分栏目更新不够及时。",
)
_IMPROVEMENTS = (
    "{next_year}年，{we}将进一步加强业务培训，提高工作人员依法公开意识；丰富政策解读形式，提升解读质量；"
    "加强网站栏目日常巡查，确保信息及时准确更新。",
    "下一步，{we}将持续深化重点领域信息公开，健全依申请公开办理机制，严格落实保密审查制度，不断提升政府信息公开工作的规范化水平。",
    "针对上述问题，{we}将压实工作责任，健全常态化监督检查机制，定期通报信息更新情况，推动政府信息公开工作提质增效。",
)
_NO_FEE = (
    "本年度未收取信息处理费。",
    "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），{we}本年度未收取信息处理费。",
    "{year}年，{we}未发出信息处理费收费通知，未收取信息处理费。",
)
_FEE = "{year}年，{we}依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）发出收费通知{notices}件，收取信息处理费{amount}元。"
_WORK_POINTS = "{we}认真落实{year}年政务公开工作要点，各项重点任务均已按要求完成。"
_OTHER_BEFORE_2021 = ("无。", "本年度无其他需要报告的事项。", _WORK_POINTS)
_PERIODS = (
    "本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
    "本报告所列数据统计期限为{year}年1月1日至{year}年12月31日。",
)


def self_reference(agency: str) -> str:
    """How a report refers to its own agency (我局, 我市, 我镇 …)."""
    for suffix, reference in _SELF_REFERENCES:
        if agency.endswith(suffix):
            return reference
    return "本机关"


def chinese_date(iso: str) -> str:
    """``2022-01-25`` → ``2022年1月25日``, as printed under a signature."""
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def _documents_sentence(record: dict) -> str:
    documents = record["tables"]["proactive"]["normative_documents"]
    if record["format"] == "2021":
        if documents["issued"]:
            return f"本年度制发行政规范性文件{documents['issued']}件，均按规定在印发后20个工作日内公开。"
        return "本年度未制发行政规范性文件。"
    return f"本年度新制作规范性文件{documents['new_made']}件，新公开{documents['new_published']}件。"


def _overview(rng: random.Random, record: dict, values: dict) -> str:
    requests = record["tables"]["requests"]
    forward = requests["carried_forward"]["total"]
    request_values = {**values, "new": requests["new_received"]["total"], "carried": requests["carried_over"]["total"],
                      "processed": requests["total_processed"]["total"],
                      "forward": f"结转下年度继续办理{forward}件" if forward else "无结转下年度办理的申请"}
    paragraphs = [rng.choice(_INTRO).format(**values)]
    bodies = (rng.choice(_PROACTIVE).format(**values, documents=_documents_sentence(record)),
              rng.choice(_REQUESTS).format(**request_values),
              rng.choice(_MANAGEMENT), rng.choice(_PLATFORM).format(**values), rng.choice(_OVERSIGHT).format(**values))
    for headings, body in zip(_SUBHEADINGS, bodies):
        paragraphs += [rng.choice(headings), body]
    return "\n".join(paragraphs)


def _review_lead(record: dict, values: dict) -> str:
    review = record["tables"]["review_litigation"]
    reviews = review["administrative_review"]["total"]
    suits = review["litigation_direct"]["total"] + review["litigation_after_review"]["total"]
    if not reviews and not suits:
        return f"本年度{values['we']}未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    return f"本年度{values['we']}因政府信息公开工作被申请行政复议{reviews}件，被提起行政诉讼{suits}件。"


def _problems(rng: random.Random, values: dict) -> str:
    problems, improvements = rng.choice(_PROBLEMS).format(**values), rng.choice(_IMPROVEMENTS).format(**values)
    if rng.random() < 0.5:
        return "\n".join(("（一）存在的主要问题", problems, "（二）改进情况", improvements))
    return f"{problems}\n{improvements}"


def _other(rng: random.Random, record: dict, values: dict) -> str:
    if record["year"] < 2021:
        return rng.choice(_OTHER_BEFORE_2021).format(**values)
    if rng.random() < 0.1:
        notices = rng.randint(1, 3)
        fee = _FEE.format(**values, notices=notices, amount=notices * rng.choice((100, 200, 300)))
    else:
        fee = rng.choice(_NO_FEE).format(**values)
    return f"{fee}\n{_WORK_POINTS.format(**values)}" if rng.random() < 0.4 else fee


def narrative(record: dict) -> dict[str, str]:
    """Chinese prose for ``record``: ``preface``, the six section keys of record.md, ``signature``."""
    rng = random.Random("narrative|" + json.dumps(record, sort_keys=True, ensure_ascii=False))
    agency, year = record["agency"], record["year"]
    we = self_reference(agency)
    platform = rng.choice((f"{agency}门户网站", "政府门户网站政府信息公开专栏"))
    values = {"we": we, "year": year, "next_year": year + 1, "platform": platform,
              "n_info": rng.randint(40, 3000), "n_base": rng.randint(5, 40), "n_news": rng.randint(20, 600),
              "n_interpretations": rng.randint(1, 30), "n_media": rng.randint(20, 900), "n_training": rng.randint(1, 6)}
    contact = (f"如对本报告有疑问，请与{agency}办公室联系（电话：0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}）。"
               if agency_kind(agency) != "township" or rng.random() < 0.3 else "")
    preface = (f"本报告根据《中华人民共和国政府信息公开条例》和{TEMPLATE_DOCUMENTS[record['format']]}要求编制。"
               "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、"
               "存在的主要问题及改进情况、其他需要报告的事项。"
               + rng.choice(_PERIODS).format(year=year) + contact)
    return {
        "preface": preface,
        "overview": _overview(rng, record, values),
        "proactive": rng.choice(_TABLE_LEADS),
        "requests": rng.choice(_TABLE_LEADS),
        "review_litigation": _review_lead(record, values),
        "problems": _problems(rng, values),
        "other": _other(rng, record, values),
        "signature": f"{agency}\n{chinese_date(record['published_at'])}",
    }
