"""What an agency's 年报 column holds: its reports, their look, and the distractors around them.

A plan is the site's content independent of any CMS: items with their titles, dates, layouts and
histories. Families (``families/``) decide URLs and markup; the timeline decides dates. Everything
is drawn per (seed, agency, year, label), so the plan of one agency never depends on another's,
except that a government's portal also lists its units' reports (mirrors).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cached_property
from random import Random

from collector.sample.portal.agencies import Agency, Roster
from collector.sample.portal.config import FarmConfig
from collector.sample.portal.rng import rng, weighted
from collector.sample.portal.timeline import Publication, publication, template_for
from collector.sample.records import PUBLISHER_ERRORS

#: Layouts of report bodies: the HTML and text layouts of ``collector.sample.render``, the binary
#: attachments of ``render_binary``, image-only pages, and the farm's own pre-2019 layout.
ATTACHMENT_LAYOUTS = ("pdf", "docx")
IMAGE = "image"
LEGACY = "legacy_html"
_LAYOUT_WEIGHTS = {"html_word": 28, "html_clean": 20, "html_script": 6, "pipes": 4, "tabs": 2,
                   "pdf": 18, "docx": 10, IMAGE: 4}
#: Weight of any other layout ``render.LAYOUTS`` offers.
_OTHER_LAYOUT_WEIGHT = 3

#: Where a detail page states its date (portals.md §7); lists show one unless the page relies on
#: the signature or the URL alone.
DEFAULT_DATE_STYLES = (("visible", 55), ("meta", 10), ("list", 15), ("signature", 15), ("url", 5))

_TITLE_VARIANTS = (("canonical", 44), ("double_niandu", 8), ("no_gongzuo", 10), ("no_niandu", 5), ("nianbao", 4),
                   ("short", 4), ("chinese_year", 4), ("body_only", 4), ("portal_suffix", 4))
_DIGITS = "〇一二三四五六七八九"

HOSTILE_PREFIX = '=HYPERLINK("http://evil.test/","点击查看")<script>alert(1)</script>'

#: Distractor kinds (portals.md §11.3): title pattern, layout, and the node they sit in.
DISTRACTORS: dict[str, tuple[str, str]] = {
    "letter": ("关于{year}年政府信息公开工作要点落实情况的函", "text"),
    "interpretation": ("{name}{year}年政府信息公开工作年度报告解读", "text"),
    "infographic": ("图解：{name}{year}年政府信息公开工作年度报告", IMAGE),
    "budget": ("{name}{year}年部门预算公开", "pdf"),
    "final_accounts": ("{name}{year}年部门决算公开", "pdf"),
    "rule_of_law": ("{name}{year}年法治政府建设工作报告", "text"),
    "work_report": ("{next_year}年{place}政府工作报告", "text"),
}
#: Node of the 政府工作报告 column, which sits beside the 年报 column, not in it.
WORK_REPORT_NODE = "zfgzbg"


@dataclass(frozen=True, slots=True)
class Item:
    """One document listed on a portal: a report (maybe a duplicate or mirror) or a distractor."""

    key: str                 # stable within the site: r2021, r2021-image, d-budget-2022, m17-r2021 …
    kind: str                # "report" or a DISTRACTORS key
    owner: int               # index of the agency whose document it is
    year: int                # report year, or the year the distractor is about
    title: str
    posted: date             # the true publication date
    node: str                # list node: "" (column root), a year, bj/bm/xzjd, or zfgzbg
    layout: str
    template: str | None = None          # 2019 | 2021 | legacy for reports
    publisher_error: str | None = None
    link_style: str = "href"             # href | viewer | window_open (attachment layouts)
    date_style: str = "visible"
    url_date: date | None = None         # date in the URL when it differs from ``posted``
    list_date: date | None = None        # date shown next to the title in lists
    title_variant: str = "canonical"
    traditional: bool = False
    revised: date | None = None
    removed: date | None = None
    duplicate_of: str | None = None      # key of the item this one repeats on the same site
    mirror_of: tuple[int, str] | None = None  # (agency index, key) of the original on the owner's portal
    hostile: bool = False
    doc_id: int = 0

    @property
    def is_report(self) -> bool:
        return self.kind == "report"

    def listed(self, as_of: date) -> bool:
        return self.posted <= as_of and (self.removed is None or as_of < self.removed)

    def revised_by(self, as_of: date) -> bool:
        return self.revised is not None and self.revised <= as_of


@dataclass(frozen=True)
class Plan:
    """All items of one site (listed or not yet), in publication order with increasing doc ids."""

    agency: Agency
    items: tuple[Item, ...]
    publications: dict[int, Publication]

    @cached_property
    def by_key(self) -> dict[str, Item]:
        return {item.key: item for item in self.items}

    def visible(self, as_of: date) -> list[Item]:
        return [item for item in self.items if item.listed(as_of)]


def chinese_year(year: int) -> str:
    """二〇二一 for 2021."""
    return "".join(_DIGITS[int(d)] for d in str(year))


def report_title(agency: Agency, year: int, variant: str) -> str:
    """A report title in one of the variants of portals.md §6."""
    name = agency.name
    return {
        "canonical": f"{name}{year}年政府信息公开工作年度报告",
        "double_niandu": f"{name}{year}年度政府信息公开工作年度报告",
        "no_gongzuo": f"{name}{year}年政府信息公开年度报告",
        "no_niandu": f"{name}：{year}年政府信息公开工作报告",
        "nianbao": f"{name}{year}年政府信息公开年报",
        "zhengwu": f"{name}{year}年政务信息公开年度报告",
        "short": f"{name}{year}年信息公开年度报告",
        "chinese_year": f"{name}{chinese_year(year)}年政府信息公开工作年度报告",
        "body_only": f"{year}年政府信息公开工作年度报告",
        "portal_suffix": f"{name}{year}年政府信息公开年度报告-{agency.short_name}",
    }[variant]


def build_plan(config: FarmConfig, roster: Roster, agency: Agency, *, layouts: tuple[str, ...],
               date_styles: tuple[tuple[str, int], ...]) -> Plan:
    """The plan of ``agency``'s site; ``layouts`` are the renderable layouts, ``date_styles`` the family's."""
    reports, publications = own_reports(config, agency, layouts=layouts, date_styles=date_styles,
                                        hostile=agency.index == roster.hostile_index)
    items = [*reports, *_distractors(config, agency)]
    if agency.tree == "units":
        for child in roster.children(agency):
            child_reports, _ = own_reports(config, child, layouts=layouts, date_styles=date_styles,
                                            hostile=child.index == roster.hostile_index)
            node = "xzjd" if child.kind == "township" else "bm"
            items += [replace(item, key=f"m{child.index}-{item.key}", node=node, mirror_of=(child.index, item.key))
                      for item in child_reports if item.duplicate_of is None and item.year in config.years]
    items.sort(key=lambda item: (item.posted, item.key))
    r = rng(config.seed, "docids", agency.index)
    doc_id = r.randint(10_000, 900_000)
    numbered = []
    for item in items:
        doc_id += r.randint(1, 400)
        numbered.append(replace(item, doc_id=doc_id))
    return Plan(agency, tuple(numbered), publications)


def own_reports(config: FarmConfig, agency: Agency, *, layouts: tuple[str, ...],
                date_styles: tuple[tuple[str, int], ...], hostile: bool = False,
                ) -> tuple[list[Item], dict[int, Publication]]:
    """The agency's reports for the window and the years either side of it (out-of-window distractors), with duplicates.

    With ``hostile``, the first report in the window that has tables gets a title built to break
    spreadsheets and HTML (formula + script), so every output can prove it keeps titles inert.
    """
    items: list[Item] = []
    publications: dict[int, Publication] = {}
    hostile_pending = hostile
    for year in range(config.first_year - 1, config.last_year + 2):
        history = publication(config.seed, agency.index, agency.kind, year)
        publications[year] = history
        if history.published is None:
            continue
        r = rng(config.seed, "report", agency.index, year)
        item = _report(r, config, agency, year, history, year - config.first_year, layouts, date_styles)
        if hostile_pending and year in config.years and item.template != "legacy":
            item = replace(item, title=HOSTILE_PREFIX + item.title, hostile=True)
            hostile_pending = False
        items.append(item)
        items += _duplicates(r, item)
    return items, publications


def _report(r: Random, config: FarmConfig, agency: Agency, year: int, history: Publication, position: int,
            layouts: tuple[str, ...], date_styles: tuple[tuple[str, int], ...]) -> Item:
    template = template_for(year)
    if template == "2021" and r.random() < 0.03:
        template = "2019"  # an agency still filling in the superseded form (a format_outdated finding)
    if template == "legacy":
        layout = LEGACY
    elif agency.layouts:
        layout = agency.layouts[position % len(agency.layouts)]
    else:
        layout = weighted(r, tuple((name, _LAYOUT_WEIGHTS.get(name, _OTHER_LAYOUT_WEIGHT)) for name in layouts))
    variants = _TITLE_VARIANTS + ((("zhengwu", 6),) if template == "legacy" else ())
    variant = weighted(r, variants)
    title = report_title(agency, year, variant)
    if layout == IMAGE:
        title += "（图片版）"
    elif layout == "pdf" and r.random() < 0.05:
        title += "（超链版）"
    publisher_error = None
    if template != "legacy" and (history.revised is not None or r.random() < 0.12):
        publisher_error = r.choice(PUBLISHER_ERRORS)
    date_style = weighted(r, date_styles)
    posted = history.published
    return Item(
        key=f"r{year}", kind="report", owner=agency.index, year=year, title=title, posted=posted,
        node=_node(agency, year), layout=layout, template=template, publisher_error=publisher_error,
        link_style=weighted(r, (("href", 60), ("viewer", 20 if layout == "pdf" else 0), ("window_open", 20))),
        date_style=date_style,
        url_date=posted + timedelta(days=r.randint(-5, 180)) if r.random() < 0.15 else None,
        list_date=_list_date(r, posted, date_style),
        title_variant=variant, traditional=agency.traditional and layout not in (*ATTACHMENT_LAYOUTS, IMAGE, LEGACY),
        revised=history.revised, removed=history.removed,
    )


def _duplicates(r: Random, item: Item) -> list[Item]:
    """文字版 + 图片版 pairs, and reports republished later under a new doc id."""
    extra = []
    if item.layout != IMAGE and item.template != "legacy" and r.random() < 0.08:
        extra.append(replace(item, key=f"{item.key}-image", layout=IMAGE, title=item.title + "（图片版）",
                             duplicate_of=item.key, traditional=False))
    if r.random() < 0.04:
        later = item.posted + timedelta(days=r.randint(3, 30))
        extra.append(replace(item, key=f"{item.key}-again", posted=later, list_date=later, url_date=None,
                             duplicate_of=item.key))
    return extra


def _list_date(r: Random, posted: date, date_style: str) -> date | None:
    if date_style in ("signature", "url"):
        return None
    if date_style != "list" and r.random() < 0.1:
        return posted + timedelta(days=r.randint(1, 3))  # the list shows the last-modified day
    return posted


def _node(agency: Agency, year: int) -> str:
    return {"flat": "", "years": str(year), "units": "bj"}[agency.tree]


def _distractors(config: FarmConfig, agency: Agency) -> list[Item]:
    r = rng(config.seed, "distractors", agency.index)
    kinds = [kind for kind in DISTRACTORS if kind != "work_report" or agency.kind == "government"]
    items = []
    for kind in r.sample(kinds, r.randint(2, 4)):
        year = r.choice(config.years)
        pattern, layout = DISTRACTORS[kind]
        title = pattern.format(name=agency.name, year=year, next_year=year + 1,
                               place=agency.name.removesuffix("人民政府"))
        posted = _distractor_date(r, kind, year)
        node = WORK_REPORT_NODE if kind == "work_report" else _node(agency, year)
        items.append(Item(key=f"d-{kind}-{year}", kind=kind, owner=agency.index, year=year, title=title, posted=posted,
                          node=node, layout=layout, list_date=posted, date_style="visible",
                          link_style="href"))
    return items


def _distractor_date(r: Random, kind: str, year: int) -> date:
    month = {"letter": (year, 4), "interpretation": (year + 1, 2), "infographic": (year + 1, 2),
             "budget": (year, 2), "final_accounts": (year + 1, 8), "rule_of_law": (year + 1, 3),
             "work_report": (year + 1, 1)}[kind]
    return date(*month, r.randint(1, 28))
