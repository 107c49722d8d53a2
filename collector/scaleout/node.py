"""``collector node``: a Scrapyd node serving this project from its own directory.

The project is pip-installed on the node (no eggs: the upload and delete endpoints are switched off,
so the password cannot be used to upload code). The node's directory holds the two files Scrapyd
reads from its working directory, ``scrapyd.conf`` and a ``scrapy.cfg`` naming the project's settings,
plus its queue database and job logs. Credentials and the database URL come from the environment:
``SCRAPYD_USERNAME``/``SCRAPYD_PASSWORD`` (read by Scrapyd) and ``COLLECTOR_DB_URL``, which the
crawl jobs inherit.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from collector.errors import CollectorError
from collector.scaleout.scrapyd import PROJECT

#: Scrapyd's settings for our nodes (scale-out.md §3): jobs and logs kept long enough to look at a whole
#: night's shards, finished jobs remembered across restarts, items not written (they go to the database).
_CONF = """\
# Written by `collector node`; edit the command's options rather than this file.
[scrapyd]
bind_address     = {bind}
http_port        = {port}
max_proc         = {max_proc}
poll_interval    = {poll_interval}
jobstorage       = scrapyd.jobstorage.SqliteJobStorage
finished_to_keep = 1000
jobs_to_keep     = 200
logs_dir         = logs
items_dir        =
eggs_dir         = eggs
dbs_dir          = dbs

[services]
addversion.json  =
delproject.json  =
delversion.json  =
"""


@dataclass(frozen=True)
class NodeConfig:
    directory: Path
    port: int = 6800
    bind: str = "127.0.0.1"
    max_proc: int = 2
    poll_interval: float = 2.0


def check_environment(environ: Mapping[str, str]) -> None:
    """A node's jobs must write to the controller's PostgreSQL, named in the node's own environment."""
    url = environ.get("COLLECTOR_DB_URL", "")
    try:
        backend = make_url(url).get_backend_name() if url else None
    except ArgumentError:
        backend = None
    if backend != "postgresql":
        raise CollectorError("a node needs COLLECTOR_DB_URL set to the controller's PostgreSQL "
                             "(postgresql+psycopg://…) in its environment")
    if bool(environ.get("SCRAPYD_USERNAME")) != bool(environ.get("SCRAPYD_PASSWORD")):
        raise CollectorError("set both SCRAPYD_USERNAME and SCRAPYD_PASSWORD, or neither")


def write_node_files(config: NodeConfig) -> None:
    config.directory.mkdir(parents=True, exist_ok=True)
    (config.directory / "scrapyd.conf").write_text(
        _CONF.format(bind=config.bind, port=config.port, max_proc=config.max_proc,
                     poll_interval=config.poll_interval), encoding="utf-8")
    (config.directory / "scrapy.cfg").write_text(
        f"# Written by `collector node`: the Scrapyd project `{PROJECT}` is the installed package.\n"
        f"[settings]\n{PROJECT} = collector.settings\n", encoding="utf-8")


def run_node(config: NodeConfig) -> None:
    """Write the node's files and become the Scrapyd daemon (this process is replaced)."""
    check_environment(os.environ)
    write_node_files(config)
    os.chdir(config.directory)
    os.execv(sys.executable, [sys.executable, "-m", "scrapyd"])
