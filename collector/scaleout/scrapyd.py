"""A small client of Scrapyd's HTTP API: node status, the job list, scheduling and cancelling a job.

Scrapyd answers errors with HTTP 200 and ``{"status": "error"}`` (scale-out.md §2), so every answer's
body is checked; a node that cannot be reached, answers 401, or sends something that is not its JSON
raises :class:`NodeUnavailable`, an answer that refuses the request raises :class:`NodeRefused`.
Credentials come from ``SCRAPYD_USERNAME`` / ``SCRAPYD_PASSWORD`` (the names Scrapyd itself reads),
never from the node URL or the job's arguments, which Scrapyd shows in its process list and logs.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from collector.errors import CollectorError

#: The Scrapyd project name nodes serve (``collector node`` writes it into the node's scrapy.cfg).
PROJECT = "collector"
SPIDER = "portal"
PENDING, RUNNING, FINISHED = "pending", "running", "finished"


class NodeUnavailable(CollectorError):
    """The node did not answer usefully (down, unreachable, wrong credentials, not Scrapyd)."""


class NodeRefused(CollectorError):
    """The node answered and refused the request (``"status": "error"``)."""


@dataclass(frozen=True)
class NodeLoad:
    running: int
    pending: int


def node_url(text: str) -> str:
    """A node's base URL, checked: http(s), a host, no credentials in it (they belong in the environment)."""
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CollectorError(f"node {text!r}: give a URL such as http://10.0.0.5:6800")
    if parts.username or parts.password:
        raise CollectorError(f"node {parts.hostname}: put credentials in SCRAPYD_USERNAME and SCRAPYD_PASSWORD, "
                             "not in the URL")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


class ScrapydNode:
    """One Scrapyd node, addressed by its base URL."""

    def __init__(self, url: str, *, timeout: float = 10.0, environ: Mapping[str, str] = os.environ) -> None:
        self.url = node_url(url)
        self.timeout = timeout
        username, password = environ.get("SCRAPYD_USERNAME"), environ.get("SCRAPYD_PASSWORD")
        token = base64.b64encode(f"{username}:{password}".encode()).decode() if username and password else None
        self._headers = {"Authorization": f"Basic {token}"} if token else {}

    def __repr__(self) -> str:
        return f"ScrapydNode({self.url})"

    def _call(self, endpoint: str, query: Mapping[str, str] | None = None,
              form: list[tuple[str, str]] | None = None) -> dict:
        url = f"{self.url}/{endpoint}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = urllib.parse.urlencode(form).encode() if form is not None else None  # encodes "+" in a value
        request = urllib.request.Request(url, data=data, headers=self._headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 (http/https only)
                body = answer.read()
        except urllib.error.HTTPError as exc:
            hint = ": check SCRAPYD_USERNAME / SCRAPYD_PASSWORD" if exc.code == 401 else ""
            raise NodeUnavailable(f"{self.url}: HTTP {exc.code}{hint}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise NodeUnavailable(f"{self.url}: {getattr(exc, 'reason', exc)}") from None
        try:
            document = json.loads(body)
        except ValueError:
            raise NodeUnavailable(f"{self.url}: {endpoint} did not answer JSON (is this a Scrapyd node?)") from None
        if not isinstance(document, dict):
            raise NodeUnavailable(f"{self.url}: {endpoint} answered {type(document).__name__}, not an object")
        if document.get("status") != "ok":
            raise NodeRefused(f"{self.url}: {endpoint}: {document.get('message') or document}")
        return document

    def load(self) -> NodeLoad:
        """Jobs running and waiting on the node, for every project (``daemonstatus.json``)."""
        status = self._call("daemonstatus.json")
        return NodeLoad(int(status.get("running", 0)), int(status.get("pending", 0)))

    def jobs(self) -> dict[str, str]:
        """Our project's jobs by id: ``pending``, ``running`` or ``finished`` (which says nothing of success)."""
        listing = self._call("listjobs.json", {"project": PROJECT})
        return {job["id"]: state for state in (FINISHED, RUNNING, PENDING) for job in listing.get(state, [])}

    def has_spider(self) -> bool:
        return SPIDER in self._call("listspiders.json", {"project": PROJECT}).get("spiders", [])

    def schedule(self, job_id: str, arguments: Mapping[str, str], settings: Mapping[str, str]) -> None:
        """Queue the portal spider as ``job_id`` with these spider arguments and Scrapy settings."""
        form = [("project", PROJECT), ("spider", SPIDER), ("jobid", job_id), *arguments.items(),
                *(("setting", f"{name}={value}") for name, value in settings.items())]
        self._call("schedule.json", form=form)

    def cancel(self, job_id: str) -> None:
        """Stop a job the polite way (SIGINT: Scrapy closes the spider and it writes its outcome)."""
        self._call("cancel.json", form=[("project", PROJECT), ("job", job_id)])
