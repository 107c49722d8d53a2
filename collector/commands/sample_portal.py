"""``collector sample-portal``: serve the seeded farm of sample portals, or write its manifest and registry.

The farm is imported only when one of these commands runs: it pulls in the report renderers
(reportlab, OpenCC, Pillow), about a third of a second that no other ``collector`` command should pay.
"""

from __future__ import annotations

import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from collector.sample.portal import SamplePortal

app = typer.Typer(help="A seeded farm of realistic government portals on 127.0.0.1, with a ground-truth manifest.",
                  no_args_is_help=True)

Agencies = Annotated[int, typer.Option("--agencies", min=1, help="Number of agencies (each its own host).")]
Seed = Annotated[str, typer.Option("--seed", help="Seed: the same seed serves the same bytes.")]
AsOf = Annotated[datetime | None, typer.Option(
    "--as-of", formats=["%Y-%m-%d"],
    help="The farm's day: only what is published by then is served. Default: a fixed day, so runs repeat.")]
PortOption = Annotated[int, typer.Option("--port", min=1, help="The port the farm is (or will be) served on.")]


def _portal(agencies: int, seed: str, as_of: datetime | None, port: int) -> SamplePortal:
    from collector.sample.portal import SamplePortal
    from collector.sample.portal.config import DEFAULT_AS_OF

    return SamplePortal(agencies=agencies, seed=seed, as_of=as_of.date() if as_of else DEFAULT_AS_OF, port=port)


def serve(
    agencies: Agencies = 100,
    seed: Seed = "0",
    as_of: AsOf = None,
    port: Annotated[int, typer.Option("--port", help="Port on 127.0.0.1 (0 = any free port).")] = 0,
    registry: Annotated[Path | None, typer.Option("--registry", help="Also write the agency registry here.")] = None,
    manifest: Annotated[Path | None, typer.Option("--manifest", help="Also write the manifest (JSON lines) here.")] = None,
) -> None:
    """Serve the farm until interrupted (Ctrl-C)."""
    portal = _portal(agencies, seed, as_of, port)
    bound = portal.start()
    try:
        if registry is not None:
            portal.write_registry(registry)
        if manifest is not None:
            portal.write_manifest(manifest)
        typer.echo(f"serving {agencies} agencies on 127.0.0.1:{bound} as of {portal.as_of.isoformat()} (seed {seed})")
        typer.echo(f"first agency: {portal.url_for(0)}  (Host header routing; Scrapy: "
                   "TWISTED_DNS_RESOLVER=collector.sample.resolver.SampleResolver)")
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        portal.stop()


def manifest(
    output: Annotated[Path, typer.Argument(help="Where to write the JSON-lines manifest.")],
    port: PortOption,
    agencies: Agencies = 100,
    seed: Seed = "0",
    as_of: AsOf = None,
) -> None:
    """Write the ground truth of a farm: every URL, report, fault and publication date."""
    rows = _portal(agencies, seed, as_of, port).write_manifest(output)
    typer.echo(f"{rows} rows written to {output}")


def registry(
    output: Annotated[Path, typer.Argument(help="Where to write the registry YAML.")],
    port: PortOption,
    agencies: Agencies = 100,
    seed: Seed = "0",
    as_of: AsOf = None,
) -> None:
    """Write an agency registry (spec/registry.md format, loopback allowed) that points at the farm."""
    count = _portal(agencies, seed, as_of, port).write_registry(output)
    typer.echo(f"{count} agencies written to {output}")


app.command()(serve)
app.command()(manifest)
app.command()(registry)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="sample-portal")
