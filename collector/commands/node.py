"""``collector node``: run this machine as a Scrapyd node of a distributed crawl (``collector crawl --nodes``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from collector.commands.common import err
from collector.errors import CollectorError
from collector.scaleout.node import NodeConfig, run_node


def node(
    directory: Annotated[Path, typer.Option(
        "--dir", metavar="DIR", help="The node's own directory: its Scrapyd config, queue and job logs.")] = Path("var/node"),
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Scrapyd's HTTP port.")] = 6800,
    bind: Annotated[str, typer.Option(
        "--bind", help="Address to listen on; keep 127.0.0.1 behind a TLS proxy (README, Scale-out).")] = "127.0.0.1",
    max_proc: Annotated[int, typer.Option("--max-proc", min=1, help="Crawl jobs at once on this node.")] = 2,
    poll_interval: Annotated[float, typer.Option(
        "--poll-interval", min=0.1, metavar="SECONDS", help="How often Scrapyd starts a waiting job.")] = 2.0,
) -> None:
    """Serve the portal spider to a controller through Scrapyd (needs COLLECTOR_DB_URL; SCRAPYD_USERNAME and
    SCRAPYD_PASSWORD switch on basic auth)."""
    try:
        run_node(NodeConfig(directory.resolve(), port, bind, max_proc, poll_interval))
    except CollectorError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    app.command()(node)
