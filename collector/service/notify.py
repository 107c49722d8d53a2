"""Send new events to people: a webhook (POST of JSON) and e-mail (SMTP), one message per notifier per run.

Events exist only for changes (and portal failures only once their threshold is reached), so
sending every event once is "only on change". Each event remembers the notifiers that delivered
it: a notifier that fails (server down, timeout) sends the events again next time, one that worked
never repeats them. Only recent events are retried, so a notifier configured today does not send
the whole history.
"""

from __future__ import annotations

import json
import logging
import os
import smtplib
import urllib.request
from collections.abc import Sequence
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, Protocol

from collector.service.config import EmailConfig, ServiceConfig, WebhookConfig
from collector.service.events import describe
from collector.service.logs import log
from storage.db import Database
from storage.events import StoredEvent, list_events, mark_delivered

#: Events older than this are no longer (re)sent.
RETRY_WINDOW = timedelta(days=7)
SOURCE = "gov-report-collector"


class Notifier(Protocol):
    name: str

    def send(self, events: Sequence[StoredEvent]) -> None:
        """Deliver the events or raise ``OSError`` (``URLError``, ``SMTPException`` and timeouts are ones)."""


def as_json(event: StoredEvent) -> dict[str, Any]:
    return {"id": event.id, "kind": event.kind, "agency_id": event.agency_id, "agency": event.agency,
            "year": event.year, "occurred_at": event.occurred_at.isoformat(), "crawl_run_id": event.crawl_run_id,
            "summary": describe(event.kind, event.detail), "detail": event.detail}


def one_line(event: StoredEvent) -> str:
    year = f" {event.year}" if event.year is not None else ""
    return f"{event.agency} ({event.agency_id}){year}: {describe(event.kind, event.detail)}"


class Webhook:
    name = "webhook"

    def __init__(self, config: WebhookConfig) -> None:
        self.config = config

    def send(self, events: Sequence[StoredEvent]) -> None:
        body = json.dumps({"source": SOURCE, "events": [as_json(event) for event in events]},
                          ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.config.url, data=body, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8",
                                                  "User-Agent": SOURCE})
        with urllib.request.urlopen(request, timeout=self.config.timeout.total_seconds()) as response:
            response.read()  # urlopen raises HTTPError (an OSError) for 4xx and 5xx


class Email:
    name = "email"

    def __init__(self, config: EmailConfig) -> None:
        self.config = config

    def send(self, events: Sequence[StoredEvent]) -> None:
        message = EmailMessage()
        message["From"] = self.config.sender
        message["To"] = ", ".join(self.config.recipients)
        message["Subject"] = f"[collector] {len(events)} change{'s' if len(events) != 1 else ''} in report compliance"
        message.set_content("\n".join(f"{event.occurred_at:%Y-%m-%d %H:%M} {one_line(event)}" for event in events)
                            + "\n")
        config = self.config
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout.total_seconds()) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, os.environ.get(config.password_env or "", ""))
            smtp.send_message(message)


def configured_notifiers(config: ServiceConfig) -> list[Notifier]:
    return [*([Webhook(config.webhook)] if config.webhook else []), *([Email(config.email)] if config.email else [])]


def deliver(database: Database, notifiers: Sequence[Notifier], now: datetime) -> dict[str, int]:
    """Send each notifier the recent events it has not delivered yet; returns how many each sent."""
    recent = list_events(database, since=now - RETRY_WINDOW) if notifiers else []
    sent = {}
    for notifier in notifiers:
        pending = [event for event in recent if notifier.name not in event.delivered_to]
        if not pending:
            continue
        try:
            notifier.send(pending)
        except OSError as exc:
            log("notify.failed", logging.WARNING, notifier=notifier.name, events=len(pending), error=str(exc))
            continue
        mark_delivered(database, pending, notifier.name)
        log("notify.sent", notifier=notifier.name, events=len(pending))
        sent[notifier.name] = len(pending)
    return sent
