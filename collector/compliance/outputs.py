"""Compliance rows out as a terminal table, CSV, JSON or an Excel workbook (one sheet per view).

Titles, names, messages and URLs all come from portals: CSV and XLSX cells are neutralised so a
spreadsheet never runs them as formulas (``collector.exports.neutralise``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from collector.compliance.rollup import STATUSES, VIEWS
from collector.exports import neutralise

FLAT_COLUMNS = ("agency_id", "agency", "region", "level", "kind", "year", "deadline", "deadline_assumed",
                "published_at", "evidence", "no_later_than", "conflicts", "days_late", "status", "reason",
                "report_title", "report_url", "document_id", "report_id", "errors", "warnings", "infos", "top_findings",
                "cross_year")
_STATUS_STYLE = {"on_time": "green", "late": "yellow", "missing": "red", "unknown": "magenta", "not_yet_due": "dim"}


def flat(row: dict) -> dict:
    """A row with nested values (findings, lists) spelled out as flat cells."""
    findings = row["findings"]
    return {**{key: row.get(key) for key in FLAT_COLUMNS},
            "conflicts": "; ".join(row["conflicts"]), "errors": findings["error"], "warnings": findings["warning"],
            "infos": findings["info"], "top_findings": "; ".join(findings["top"]),
            "cross_year": "; ".join(row["cross_year"])}


#: Piped or logged output is not squeezed into 80 columns: nobody reads it on a narrow terminal.
_PLAIN_WIDTH = 200


def print_table(console: Console, rows: Sequence[dict], rollups: dict[str, list[dict]]) -> None:
    if not console.is_terminal:
        console = Console(file=console.file, width=_PLAIN_WIDTH, soft_wrap=True, highlight=False)
    table = Table(box=box.SIMPLE_HEAD, title=f"Compliance, report year {rows[0]['year'] if rows else '—'}")
    for header in ("agency", "kind", "deadline", "published", "status", "days late", "findings"):
        table.add_column(header)
    for row in rows:
        findings = row["findings"]
        table.add_row(Text(f"{row['agency']} ({row['agency_id']})"), row["kind"], str(row["deadline"] or "—"),
                      Text(str(row["published_at"] or "—") + (" ≤" if row["no_later_than"] else "")),
                      Text(row["status"], style=_STATUS_STYLE.get(row["status"], "")),
                      "" if row["days_late"] is None else str(row["days_late"]),
                      f"{findings['error']}E {findings['warning']}W")
    console.print(table)
    summary = Table(box=box.SIMPLE_HEAD, title="By region")
    for header in ("region", "total", *STATUSES, "on-time rate"):
        summary.add_column(header)
    for item in rollups["region"]:
        rate = item["on_time_rate"]
        summary.add_row(item["key"], str(item["total"]), *(str(item[s]) for s in STATUSES),
                        "—" if rate is None else f"{rate:.0%}")
    console.print(summary)


def write_csv(rows: Sequence[dict], handle: IO[str]) -> None:
    writer = csv.DictWriter(handle, fieldnames=FLAT_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow({key: neutralise(value) for key, value in flat(row).items()})


def write_json(rows: Sequence[dict], handle: IO[str]) -> None:
    json.dump(list(rows), handle, ensure_ascii=False, indent=2, default=str)
    handle.write("\n")


def _cell(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", neutralise(value))
    return value if value is None or isinstance(value, (int, float, bool)) else str(value)


def write_xlsx(rows: Sequence[dict], rollups: dict[str, list[dict]], path: Path) -> None:
    """One sheet per view: agencies, then the rollups by region, level and kind."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "agencies"
    sheet.append(list(FLAT_COLUMNS))
    for row in rows:
        sheet.append([_cell(value) for value in flat(row).values()])
    for view in VIEWS:
        rollup_sheet = workbook.create_sheet(f"by_{view}")
        rollup_sheet.append([view, "total", *STATUSES, "on_time_rate"])
        for item in rollups[view]:
            rollup_sheet.append([_cell(item["key"]), item["total"], *(item[s] for s in STATUSES), item["on_time_rate"]])
    workbook.save(path)
