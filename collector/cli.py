"""The ``collector`` command: one Typer app, one module per group of sub-commands."""

from __future__ import annotations

import typer

from collector.commands import compliance as compliance_commands
from collector.commands import crawl as crawl_commands
from collector.commands import node as node_commands
from collector.commands import parse as parse_commands
from collector.commands import sample_portal as sample_portal_commands
from collector.commands import service as service_commands
from collector.commands import storage as storage_commands

app = typer.Typer(
    help="Find, read and judge government information-disclosure annual reports (政府信息公开工作年度报告).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



@app.callback()
def main() -> None:
    """Keep ``collector`` a command group even while it has a single sub-command."""


parse_commands.register(app)
sample_portal_commands.register(app)
storage_commands.register(app)
crawl_commands.register(app)
node_commands.register(app)
compliance_commands.register(app)
service_commands.register(app)


if __name__ == "__main__":  # pragma: no cover - `python -m collector.cli`
    app()
