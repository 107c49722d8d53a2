"""A small HTTP/1.1 server protocol on asyncio: the farm needs byte-level control, not a framework.

Faults need things frameworks hide: raw (non-Latin-1) header bytes, connection resets, responses
that never come, status codes like 521. Requests are handled one at a time per connection with
keep-alive; that is all a crawler and a benchmark client need, and it keeps one core fast.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qsl

_log = logging.getLogger(__name__)

MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024
_TLS_HANDSHAKE = 0x16  # first byte of a TLS ClientHello: this server speaks plain HTTP only

_REASONS = {status.value: status.phrase for status in HTTPStatus}
_REASONS.update({521: "Web Server Is Down"})


@dataclass(slots=True)
class Request:
    """One parsed request. ``host`` is the Host header without its port, lowercased."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def host(self) -> str:
        return self.headers.get("host", "").rsplit(":", 1)[0].strip().lower().rstrip(".")

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0].split("#", 1)[0] or "/"

    @property
    def query_string(self) -> str:
        return self.target.partition("?")[2].split("#", 1)[0]

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(self.query_string, keep_blank_values=True))

    def form(self) -> dict[str, str]:
        """Query parameters overlaid with an urlencoded POST body (how the real list APIs read them)."""
        fields = self.query
        fields.update(parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True))
        return fields

    def cookie(self, name: str) -> str | None:
        for part in self.headers.get("cookie", "").split(";"):
            key, _, value = part.strip().partition("=")
            if key == name:
                return value
        return None


@dataclass(slots=True)
class Response:
    """What to send. ``delay`` postpones it (slow hosts); ``reset`` drops the connection instead."""

    status: int = 200
    body: bytes = b""
    headers: list[tuple[str, str | bytes]] = field(default_factory=list)
    delay: float = 0.0
    reset: bool = False

    def serialize(self, *, head_only: bool, keep_alive: bool) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {_REASONS.get(self.status, 'Unknown')}".encode("ascii")]
        for name, value in self.headers:
            lines.append(name.encode("ascii") + b": " + (value if isinstance(value, bytes) else value.encode("latin-1")))
        lines.append(b"Content-Length: %d" % len(self.body))
        lines.append(b"Connection: keep-alive" if keep_alive else b"Connection: close")
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        return head if head_only else head + self.body


Handler = Callable[[Request], Response]


class HttpProtocol(asyncio.Protocol):
    """Parses requests off one connection and writes the handler's responses in order."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._waiting: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        if self._waiting is not None:
            self._waiting.cancel()
        self._transport = None

    def abort(self) -> None:
        """Drop the connection now (server shutdown)."""
        if self._transport is not None:
            self._transport.abort()

    def data_received(self, data: bytes) -> None:
        if not self._buffer and data[:1] == bytes([_TLS_HANDSHAKE]):
            self._transport.close()  # type: ignore[union-attr]
            return
        self._buffer += data
        if self._waiting is None:
            self._drain()

    def _drain(self) -> None:
        """Answer every complete request in the buffer, pausing while a delayed answer is pending."""
        while self._transport is not None and self._waiting is None:
            parsed = self._parse()
            if parsed is None:
                return
            request, keep_alive = parsed
            try:
                response = self._handler(request)
            except Exception:  # a generator bug must not kill the connection loop silently
                response = Response(500, b"internal error", [("Content-Type", "text/plain")])
                keep_alive = False
                _log.exception("handler failed for %s %s", request.method, request.target)
            if response.delay > 0:
                loop = asyncio.get_running_loop()
                self._waiting = loop.call_later(response.delay, self._send_later, request, response, keep_alive)
                return
            self._send(request, response, keep_alive)

    def _send_later(self, request: Request, response: Response, keep_alive: bool) -> None:
        self._waiting = None
        self._send(request, response, keep_alive)
        self._drain()

    def _send(self, request: Request, response: Response, keep_alive: bool) -> None:
        transport = self._transport
        if transport is None:
            return
        if response.reset:
            sock = transport.get_extra_info("socket")
            if sock is not None:  # SO_LINGER 0 turns the close into a TCP RST, as a dying server does
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
            self._transport = None
            return
        transport.write(response.serialize(head_only=request.method == "HEAD", keep_alive=keep_alive))
        if not keep_alive:
            transport.close()
            self._transport = None

    def _parse(self) -> tuple[Request, bool] | None:
        """Take one complete request off the buffer, or return None when more bytes are needed."""
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEAD:
                self._fail(431)
            return None
        head = bytes(self._buffer[:end]).decode("latin-1")
        request_line, *header_lines = head.split("\r\n")
        parts = request_line.split()
        if len(parts) != 3:
            self._fail(400)
            return None
        method, target, version = parts
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        declared = headers.get("content-length", "0") or "0"
        if not declared.isdigit():
            self._fail(400)
            return None
        length = int(declared)
        if length > MAX_BODY:
            self._fail(413)
            return None
        if len(self._buffer) < end + 4 + length:
            return None
        body = bytes(self._buffer[end + 4 : end + 4 + length])
        del self._buffer[: end + 4 + length]
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
        return Request(method.upper(), target, headers, body), keep_alive

    def _fail(self, status: int) -> None:
        if self._transport is not None:
            self._transport.write(Response(status, b"").serialize(head_only=False, keep_alive=False))
            self._transport.close()
            self._transport = None
