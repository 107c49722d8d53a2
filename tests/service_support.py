"""Service test helpers: config files, a fake crawl command, and webhook and SMTP receivers on 127.0.0.1.

The fake crawl stands in for ``collector crawl`` where a test is about the scheduler rather than the
crawl: it records how it was called, can exit with a chosen code, and can hang until it is
signalled (to test time limits and SIGTERM). The receivers keep what they got for the test to read.
"""

from __future__ import annotations

import email
import email.policy
import json
import socketserver
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

LOOPBACK = "127.0.0.1"
COLLECTOR = Path(sys.executable).with_name("collector")

#: The crawl's politeness shrunk for tests (the farm is on this machine).
FAST_CRAWL = {"TWISTED_DNS_RESOLVER": "collector.sample.resolver.SampleResolver", "DOWNLOAD_DELAY": "0",
              "AUTOTHROTTLE_ENABLED": "False", "RETRY_BACKOFF_BASE": "0.05", "RETRY_AFTER_MAX": "0.2",
              "LOG_LEVEL": "WARNING"}

FAKE_CRAWL = '''\
"""A stand-in for `collector crawl`: appends its arguments to $FAKE_CRAWL_RECORD, then behaves as told."""
import json, os, signal, sys, threading
with open(os.environ["FAKE_CRAWL_RECORD"], "a") as record:
    record.write(json.dumps({"argv": sys.argv[1:], "db": os.environ.get("COLLECTOR_DB_URL")}) + "\\n")
if os.environ.get("FAKE_CRAWL_HANG"):
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print("fake crawl waiting for SIGTERM", flush=True)
    stopped.wait()
    print("fake crawl stopped by SIGTERM", flush=True)
    sys.exit(int(os.environ.get("FAKE_CRAWL_STOP_EXIT", "0")))
print("fake crawl done", flush=True)
sys.exit(int(os.environ.get("FAKE_CRAWL_EXIT", "0")))
'''


def write_config(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def fake_crawl_command(directory: Path) -> list[str]:
    script = directory / "fake_crawl.py"
    script.write_text(FAKE_CRAWL, encoding="utf-8")
    return [sys.executable, str(script)]


def recorded_calls(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []


# --- webhook -----------------------------------------------------------------------------------------------------

@dataclass
class WebhookReceiver:
    """Keeps every JSON body POSTed to it; answers ``status`` (set it to 500 to play a broken endpoint)."""

    url: str = ""
    status: int = 200
    received: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if receiver.status == 200:
                receiver.received.append({"content_type": self.headers["Content-Type"], "body": json.loads(body)})
            self.send_response(receiver.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    receiver.url = f"http://{LOOPBACK}:{server.server_address[1]}/hook"
    with _serving(server):
        yield receiver


# --- SMTP --------------------------------------------------------------------------------------------------------

@dataclass
class SmtpReceiver:
    """The messages a minimal SMTP server (EHLO, MAIL, RCPT, DATA, QUIT) accepted."""

    port: int = 0
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    recipients: list[list[str]] = field(default_factory=list)


@contextmanager
def smtp_receiver() -> Iterator[SmtpReceiver]:
    receiver = SmtpReceiver()

    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(line.encode("ascii") + b"\r\n")

        def data_lines(self) -> Iterator[bytes]:
            while (line := self.rfile.readline()) not in (b".\r\n", b""):
                yield line

        def handle(self) -> None:
            self.reply("220 localhost test SMTP")
            recipients: list[str] = []
            while line := self.rfile.readline():
                command = line.decode("ascii", "replace").strip()
                verb = command.split(" ", 1)[0].upper()
                if verb == "EHLO":
                    self.reply("250-localhost")
                    self.reply("250 8BITMIME")
                elif verb == "RCPT":
                    recipients.append(command.split(":", 1)[1].strip(" <>"))
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 end with <CRLF>.<CRLF>")
                    data = b"".join(self.data_lines())
                    receiver.messages.append(email.message_from_bytes(data, policy=email.policy.default))
                    receiver.recipients.append(recipients)
                    self.reply("250 OK")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:  # HELO, MAIL, RSET, NOOP
                    self.reply("250 OK")

    server = socketserver.ThreadingTCPServer((LOOPBACK, 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    with _serving(server):
        yield receiver


@contextmanager
def _serving(server: socketserver.BaseServer) -> Iterator[None]:
    """Serve on a thread while the block runs, then shut the server down and wait for the thread."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
