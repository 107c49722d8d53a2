"""What every sub-command shares: the consoles, the ``--db`` option, and one-line error reporting."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError

from collector.errors import CollectorError
from collector.registry import RegistryInvalid
from storage.db import Database, first_line, open_database
from storage.errors import StorageError

out = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)

DbOption = Annotated[str | None, typer.Option(
    "--db", metavar="URL", show_default=False,
    help="Database URL, e.g. postgresql://user@host/db (default: $COLLECTOR_DB_URL, else sqlite:///var/collector.db)")]


def one_line_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Report expected failures as one line and exit 1 (130 when interrupted)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs) -> None:
        try:
            command(*args, **kwargs)
        except RegistryInvalid as exc:
            for problem in exc.problems:
                err.print(f"[red]error:[/red] {escape(problem)}")
            err.print(f"{exc}: nothing was synced")
            raise typer.Exit(1) from None
        except (CollectorError, StorageError) as exc:
            err.print(f"[red]error:[/red] {escape(str(exc))}")
            raise typer.Exit(1) from None
        except SQLAlchemyError as exc:
            err.print(f"[red]database error:[/red] {escape(first_line(exc))}")
            raise typer.Exit(1) from None
        except BrokenPipeError:  # the reader (`| head`) has gone: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(1) from None
        except OSError as exc:
            err.print(f"[red]error:[/red] {escape(exc.filename or '')}{': ' if exc.filename else ''}"
                      f"{escape(exc.strerror or str(exc))}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            err.print("interrupted: finished batches are stored; run the command again to finish")
            raise typer.Exit(130) from None

    return wrapper


@contextmanager
def open_db(url: str | None) -> Iterator[Database]:
    database = open_database(url)
    try:
        yield database
    finally:
        database.close()
