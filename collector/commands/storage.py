"""Sub-commands that keep things: ``db upgrade``, ``agencies sync|list``, ``import``, ``reparse``, ``reports``.

The logic lives in ``collector.registry``, ``collector.ingest``, ``collector.reparse`` and
``collector.exports``; this module only turns options into calls and results into lines. Every
command takes ``--db`` (and those touching bytes ``--archive``); bad input and unreachable databases
end in one line on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from collector import exports
from collector.errors import CollectorError
from collector.commands.common import DbOption, err, one_line_errors, open_db, out
from collector.ingest import collect_files, import_files
from collector.registry import DEFAULT_PATH, list_agencies, load_registry, sync_registry
from collector.reparse import DEFAULT_BATCH_SIZE, Change, Selection, Tally, reparse
from parsers import PARSER_VERSION
from storage.archive import Archive
from storage.migrate import current_revision


#: Importing more files than this shows a progress bar.
_PROGRESS_THRESHOLD = 5
#: A table written to a file is not wrapped to a terminal's width.
_FILE_TABLE_WIDTH = 1000

ArchiveOption = Annotated[Path | None, typer.Option(
    "--archive", metavar="DIR", show_default=False,
    help="Directory of the raw-bytes archive (default: $COLLECTOR_ARCHIVE, else var/archive)")]
AgencyOption = Annotated[str | None, typer.Option("--agency", metavar="ID", help="Agency id from the registry.")]
YearOption = Annotated[int | None, typer.Option("--year", metavar="YYYY", help="Report year.")]


@contextmanager
def _progress(enabled: bool) -> Iterator[Progress]:
    """A progress bar on stderr (stdout stays clean for exports), shown only on a terminal."""
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=err, disable=not (enabled and err.is_terminal), transient=False)
    with progress:
        yield progress


def _tracked(progress: Progress, description: str,
             total: int | None = None) -> tuple[Callable[[int], None], Callable[[int], None]]:
    """``(on_start, on_advance)`` callbacks driving one progress task; ``on_start`` sets the total."""
    task = progress.add_task(description, total=total)
    return (lambda total: progress.update(task, total=total),
            lambda done: progress.advance(task, done))


def _print_problem(message: str) -> None:
    err.print(f"[yellow]failed:[/yellow] {escape(message)}")


def _tally_line(tally: Tally) -> str:
    return (f"{tally.new} new, {tally.changed} changed, {tally.unchanged} unchanged, {tally.failed} failed"
            f" (parser {PARSER_VERSION})")


# --- collector db ----------------------------------------------------------------------------------------------

db_app = typer.Typer(help="The database schema.", no_args_is_help=True)


@db_app.command("upgrade")
@one_line_errors
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or apply pending migrations (every command also does this on first use)."""
    with open_db(db) as database, database.engine.connect() as connection:
        out.print(f"{database.display_url}: schema at revision {current_revision(connection)} (latest)")


# --- collector agencies ----------------------------------------------------------------------------------------

agencies_app = typer.Typer(help="The agency registry (config/agencies.yaml).", no_args_is_help=True)


@agencies_app.command("sync")
@one_line_errors
def agencies_sync(
    file: Annotated[Path, typer.Option("--file", metavar="PATH", help="Registry file.")] = DEFAULT_PATH,
    db: DbOption = None,
) -> None:
    """Validate the registry file and upsert its agencies (nothing is written unless the whole file is valid)."""
    registry = load_registry(file)
    with open_db(db) as database:
        result = sync_registry(database, registry)
    out.print(f"{file}: {len(registry.agencies)} agencies: {result.new} new, {result.updated} updated, "
              f"{result.unchanged} unchanged")
    if result.only_in_database:
        out.print(f"kept {len(result.only_in_database)} agencies that are no longer in the file: "
                  f"{', '.join(result.only_in_database)}")


@agencies_app.command("list")
@one_line_errors
def agencies_list(
    region: Annotated[str | None, typer.Option(
        "--region", metavar="CODE", help="GB/T 2260 code; 410000 lists all of Henan, 410700 all of Xinxiang.")] = None,
    db: DbOption = None,
) -> None:
    """Print the agencies in the database."""
    with open_db(db) as database:
        agencies = list_agencies(database, region)
    table = Table("id", "name", "kind", "level", "region", "verified", "portal", box=box.SIMPLE)
    for column in table.columns:  # ids are copied into other commands: never cut them
        column.no_wrap = column.header not in ("name", "portal")
        column.overflow = "fold"
    for agency in agencies:
        table.add_row(escape(agency.id), escape(agency.name), agency.kind, agency.level, agency.region or "",
                      "yes" if agency.verified else "no", escape(agency.portal))
    out.print(table)
    out.print(f"{len(agencies)} agencies")


# --- collector import ------------------------------------------------------------------------------------------

