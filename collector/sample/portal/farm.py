"""The farm: every agency's site behind one request handler, generated on demand.

A request is routed by its Host header to an agency, passes the host's fault gates, and is
answered by the agency's site, which is built from its plan the first time the host is asked for
anything and then kept in a bounded cache. Nothing is generated ahead of time, so a farm of
10,000 agencies starts instantly and holds only what was recently requested.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import lru_cache

from collector.sample.portal import faults
from collector.sample.portal.agencies import Agency, Roster
from collector.sample.portal.bodies import REPORT_LAYOUTS, Bodies
from collector.sample.portal.config import FarmConfig
from collector.sample.portal.families import FAMILY_CLASSES
from collector.sample.portal.families.base import Family, SiteContext
from collector.sample.portal.plan import Plan, build_plan
from collector.sample.portal.protocol import Request, Response

_NOT_FOUND = "<h2>页面不存在</h2><p>您访问的页面不存在或已被删除，请检查地址是否正确。</p>"


class Farm:
    """All sites of one configuration; ``handle`` is the HTTP handler."""

    def __init__(self, config: FarmConfig, *, site_cache: int = 4096) -> None:
        self.config = config
        self.roster = Roster(config)
        self.bodies = Bodies(config, self.roster)
        self.fault_state = faults.FaultState()
        self.plan = lru_cache(maxsize=site_cache * 2)(self._plan)
        self.family = lru_cache(maxsize=site_cache)(self._family)

    def set_as_of(self, as_of: date) -> None:
        """Move the farm's clock; sites are rebuilt lazily for the new day (plans do not change)."""
        self.config = replace(self.config, as_of=as_of)
        self.family.cache_clear()

    def _plan(self, index: int) -> Plan:
        agency = self.roster[index]
        return build_plan(self.config, self.roster, agency, layouts=REPORT_LAYOUTS,
                          date_styles=FAMILY_CLASSES[agency.family].DATE_STYLES)

    def _family(self, index: int) -> Family:
        agency = self.roster[index]
        context = SiteContext(self.config, self.roster, self.bodies, agency, self.plan, self.config.as_of)
        return FAMILY_CLASSES[agency.family](context)

    def handle(self, request: Request) -> Response:
        agency = self.roster.for_host(request.host)
        if agency is None:
            return Response(404, b"unknown host", [("Content-Type", "text/plain")])
        blocked = faults.gate(self.config.seed, agency, request, self.fault_state)
        if blocked is not None:
            return blocked
        response = self._answer(agency, request)
        return faults.slow_down(self.config.seed, agency, request.path, response, self.config.slow_seconds,
                                self.fault_state)

    def _answer(self, agency: Agency, request: Request) -> Response:
        family = self.family(agency.index)
        site = family.site
        response = site.dispatch(request)
        if response is not None:
            return response
        path = request.path
        if "deleted_refresh" in agency.faults and (path in site.gone or request.target in site.gone):
            # Pingtan: a deleted document refreshes to its folder.
            return family.html_response('<html><head><meta http-equiv="refresh" content="0;url=../"></head>'
                                        "<body></body></html>")
        if not path.endswith("/") and site.has(path + "/") and "no_trailing_slash" not in agency.faults:
            return Response(301, b"", [("Location", path + "/")])
        status = 200 if "soft_404" in agency.faults else 404
        return family.html_response(family.page("页面不存在", _NOT_FOUND), status=status)
