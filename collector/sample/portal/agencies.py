"""The agencies of a farm, each a pure function of (seed, index), so none has to be stored.

Agencies come in clusters of eight: a people's government and the departments (and, for counties,
townships) that report to it, so ``parent`` links are real and a government's portal can carry its
units' reports. The slug ends with the index, which is how a Host header finds its agency without
a lookup table.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from collector.sample.portal import faults as fault_catalog
from collector.sample.portal.config import FarmConfig
from collector.sample.portal.gazetteer import Gazetteer
from collector.sample.portal.places import DEPARTMENTS, MINISTRIES, TOWNSHIP_STEMS, Place
from collector.sample.portal.rng import rng, weighted

CLUSTER = 8

FAMILIES = ("trs", "trs_dynamic", "hanweb", "jpaas", "ucap", "gkmlpt", "aspnet", "vsb")
_FAMILY_WEIGHTS = {"trs": 30, "trs_dynamic": 8, "hanweb": 14, "jpaas": 8, "ucap": 8, "gkmlpt": 8, "aspnet": 12, "vsb": 12}
#: CMS families that dominate a province's 集约化 platform (portals.md §3).
_REGIONAL_FAMILY = {"44": ("gkmlpt", 70), "32": ("ucap", 50), "33": ("hanweb", 40), "35": ("trs_dynamic", 40)}

#: Column labels seen on real portals (portals.md §2).
COLUMN_LABELS = ("政府信息公开年报", "公开年报", "政府信息公开工作年度报告", "政府信息公开年度报告", "信息公开年报")
COLUMN_SLUGS = ("zfxxgknb", "gknb", "ndbg", "xxgknbgs", "ndxxgkbg")
YEAR_DIRS = ("gknb{year}", "{year}n", "nb_{year}n", "{year}nb")

#: Site-wide page encodings (portals.md §8); see ``chrome.ENCODINGS`` for what each declares.
_ENCODING_WEIGHTS = (("utf-8", 76), ("gbk", 12), ("gb18030", 4), ("utf-8-bom", 3), ("header_mismatch", 3), ("undeclared_gbk", 2))


@dataclass(frozen=True, slots=True)
class Agency:
    """One agency and the look of its portal."""

    index: int
    id: str
    name: str
    kind: str            # department | government | township
    level: str           # national | province | prefecture | county | township
    region: str | None   # GB/T 2260 code; None for State Council departments
    parent: int | None   # index of the government it reports to
    host: str
    family: str
    faults: tuple[str, ...]
    encoding: str
    tree: str            # flat | years | units: how the 年报 column is split
    column_label: str
    column_slug: str
    year_dir: str
    per_page: int
    traditional: bool = False          # a mirror-style site printing reports in traditional characters
    paging: str | None = None          # a family's pagination variant; None = the family's draw
    layouts: tuple[str, ...] | None = None  # forced report layouts, cycled over the years

    @property
    def short_name(self) -> str:
        """What a portal prints after a dash in titles (``…年度报告-沭阳县发改局``)."""
        return self.name.replace("人民政府", "政府").replace("发展和改革", "发改")


class Roster:
    """The agencies of one farm, built on demand and kept in a bounded cache."""

    def __init__(self, config: FarmConfig, cache_size: int = 65536) -> None:
        self.config = config
        self.gazetteer = Gazetteer(config.seed)
        if -(-config.agencies // CLUSTER) > self.gazetteer.capacity:
            raise ValueError(f"a farm holds at most {self.gazetteer.capacity * CLUSTER} agencies")
        self._build = lru_cache(maxsize=cache_size)(self._draw)

    def __iter__(self) -> Iterator[Agency]:
        return (self._build(index) for index in range(self.config.agencies))

    def __getitem__(self, index: int) -> Agency:
        """Agency ``index`` of the farm (0 ≤ index < config.agencies)."""
        if not 0 <= index < self.config.agencies:
            raise IndexError(index)
        return self._build(index)

    def for_host(self, host: str) -> Agency | None:
        """The agency a Host header names, or None for a name outside the farm."""
        label, dot, domain = host.partition(".")
        if not dot or domain != self.config.domain:
            return None
        number = label.rsplit("-", 1)[-1]
        if not number.isdigit() or not 0 <= int(number) < self.config.agencies:
            return None
        found = self._build(int(number))
        return found if found.host == host else None

    @cached_property
    def hostile_index(self) -> int:
        """The agency whose first report carries the farm's one hostile title: the first without any fault,
        so every crawl reaches it."""
        return next((agency.index for agency in self if not agency.faults), 0)

    def children(self, government: Agency) -> list[Agency]:
        """The units reporting to a government (its cluster mates)."""
        if government.kind != "government":
            return []
        last = min(government.index + CLUSTER, self.config.agencies)
        return [self._build(index) for index in range(government.index + 1, last)]

    def _draw(self, index: int) -> Agency:
        config = self.config
        cluster, position = divmod(index, CLUSTER)
        place = self.gazetteer.place(cluster)
        if place is None:
            name, slug = MINISTRIES[position]
            fields = dict(name=name, id=f"{slug}-{index}", kind="department", level="national", region=None, parent=None)
        else:
            fields = _member(place, position, rng(config.seed, "cluster", cluster), index, parent=cluster * CLUSTER)
        r = rng(config.seed, "agency", index)
        tree_weights = (("flat", 55), ("years", 25), ("units", 20 if fields["kind"] == "government" else 0))
        agency = Agency(
            index=index,
            host=f"{fields['id']}.{config.domain}",
            family=_draw_family(r, fields["region"]),
            faults=fault_catalog.assign(config.seed, index, config.fault_rate),
            encoding=weighted(r, _ENCODING_WEIGHTS),
            tree=weighted(r, tree_weights),
            column_label=r.choice(COLUMN_LABELS),
            column_slug=weighted(r, tuple((slug, 60 if slug == "zfxxgknb" else 10) for slug in COLUMN_SLUGS)),
            year_dir=r.choice(YEAR_DIRS),
            per_page=r.choice((5, 8, 10, 15, 20)),
            traditional=r.random() < 0.01,
            **fields,
        )
        override = config.overrides.get(index)
        return replace(agency, **override) if override else agency


def _member(place: Place, position: int, r: random.Random, index: int, *, parent: int) -> dict:
    """Name, slug, kind and level of the agency at ``position`` in a cluster around ``place``."""
    if position == 0:
        return dict(name=f"{place.name}人民政府", id=f"{place.pinyin}-gov-{index}", kind="government",
                    level=place.level, region=place.code, parent=None)
    if place.level == "county" and position >= CLUSTER - 2:
        stem, stem_pinyin = r.sample(TOWNSHIP_STEMS, 2)[position - (CLUSTER - 2)]
        unit = weighted(r, (("镇人民政府", 5), ("乡人民政府", 2), ("街道办事处", 3)))
        return dict(name=f"{place.name}{stem}{unit}", id=f"{place.pinyin}-{stem_pinyin}-{index}", kind="township",
                    level="township", region=place.code, parent=parent)
    stem, abbr, province_suffix, local_suffix = r.sample(DEPARTMENTS, CLUSTER - 1)[position - 1]
    suffix = province_suffix if place.level == "province" else local_suffix
    letter = {"委员会": "w", "厅": "t", "局": "j"}[suffix]
    return dict(name=f"{place.name}{stem}{suffix}", id=f"{place.pinyin}-{abbr}{letter}-{index}", kind="department",
                level=place.level, region=place.code, parent=parent)


def _draw_family(r: random.Random, region: str | None) -> str:
    weights = dict(_FAMILY_WEIGHTS)
    regional = _REGIONAL_FAMILY.get((region or "")[:2])
    if regional:
        weights[regional[0]] += regional[1]
    return weighted(r, tuple(weights.items()))
