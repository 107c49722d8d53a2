"""The farm's ground truth as JSON lines, and the agency registry that points a crawler at it.

Three row types, told apart by ``row``:

* ``agency`` — one per agency: host, portal and column URLs, family, pagination, encoding, faults,
  and ``blocked`` (the anti-bot/WAF fault that makes the host unreadable, or null).
* ``timeline`` — one per agency and report year: deadline, true publication date (null = never),
  on_time / late / never, days late, revision and removal dates, whether it is listed as of the
  farm's day, and the URL the report has (or will have) on the agency's own portal.
* ``url`` — one per URL the farm answers as of its day (static pages, API requests with their
  method and form, attachments, images, traps): what it is, the faults a request meets there, and
  for documents their title, year, dates, template, layout, encoding and, on the URLs whose bytes
  hold the report tables (``payload``), the expected ``tables`` and ``expected_internal_errors``
  (the findings a correct parser emits).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import yaml

from collector.sample.portal import faults
from collector.sample.portal.bodies import FILE_EXTENSIONS, READABLE_LAYOUTS
from collector.sample.portal.families.base import OLD_COLUMN, Family
from collector.sample.portal.farm import Farm
from collector.sample.portal.plan import Item
from collector.sample.portal.rng import chance
from collector.sample.portal.site import Resource

#: Share of registry entries that name their 年报 column (the rest must be discovered from the portal).
REPORT_PAGES_SHARE = 0.4


def rows(farm: Farm, port: int) -> Iterator[dict]:
    """Every manifest row of the farm, agency by agency."""
    for agency in farm.roster:
        family = farm.family(agency.index)
        yield _agency_row(farm, family, port)
        yield from _timeline_rows(farm, family, port)
        for resource in family.site.resources:
            yield _url_row(farm, family, port, resource)
        for target, item in family.site.gone.items():
            yield _url_row(farm, family, port, Resource("gone", target, item=item))


def _base(family: Family, port: int) -> str:
    return f"http://{family.agency.host}:{port}"


def _agency_row(farm: Farm, family: Family, port: int) -> dict:
    agency, base = family.agency, _base(family, port)
    parent = farm.roster[agency.parent].id if agency.parent is not None else None
    blocked = next((fault for fault in agency.faults if fault in faults.BLOCKING), None)
    return {"row": "agency", "agency": agency.id, "name": agency.name, "agency_kind": agency.kind, "level": agency.level,
            "region": agency.region, "parent": parent, "host": agency.host, "portal": base + "/",
            "column": base + family.column_path(), "family": agency.family, "paging": family.paging,
            "tree": agency.tree, "per_page": agency.per_page, "encoding": agency.encoding,
            "faults": list(agency.faults), "blocked": blocked}


def _timeline_rows(farm: Farm, family: Family, port: int) -> Iterator[dict]:
    plan, as_of, base = family.plan, farm.config.as_of, _base(family, port)
    for year, history in plan.publications.items():
        item = plan.by_key.get(f"r{year}")
        yield {"row": "timeline", "agency": family.agency.id, "report_year": year, "in_window": year in farm.config.years,
               "deadline": history.deadline.isoformat(), "status": history.status, "pub_date": _iso(history.published),
               "days_late": history.days_late, "revised_on": _iso(history.revised), "removed_on": _iso(history.removed),
               "listed": history.listed(as_of), "url": base + family.detail_target(item) if item else None}


def _url_row(farm: Farm, family: Family, port: int, resource: Resource) -> dict:
    agency, base = family.agency, _base(family, port)
    row = {"row": "url", "url": base + resource.target, "method": resource.method, "body": resource.body,
           "host": agency.host, "site": agency.id, "agency": agency.id, "kind": resource.kind, "media": resource.media,
           "faults": faults.url_faults(farm.config.seed, agency, resource.target.split("?", 1)[0]),
           "is_report": False, "payload": False}
    item = resource.item
    if item is not None:
        row.update(_document_fields(farm, family, port, resource, item))
    return row


def _document_fields(farm: Farm, family: Family, port: int, resource: Resource, item: Item) -> dict:
    as_of, base = farm.config.as_of, _base(family, port)
    revised = item.revised_by(as_of)
    is_file = resource.kind == "attachment"
    payload = item.is_report and item.layout in READABLE_LAYOUTS and (
        is_file if item.layout in FILE_EXTENSIONS else resource.kind == "report")
    expected = farm.bodies.expected(item, revised) if payload else None
    duplicate = family.plan.by_key.get(item.duplicate_of) if item.duplicate_of else None
    mirror = None
    if item.mirror_of is not None:
        owner_index, key = item.mirror_of
        owner = farm.family(owner_index)
        mirror = _base(owner, port) + owner.detail_target(owner.plan.by_key[key])
    return {
        "agency": farm.roster[item.owner].id,
        "is_report": item.is_report and resource.kind in ("report", "attachment", "gone"),
        "payload": payload,
        "title": item.title,
        "report_year": item.year,
        "in_window": item.year in farm.config.years,
        "pub_date": item.posted.isoformat(),
        "date_style": item.date_style,
        "date_sources": family.date_sources(item),
        "template": item.template,
        "layout": item.layout,
        "encoding": family.agency.encoding if resource.media == "text/html" else None,
        "traditional": item.traditional,
        "publisher_error": None if revised else item.publisher_error,
        "version": ("revised" if revised else "original") if item.revised else None,
        "revised_on": _iso(item.revised),
        "removed_on": _iso(item.removed),
        "duplicate_of": base + family.detail_target(duplicate) if duplicate else None,
        "mirror_of": mirror,
        "distractor": None if item.is_report else item.kind,
        "hostile": item.hostile,
        "tables": expected["tables"] if expected else None,
        "expected_format": expected["format"] if expected else None,
        "expected_internal_errors": expected["findings"] if expected else None,
    }


def _iso(day) -> str | None:
    return day.isoformat() if day is not None else None


def write_manifest(farm: Farm, port: int, path: Path) -> int:
    """Write the manifest as JSON lines; returns the number of rows."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows(farm, port):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def registry(farm: Farm, port: int) -> dict:
    """The farm as an agency registry (spec/registry.md), loopback allowed."""
    entries = []
    for agency in farm.roster:
        family = farm.family(agency.index)
        scheme = "https" if "http_only" in agency.faults else "http"  # the crawler must fall back to http
        base = f"{scheme}://{agency.host}:{port}"
        entry = {"id": agency.id, "name": agency.name, "kind": agency.kind, "level": agency.level}
        if agency.region is not None:
            entry["region"] = agency.region
        if agency.parent is not None:
            entry["parent"] = farm.roster[agency.parent].id
        entry["portal"] = base + "/"
        column = family.column_path()
        if "column_moved" in agency.faults:
            entry["report_pages"] = [base + OLD_COLUMN]
        elif "no_trailing_slash" in agency.faults and column.endswith("/"):
            entry["report_pages"] = [base + column.rstrip("/")]
        elif chance(REPORT_PAGES_SHARE, farm.config.seed, "registry", agency.index):
            entry["report_pages"] = [base + column]
        entry["verified"] = False
        entry["notes"] = f"sample farm ({agency.family}); faults: {', '.join(agency.faults) or 'none'}"
        entries.append(entry)
    return {"allow_private_hosts": True, "defaults": {"township_deadline": "03-31"}, "agencies": entries}


def write_registry(farm: Farm, port: int, path: Path) -> int:
    """Write the registry YAML; returns the number of agencies."""
    document = registry(farm, port)
    header = ("# Agency registry of a generated sample portal farm (collector sample-portal); "
              "every host resolves to 127.0.0.1 only through collector.sample.resolver.SampleResolver.\n")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml when present: 10,000 entries in a second
    text = yaml.dump(document, Dumper=dumper, allow_unicode=True, sort_keys=False)
    path.write_text(header + text, encoding="utf-8")
    return len(document["agencies"])
