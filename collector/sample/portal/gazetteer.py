"""Which place each cluster of agencies governs: distinct for every cluster, computed, never stored.

The registry refuses two agencies with the same name in the same region, so a farm of 10,000
agencies needs over a thousand distinct places. Places are numbered slots — each non-municipal
province holds 30 prefectures, each prefecture itself plus three counties — and clusters take
slots through a seeded affine permutation, which is a bijection: no two clusters share a place and
no table is kept. Real names are used where the tables in ``places`` know a code; other places get
real-looking made-up names. Every 25th cluster (while provinces last) is a province, and cluster 2
gathers the State Council departments.
"""

from __future__ import annotations

from functools import lru_cache
from math import gcd

from collector.sample.portal.places import COUNTIES, MUNICIPALITIES, PLACE_STEMS, PREFECTURES, PROVINCES, Place
from collector.sample.portal.rng import digest, rng

NATIONAL_CLUSTER = 2
PROVINCE_EVERY = 25
PREFECTURES_PER_PROVINCE = 30
COUNTIES_PER_PREFECTURE = 3
_COUNTY_SUFFIXES = (("02", "区"), ("21", "县"), ("81", "市"), ("03", "区"), ("22", "县"), ("82", "市"))
_SLOTS_PER_PREFECTURE = 1 + COUNTIES_PER_PREFECTURE


class Gazetteer:
    """The place of every cluster of one farm (seeded)."""

    def __init__(self, seed: int | str) -> None:
        r = rng(seed, "gazetteer")
        self.provinces = [place for place in PROVINCES if place.code[:2] not in MUNICIPALITIES]
        self.slots = len(self.provinces) * PREFECTURES_PER_PROVINCE * _SLOTS_PER_PREFECTURE
        self.stride = r.choice([n for n in range(7, 200) if gcd(n, self.slots) == 1])
        self.offset = r.randrange(self.slots)
        self.province_order = r.sample(PROVINCES, len(PROVINCES))

    @property
    def capacity(self) -> int:
        """How many clusters can get distinct places."""
        return self.slots + len(PROVINCES) + 1

    def place(self, cluster: int) -> Place | None:
        """The place of ``cluster``; None for the cluster of State Council departments."""
        if cluster == NATIONAL_CLUSTER:
            return None
        provinces_before = min(len(PROVINCES), max(0, (cluster - 1 + PROVINCE_EVERY - 1) // PROVINCE_EVERY))
        if cluster % PROVINCE_EVERY == 1 and cluster // PROVINCE_EVERY < len(PROVINCES):
            return self.province_order[cluster // PROVINCE_EVERY]
        slot = cluster - provinces_before - (cluster > NATIONAL_CLUSTER)
        if slot >= self.slots:
            raise ValueError(f"cluster {cluster} is beyond the farm's {self.capacity} distinct places")
        permuted = (self.stride * slot + self.offset) % self.slots
        province, rest = divmod(permuted, PREFECTURES_PER_PROVINCE * _SLOTS_PER_PREFECTURE)
        prefecture_number, county_number = divmod(rest, _SLOTS_PER_PREFECTURE)
        prefecture = _prefecture(self.provinces[province], prefecture_number)
        return prefecture if county_number == 0 else _county(prefecture, county_number - 1)


@lru_cache(maxsize=4096)
def _prefecture(province: Place, number: int) -> Place:
    """Prefecture ``number`` of a province: a real one while the table has them, then made-up ones."""
    real = sorted((place for place in PREFECTURES if place.code[:2] == province.code[:2]), key=lambda place: place.code)
    if number < len(real):
        return real[number]
    taken = {place.code for place in real}
    codes = [code for n in range(1, 100) if (code := f"{province.code[:2]}{n:02d}00") not in taken]
    code = codes[number - len(real)]
    stem, pinyin = PLACE_STEMS[digest(code) % len(PLACE_STEMS)]
    return Place(code, f"{stem}市", pinyin, "prefecture")


@lru_cache(maxsize=16384)
def _county(prefecture: Place, number: int) -> Place:
    """County ``number`` of a prefecture: real ones first, then districts, counties and county-level cities."""
    real = sorted((place for place in COUNTIES if place.code[:4] == prefecture.code[:4]), key=lambda place: place.code)
    if number < len(real):
        return real[number]
    taken = {place.code[4:] for place in real}
    suffix, unit = [entry for entry in _COUNTY_SUFFIXES if entry[0] not in taken][number - len(real)]
    code = prefecture.code[:4] + suffix
    stem, pinyin = PLACE_STEMS[digest(code) % len(PLACE_STEMS)]
    return Place(code, f"{stem}{unit}", pinyin, "county")
