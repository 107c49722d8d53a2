"""``collector parse FILE...``: print the canonical record of local report files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from collector.summary import print_record_summary
from parsers import UnreadableDocument, parse_file


def parse(
    files: Annotated[list[Path], typer.Argument(help="Report files: HTML, text/Markdown (PDF/DOCX where supported).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print exactly the record (a JSON list for several files).")] = False,
    agency: Annotated[str | None, typer.Option(help="Agency name to use when the document does not state one.")] = None,
    year: Annotated[int | None, typer.Option(help="Report year to use when the document does not state one.")] = None,
) -> None:
    """Parse report files into the canonical record and print it."""
    out = Console(soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    records: list[dict] = []
    failed = 0
    for path in files:
        try:
            record = parse_file(path, agency=agency, year=year)
        except UnreadableDocument as exc:
            err.print(f"[red]{path}: error:[/red] {exc}", highlight=False)
            failed += 1
            continue
        records.append(record)
        if not as_json:
            print_record_summary(out, record)
    if as_json:
        payload = records[0] if len(files) == 1 and records else records
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if failed:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command()(parse)
