"""One agency's site as of one day: the URLs it answers and how, built lazily from its plan.

Families register static resources (a page whose bytes are made on first request) and endpoints
(a path whose answer depends on the query or a POSTed form). Every resource is also what the
manifest lists, so the two can never disagree about which URLs exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from collector.sample.portal.plan import Item
from collector.sample.portal.protocol import Request, Response

#: Resource kinds, for the manifest: what a crawler meets at a URL.
KINDS = ("home", "nav", "column", "list", "api", "report", "attachment", "image", "viewer", "distractor",
         "robots", "trap", "moved", "gone")


@dataclass(frozen=True, slots=True)
class Resource:
    """One request a site answers: method, target (path and query) and, for POSTs, the form."""

    kind: str
    target: str
    method: str = "GET"
    form: tuple[tuple[str, str], ...] | None = None
    item: Item | None = None
    media: str = "text/html"

    @property
    def body(self) -> str | None:
        return urlencode(self.form) if self.form is not None else None


Endpoint = Callable[[Request], Response | None]


class Site:
    """The routing table of one site; answers are built on demand."""

    def __init__(self) -> None:
        self.resources: list[Resource] = []
        self._static: dict[str, Callable[[], Response]] = {}
        self._endpoints: dict[str, Endpoint] = {}
        self.gone: dict[str, Item] = {}  # documents taken down (the farm answers 404 or a refresh)

    def add(self, resource: Resource, render: Callable[[], Response]) -> None:
        """A GET resource whose answer does not depend on the request."""
        self.resources.append(resource)
        self._static[resource.target] = render

    def add_endpoint(self, path: str, endpoint: Endpoint, examples: Iterable[Resource]) -> None:
        """A path answered by ``endpoint``; ``examples`` are the requests a crawler should make to it."""
        self._endpoints[path] = endpoint
        self.resources.extend(examples)

    def expect(self, resource: Resource) -> None:
        """A request a crawler should make to an endpoint (registered with ``add_endpoint``)."""
        self.resources.append(resource)

    def dispatch(self, request: Request) -> Response | None:
        """The site's answer, or None when it has nothing at this target."""
        path = request.path
        endpoint = self._endpoints.get(path)
        if endpoint is not None:
            response = endpoint(request)
            if response is not None:
                return response
        if request.method not in ("GET", "HEAD"):
            return None
        render = self._static.get(f"{path}?{request.query_string}") or self._static.get(path)
        return render() if render is not None else None

    def has(self, target: str) -> bool:
        return target in self._static or target in self._endpoints
