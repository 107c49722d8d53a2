"""Judge every registered agency for one report year, as of a date, from what the crawls stored.

For each agency-year: its deadline, the documents parsed as that year's report, the publication
date decided from their evidence, the portal's health (so that a portal we could not read gives
``unknown``, never ``missing``), revisions and removals, the parser's findings and the cross-year
checks. Rows are plain dicts, the shape every output format shares.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, select

from collector.compliance.crossyear import cross_year_findings
from collector.compliance.deadlines import deadline_for
from collector.compliance.evidence import Evidence, decide, url_date
from collector.compliance.health import PortalHealth
from collector.compliance.status import judge
from storage.models import Agency, Document, DocumentOrigin, Report

_TOP_FINDINGS = 3


@dataclass(frozen=True, slots=True)
class Filters:
    year: int
    as_of: date
    region: str | None = None
    kind: str | None = None
    township_deadline: str | None = None


@dataclass(frozen=True, slots=True)
class ReportCopy:
    """One stored document parsed as an agency's report of a year."""

    document_id: int
    report_id: int
    url: str | None
    fetched_at: datetime
    list_date: date | None
    record: dict
    record_sha256: str | None
    parent_url: str | None  # the report page an attachment was linked from


def _region_prefix(code: str) -> str:
    """410000 → 41, 410700 → 4107: a region filter covers everything under it."""
    prefix = code
    while prefix.endswith("00") and len(prefix) > 2:
        prefix = prefix[:-2]
    return prefix


def _is_report(record: dict) -> bool:
    return not any(finding["code"] == "no_report" for finding in record.get("findings", []))


def report_copies(connection: Connection, agency_ids: list[str],
                  years: tuple[int, ...] | None = None) -> dict[tuple[str, int], list[ReportCopy]]:
    """The stored report copies of the agencies, by agency and report year (``years=None``: all)."""
    query = (select(Document.agency_id, Report.year, Document.id, Report.id, Document.url, Document.fetched_at,
                    Document.list_date, Report.record, Report.record_sha256, DocumentOrigin.parent_url)
             .join(Report, Report.document_id == Document.id)
             .outerjoin(DocumentOrigin, DocumentOrigin.document_id == Document.id)
             .where(Document.agency_id.in_(agency_ids), Report.record.is_not(None))
             .order_by(Document.fetched_at, Document.id))
    if years is not None:
        query = query.where(Report.year.in_(years))
    found: dict[tuple[str, int], list[ReportCopy]] = defaultdict(list)
    for agency_id, year, *fields in connection.execute(query):
        copy = ReportCopy(*fields)
        if _is_report(copy.record):
            found[(agency_id, year)].append(copy)
    return found


def taken_down(copies: list[ReportCopy], gone: frozenset[str]) -> bool:
    """Every copy of the report is gone from the portal: its URL, or the page it was linked from, answered
    "not found" in the latest crawl (a report moved to a new address still has a copy that is not)."""
    return bool(gone) and all(copy.url in gone or copy.parent_url in gone for copy in copies)


def primary_copy(copies: list[ReportCopy]) -> ReportCopy:
    """The copy that stands for the report: the one with most table rows read, then the earliest."""
    return max(copies, key=lambda c: (sum(len(rows) for rows in c.record["tables"].values()), -c.document_id))


def _evidence(copies: list[ReportCopy], primary: ReportCopy) -> list[Evidence]:
    pieces = [Evidence(source, date.fromisoformat(day))
              for source, day in primary.record.get("publication_evidence", {}).items()]
    list_dates = [c.list_date for c in copies if c.list_date]
    if list_dates:
        pieces.append(Evidence("list_date", min(list_dates)))
    if (found := url_date(primary.url)) is not None:
        pieces.append(Evidence("url_date", found))
    pieces.append(Evidence("first_seen", min(c.fetched_at.date() for c in copies)))
    return pieces


def _revisions(copies: list[ReportCopy]) -> list[str]:
    """Dates on which a report URL was seen with different content than before."""
    by_url: dict[str | None, list[ReportCopy]] = defaultdict(list)
    for copy in copies:
        by_url[copy.url].append(copy)
    dates = []
    for versions in by_url.values():
        for before, after in zip(versions, versions[1:]):
            if after.record_sha256 != before.record_sha256:
                dates.append(after.fetched_at.date().isoformat())
    return sorted(set(dates))


def _counts(record: dict) -> dict:
    counts = Counter(finding["severity"] for finding in record.get("findings", []))
    top = [f"{f['code']} {f['where']}" for f in record.get("findings", []) if f["severity"] in ("error", "warning")]
    return {"error": counts["error"], "warning": counts["warning"], "info": counts["info"], "top": top[:_TOP_FINDINGS]}


def judge_agencies(connection: Connection, filters: Filters,
                   health: Mapping[str, PortalHealth]) -> tuple[list[dict], dict[int, dict]]:
    """Rows for every agency matching the filters, and the records of the reports they point at.

    ``health`` maps agency ids to their latest crawl up to ``as_of``; an agency missing from it
    was never crawled.
    """
    query = select(Agency).order_by(Agency.region, Agency.id)
    if filters.region:
        query = query.where(Agency.region.startswith(_region_prefix(filters.region)))
    if filters.kind:
        query = query.where(Agency.kind == filters.kind)
    agencies = list(connection.execute(query))
    # A unit's report may be listed on its government's portal: whichever crawl found it gone says so.
    gone = frozenset().union(*(portal.gone_urls for portal in health.values()))
    copies = report_copies(connection, [a.id for a in agencies], (filters.year, filters.year - 1))
    rows, records = [], {}
    for agency in agencies:
        deadline = deadline_for(agency.kind, filters.year, agency.deadline, filters.township_deadline)
        found = copies.get((agency.id, filters.year), [])
        primary = primary_copy(found) if found else None
        decision = decide(_evidence(found, primary)) if primary else None
        published = decision.date if decision else None
        portal = health.get(agency.id)
        status = judge(deadline.due, filters.as_of, published, portal.status if portal else None)
        previous = copies.get((agency.id, filters.year - 1))
        removed = bool(found) and taken_down(found, gone)
        if primary is not None:
            records[primary.report_id] = primary.record
        rows.append({
            "agency_id": agency.id, "agency": agency.name, "region": agency.region, "level": agency.level,
            "kind": agency.kind, "year": filters.year, "deadline": deadline.due.isoformat(),
            "deadline_assumed": deadline.assumed, "deadline_basis": deadline.basis,
            "published_at": published.isoformat() if published else None,
            "evidence": decision.source if decision else None,
            "evidence_detail": [e.as_dict() for e in decision.evidence] if decision else [],
            "no_later_than": bool(decision and decision.no_later_than),
            "conflicts": list(decision.conflicts) if decision else [],
            "days_late": status.days_late, "status": status.status, "reason": status.reason,
            "revised": _revisions(found), "removed": removed,
            "report_title": primary.record.get("title") if primary else None,
            "report_url": primary.url if primary else None,
            "document_id": primary.document_id if primary else None,
            "report_id": primary.report_id if primary else None,
            "findings": _counts(primary.record) if primary else {"error": 0, "warning": 0, "info": 0, "top": []},
            "cross_year": cross_year_findings(primary.record, primary_copy(previous).record if previous else None)
            if primary else [],
        })
    return rows, records
