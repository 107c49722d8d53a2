"""One agency across the years: statuses, dates and the numbers people compare year over year."""

from __future__ import annotations

from sqlalchemy import Connection, select

from collector.compliance.engine import primary_copy, report_copies
from collector.errors import CollectorError
from storage.models import Agency, Compliance

KEY_NUMBERS = {
    "received": (("requests", "new_received", "total"),),
    "granted": (("requests", "granted", "total"),),
    "reviews": (("review_litigation", "administrative_review", "total"),),
    "lawsuits": (("review_litigation", "litigation_direct", "total"), ("review_litigation", "litigation_after_review", "total")),
}


def _number(record: dict, paths: tuple[tuple[str, str, str], ...]) -> int | None:
    values = [record["tables"].get(table, {}).get(row, {}).get(column) for table, row, column in paths]
    return None if None in values else sum(values)


def agency_history(connection: Connection, agency_id: str) -> tuple[dict, list[dict]]:
    """The agency and, per report year, its stored status and its report's key numbers with changes."""
    agency = connection.execute(select(Agency).where(Agency.id == agency_id)).one_or_none()
    if agency is None:
        raise CollectorError(f"no agency {agency_id!r} in the database (run `collector agencies sync`)")
    judged = {row.year: row for row in connection.execute(select(Compliance).where(Compliance.agency_id == agency_id))}
    copies = report_copies(connection, [agency_id])
    years = sorted(set(judged) | {year for _, year in copies})
    history: list[dict] = []
    for year in years:
        found = copies.get((agency_id, year))
        record = primary_copy(found).record if found else None
        entry = {"year": year, "status": judged[year].status if year in judged else None,
                 "days_late": judged[year].days_late if year in judged else None,
                 "published_at": judged[year].published_at if year in judged else None,
                 **{key: _number(record, paths) if record else None for key, paths in KEY_NUMBERS.items()}}
        before = history[-1] if history and history[-1]["year"] == year - 1 else None
        entry["changes"] = {key: entry[key] - before[key] for key in KEY_NUMBERS
                            if before and entry[key] is not None and before[key] is not None}
        history.append(entry)
    agency_dict = {"id": agency.id, "name": agency.name, "kind": agency.kind, "level": agency.level, "region": agency.region}
    return agency_dict, history