@one_line_errors
def import_command(
    paths: Annotated[list[Path], typer.Argument(help="Report files, or directories to walk.", show_default=False)],
    agency: Annotated[str | None, typer.Option("--agency", metavar="ID",
                                               help="Registry id of the agency that published these files.")] = None,
    url: Annotated[str | None, typer.Option("--url", metavar="URL",
                                            help="Where the (single) file was published.")] = None,
    db: DbOption = None,
    archive: ArchiveOption = None,
) -> None:
    """Archive local report files, record them as documents and parse them."""
    files = collect_files(paths)
    with open_db(db) as database, _progress(len(files) > _PROGRESS_THRESHOLD) as progress:
        _, on_file = _tracked(progress, "archiving", total=len(files))
        on_parse_start, on_parse_batch = _tracked(progress, "parsing")
        result = import_files(database, Archive(archive), files, agency_id=agency, url=url, on_file=on_file,
                              on_parse_start=on_parse_start, on_parse_batch=on_parse_batch,
                              on_problem=_print_problem)
    for problem in result.unreadable:
        err.print(f"[red]unreadable:[/red] {escape(problem)}")
    out.print(f"{len(files)} files: {result.archived} archived, {result.already_present} already present; "
              f"parsed: {_tally_line(result.parsed)}")
    if result.unreadable or result.parsed.failed:
        raise typer.Exit(1)


# --- collector reparse -----------------------------------------------------------------------------------------

def _print_change(change: Change) -> None:
    out.print(f"[bold]{escape(change.label)}[/bold] (document {change.document_id})")
    for path, old, new in change.differences:
        out.print(f"  {escape(path)}: {escape(_short(old))} → {escape(_short(new))}")


def _short(value: object) -> str:
    return f"[{len(value)} items]" if isinstance(value, list) else "null" if value is None else str(value)


@one_line_errors
def reparse_command(
    all_documents: Annotated[bool, typer.Option("--all", help="Every archived document.")] = False,
    agency: AgencyOption = None,
    year: YearOption = None,
    since: Annotated[datetime | None, typer.Option(
        "--since", metavar="DATE", formats=["%Y-%m-%d"],
        help="Documents fetched or imported on or after DATE.")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Parse again even documents already parsed by this parser version.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write nothing; print which cells would change.")] = False,
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, help="Documents per transaction.")] = DEFAULT_BATCH_SIZE,
    db: DbOption = None,
    archive: ArchiveOption = None,
) -> None:
    """Parse archived documents again with the current parser; safe to interrupt and run again."""
    filtered = agency is not None or year is not None or since is not None
    if all_documents == filtered:
        raise CollectorError("say which documents: --all, or any of --agency, --year, --since"
                             if not filtered else "--all cannot be combined with --agency, --year or --since")
    selection = Selection(agency_id=agency, year=year, since=since.date() if since else None)
    with open_db(db) as database, _progress(True) as progress:
        on_start, on_batch = _tracked(progress, "reparsing")
        tally = reparse(database, Archive(archive), selection, force=force, dry_run=dry_run, batch_size=batch_size,
                        on_start=on_start, on_batch=on_batch, on_change=_print_change, on_problem=_print_problem)
    prefix = "dry run, nothing written: would store " if dry_run else ""
    out.print(f"{prefix}{_tally_line(tally)}; {tally.up_to_date} already up to date")


# --- collector reports -----------------------------------------------------------------------------------------

class ExportFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"


@one_line_errors
def reports_command(
    agency: AgencyOption = None,
    year: YearOption = None,
    export_format: Annotated[ExportFormat, typer.Option("--format", help="Output format.")] = ExportFormat.table,
    wide: Annotated[bool, typer.Option(
        "--wide", help="One row per report, a column per cell (default: a row per cell).")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", metavar="FILE",
                                                help="Write to FILE instead of stdout (required for xlsx).")] = None,
    db: DbOption = None,
) -> None:
    """Export the parsed tables: one row per report × table cell, or --wide."""
    if export_format is ExportFormat.xlsx and output is None:
        raise CollectorError("--format xlsx needs --output FILE")
    if export_format is ExportFormat.table and wide:
        raise CollectorError("--wide has a column per cell, too many for a terminal: use --format csv, json or xlsx")
    with open_db(db) as database:
        if wide:
            columns, rows = exports.wide_rows(database, agency, year)
        else:
            columns, rows = [*exports.REPORT_COLUMNS, *exports.CELL_COLUMNS], exports.long_rows(database, agency, year)
        if export_format is ExportFormat.xlsx:
            exports.write_xlsx(columns, rows, output)
            return
        with output.open("w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout) as stream:
            if export_format is ExportFormat.csv:
                exports.write_csv(columns, rows, stream)
            elif export_format is ExportFormat.json:
                exports.write_json(rows, stream)
            else:
                exports.print_table(Console(file=stream, width=_FILE_TABLE_WIDTH) if output else out, rows)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.add_typer(agencies_app, name="agencies")
    app.command("import")(import_command)
    app.command("reparse")(reparse_command)
    app.command("reports")(reports_command)
