"""``collector compliance`` (who published on time) and ``collector agency show`` (one agency's history)."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from collector.commands.common import DbOption, one_line_errors, open_db, out
from collector.compliance.engine import Filters
from collector.compliance.history import agency_history
from collector.compliance.html_report import write_html
from collector.compliance.outputs import print_table, write_csv, write_json, write_xlsx
from collector.compliance.run import run_compliance
from collector.errors import CollectorError
from collector.registry import DEFAULT_PATH, township_deadline


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    html = "html"


@one_line_errors
def compliance(
    year: Annotated[int, typer.Option("--year", metavar="YYYY", help="Report year to judge.")],
    as_of: Annotated[str | None, typer.Option("--as-of", metavar="DATE", help="Judge as of this date (default: today).")] = None,
    region: Annotated[str | None, typer.Option("--region", metavar="CODE", help="GB/T 2260 code; covers the regions under it.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", metavar="K", help="department | government | township | other")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.table,
    out_path: Annotated[Path | None, typer.Option("--out", metavar="PATH", help="Write here (xlsx/html default: var/).")] = None,
    registry: Annotated[Path, typer.Option("--agencies", metavar="PATH", help="Registry whose defaults apply.")] = DEFAULT_PATH,
    db: DbOption = None,
) -> None:
    """One row per agency: deadline, publication date and its evidence, status, days late, findings."""
    try:
        day = date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        raise CollectorError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    filters = Filters(year, day, region, kind, township_deadline(registry))
    with open_db(db) as database:
        result = run_compliance(database, filters)
    if output_format is Format.table:
        print_table(out, result.rows, result.rollups)
        return
    if output_format in (Format.xlsx, Format.html):
        path = out_path or Path("var") / f"compliance-{year}.{output_format.value}"
        path.parent.mkdir(parents=True, exist_ok=True)
        if output_format is Format.xlsx:
            write_xlsx(result.rows, result.rollups, path)
        else:
            write_html(result.rows, result.rollups, result.records, path, f"政府信息公开工作年度报告 {year}: compliance as of {day}")
        out.print(f"wrote {path}")
        return
    with out_path.open("w", encoding="utf-8", newline="") if out_path else nullcontext(sys.stdout) as stream:
        (write_csv if output_format is Format.csv else write_json)(result.rows, stream)


agency_app = typer.Typer(help="One agency across the years.", no_args_is_help=True)


@agency_app.command("show")
@one_line_errors
def agency_show(agency_id: Annotated[str, typer.Argument(metavar="ID")], db: DbOption = None) -> None:
    """The agency's history: status, dates and key numbers per year, with the year-over-year change."""
    with open_db(db) as database, database.reading() as connection:
        agency, years = agency_history(connection, agency_id)
    out.print(Text(f"{agency['name']} ({agency['id']}) — {agency['kind']}, {agency['level']}, region {agency['region']}"))
    table = Table(title="history")
    for header in ("year", "status", "days late", "published", "received", "granted", "reviews", "lawsuits"):
        table.add_column(header)
    for entry in years:
        table.add_row(str(entry["year"]), entry["status"] or "—", _show(entry["days_late"]), _show(entry["published_at"]),
                      *(_with_change(entry, key) for key in ("received", "granted", "reviews", "lawsuits")))
    out.print(table)


def _show(value: object) -> str:
    return "—" if value is None else str(value)


def _with_change(entry: dict, key: str) -> str:
    value, change = entry[key], entry["changes"].get(key)
    return _show(value) + (f" ({change:+d})" if change is not None else "")


def register(app: typer.Typer) -> None:
    app.command("compliance")(compliance)
    app.add_typer(agency_app, name="agency")
