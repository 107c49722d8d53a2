"""The CMS families of portals.md §11.1, one class each on a shared base."""

from __future__ import annotations

from collector.sample.portal.families.aspnet import AspNet
from collector.sample.portal.families.base import Family
from collector.sample.portal.families.gkmlpt import Gkmlpt
from collector.sample.portal.families.hanweb import Hanweb, Jpaas
from collector.sample.portal.families.trs import Trs, TrsDynamic
from collector.sample.portal.families.ucap import Ucap
from collector.sample.portal.families.vsb import Vsb

FAMILY_CLASSES: dict[str, type[Family]] = {
    cls.name: cls for cls in (Trs, TrsDynamic, Hanweb, Jpaas, Ucap, Gkmlpt, AspNet, Vsb)
}
