"""Notifiers: a webhook and an SMTP server on 127.0.0.1 get each new event once; a failed send is retried."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from collector.service.config import EmailConfig, WebhookConfig
from collector.service.events import BECAME_LATE, PORTAL_UNREACHABLE
from collector.service.notify import Email, Webhook, deliver
from service_support import smtp_receiver, webhook_receiver
from storage.db import Database
from storage.events import add_events
from storage.models import Agency

NIGHT = datetime(2025, 4, 2, 2, tzinfo=UTC)


@pytest.fixture
def events(db: Database) -> Database:
    """Two events of one night, about one agency."""
    with db.session() as session, session.begin():
        session.add(Agency(id="hubei-gat-9", name="湖北省公安厅", kind="department", level="province", portal="http://x/",
                           synced_at=NIGHT))
    with db.engine.begin() as connection:
        add_events(connection, [
            {"kind": BECAME_LATE, "agency_id": "hubei-gat-9", "year": 2024, "occurred_at": NIGHT, "crawl_run_id": None,
             "detail": {"status": "late", "previous_status": "missing", "published_at": "2025-03-30", "days_late": 58,
                        "deadline": "2025-01-31"}},
            {"kind": PORTAL_UNREACHABLE, "agency_id": "hubei-gat-9", "year": None, "occurred_at": NIGHT,
             "crawl_run_id": None, "detail": {"status": "unreachable", "nights": 3, "reason": "connection refused"}}])
    return db


def test_the_webhook_gets_each_event_once_and_failures_are_retried(events: Database) -> None:
    with webhook_receiver() as receiver:
        webhook = Webhook(WebhookConfig(receiver.url, timeout=timedelta(seconds=5)))
        receiver.status = 500
        assert deliver(events, [webhook], NIGHT) == {}  # the endpoint is down: nothing counts as sent
        receiver.status = 200
        assert deliver(events, [webhook], NIGHT + timedelta(days=1)) == {"webhook": 2}
        assert deliver(events, [webhook], NIGHT + timedelta(days=2)) == {}  # already delivered: only on change
    [post] = receiver.received
    assert post["content_type"] == "application/json; charset=utf-8"
    body = post["body"]
    assert body["source"] == "gov-report-collector"
    late, unreachable = body["events"]
    assert late["kind"] == BECAME_LATE and late["agency"] == "湖北省公安厅" and late["year"] == 2024
    assert late["summary"] == "late: published 2025-03-30, 58 days after the deadline 2025-01-31"
    assert late["detail"]["days_late"] == 58 and late["occurred_at"].startswith("2025-04-02T02:00:00")
    assert unreachable["summary"] == "portal unreachable 3 crawls in a row: connection refused"


def test_email_goes_through_smtp(events: Database) -> None:
    with smtp_receiver() as receiver:
        email = Email(EmailConfig(host="127.0.0.1", port=receiver.port, sender="collector@example.org",
                                  recipients=("a@example.org", "b@example.org"), timeout=timedelta(seconds=5)))
        assert deliver(events, [email], NIGHT) == {"email": 2}
        assert deliver(events, [email], NIGHT) == {}
    [message] = receiver.messages
    assert receiver.recipients == [["a@example.org", "b@example.org"]]
    assert message["Subject"] == "[collector] 2 changes in report compliance"
    body = message.get_content()
    assert "湖北省公安厅 (hubei-gat-9) 2024: late: published 2025-03-30" in body
    assert "湖北省公安厅 (hubei-gat-9): portal unreachable 3 crawls in a row" in body


def test_each_notifier_keeps_its_own_account(events: Database) -> None:
    with webhook_receiver() as hook, smtp_receiver() as smtp:
        webhook = Webhook(WebhookConfig(hook.url))
        email = Email(EmailConfig(host="127.0.0.1", port=smtp.port, sender="c@example.org",
                                  recipients=("d@example.org",)))
        hook.status = 503
        assert deliver(events, [webhook, email], NIGHT) == {"email": 2}
        hook.status = 200
        assert deliver(events, [webhook, email], NIGHT) == {"webhook": 2}  # the mail is not sent twice
    assert len(smtp.messages) == 1 and len(hook.received) == 1


def test_old_events_are_not_sent_to_a_new_notifier(events: Database) -> None:
    with webhook_receiver() as receiver:
        assert deliver(events, [Webhook(WebhookConfig(receiver.url))], NIGHT + timedelta(days=30)) == {}
    assert receiver.received == []
