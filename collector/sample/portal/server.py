"""``SamplePortal``: a farm served on 127.0.0.1 from a background thread, for tests, benchmarks and the CLI.

One event loop on one thread answers every host; the Host header picks the agency. The server only
ever binds the loopback address. Start it, point a client (or Scrapy with
``collector.sample.resolver.SampleResolver``) at ``http://<agency>.sample.test:<port>/``, stop it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from collector.sample.portal import manifest
from collector.sample.portal.config import DEFAULT_AS_OF, FarmConfig
from collector.sample.portal.farm import Farm
from collector.sample.portal.protocol import HttpProtocol

HOST = "127.0.0.1"
T = TypeVar("T")


class SamplePortal:
    """A seeded farm of government portals on one loopback port.

    ``options`` are further :class:`FarmConfig` fields (``overrides``, ``fault_rate``,
    ``slow_seconds``, ``first_year``, ``last_year``, ``domain``).
    """

    def __init__(self, agencies: int = 100, seed: int | str = 0, as_of: date = DEFAULT_AS_OF, *, port: int = 0,
                 **options: Any) -> None:
        self.farm = Farm(FarmConfig(agencies=agencies, seed=seed, as_of=as_of, **options))
        self._requested_port = port
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[HttpProtocol] = set()
        self._failure: BaseException | None = None

    @property
    def config(self) -> FarmConfig:
        return self.farm.config

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> int:
        """Bind 127.0.0.1 (a free port unless one was given), serve in the background, return the port."""
        if self._thread is not None:
            raise RuntimeError("the sample portal is already running")
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="sample-portal", daemon=True)
        self._thread.start()
        ready.wait()
        if self._failure is not None:
            self._thread.join()
            self._thread = None
            raise self._failure
        assert self.port is not None
        return self.port

    def stop(self) -> None:
        """Close every connection and the listening socket; returns when the thread has ended."""
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._thread = None

    def __enter__(self) -> SamplePortal:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop

        def protocol() -> HttpProtocol:
            return _TrackedProtocol(self.farm.handle, self._connections)

        try:
            server = loop.run_until_complete(loop.create_server(protocol, HOST, self._requested_port, reuse_address=True))
        except OSError as exc:
            self._failure = exc
            loop.close()
            ready.set()
            return
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            for connection in list(self._connections):
                connection.abort()
            loop.run_until_complete(server.wait_closed())
            loop.close()
            self._loop = None

    def _in_loop(self, call: Callable[[], T]) -> T:
        """Run ``call`` on the server's thread (the farm's caches are only touched from there)."""
        if self._loop is None:
            return call()

        async def run() -> T:
            return call()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result()

    # --- the farm's clock and faults -----------------------------------------------------------

    @property
    def as_of(self) -> date:
        return self.farm.config.as_of

    @as_of.setter
    def as_of(self, day: date) -> None:
        """Serve the farm as it is on ``day`` from the next request on."""
        self._in_loop(lambda: self.farm.set_as_of(day))

    def reset_faults(self) -> None:
        """Forget which first requests already failed, so first-request faults fire again."""
        self._in_loop(self.farm.fault_state.reset)

    # --- addresses, manifest, registry ---------------------------------------------------------

    def _port(self) -> int:
        port = self.port or self._requested_port
        if not port:
            raise RuntimeError("start the portal (or give a port) before asking for URLs")
        return port

    def url_for(self, agency: int | str, path: str = "/") -> str:
        """``http://<host>:<port><path>`` of an agency given by index or id."""
        index = agency if isinstance(agency, int) else int(agency.rsplit("-", 1)[-1])
        return f"http://{self.farm.roster[index].host}:{self._port()}{path}"

    def manifest(self) -> Iterator[dict]:
        """Ground-truth rows (see ``collector.sample.portal.manifest``), from a private copy of the farm."""
        return manifest.rows(Farm(self.farm.config), self._port())

    def write_manifest(self, path: str | Path) -> int:
        return manifest.write_manifest(Farm(self.farm.config), self._port(), Path(path))

    def write_registry(self, path: str | Path) -> int:
        return manifest.write_registry(Farm(self.farm.config), self._port(), Path(path))


class _TrackedProtocol(HttpProtocol):
    """Keeps the set of open connections current so ``stop`` can close them."""

    def __init__(self, handler: Callable, connections: set[HttpProtocol]) -> None:
        super().__init__(handler)
        self._connections = connections

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        self._connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._connections.discard(self)
