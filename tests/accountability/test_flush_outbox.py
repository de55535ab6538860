"""`manage.py flush_outbox`: deliver what is pending now, and say how it went."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accountability.models import OutboxMessage

pytestmark = pytest.mark.django_db


def queued(to: str, **fields) -> OutboxMessage:
    return OutboxMessage.objects.create(to=to, subject="【责任链】提醒", body="请处理。", **fields)


def flush(*args: str) -> str:
    out = io.StringIO()
    call_command("flush_outbox", *args, stdout=out)
    return out.getvalue()


def test_it_delivers_every_pending_email_and_counts_them(monkeypatch) -> None:
    monkeypatch.setattr("accountability.services.notifications.OUTBOX_BATCH", 2)  # 3 batches
    later = timezone.now() + datetime.timedelta(hours=2)
    for n in range(4):
        queued(f"p{n}@example.gov.cn")
    backing_off = queued("retry@example.gov.cn", attempts=1, next_attempt_at=later)
    queued("done@example.gov.cn", status="sent", sent_at=timezone.now())
    assert "sent 5, failed 0, still pending 0" in flush()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [*(f"p{n}@example.gov.cn" for n in range(4)), "retry@example.gov.cn"]
    )
    backing_off.refresh_from_db()
    assert backing_off.status == "sent"
    assert "sent 0, failed 0, still pending 0" in flush()  # nothing is sent twice
    assert len(mail.outbox) == 5


def test_due_only_leaves_the_backing_off_emails() -> None:
    queued("now@example.gov.cn")
    queued("later@example.gov.cn", next_attempt_at=timezone.now() + datetime.timedelta(hours=2))
    assert "sent 1, failed 0, still pending 1" in flush("--due-only")


def test_it_counts_failures_and_leaves_them_pending(monkeypatch) -> None:
    def refuse(self) -> None:
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.open", refuse)
    first, second = queued("a@example.gov.cn"), queued("b@example.gov.cn")
    assert "sent 0, failed 2, still pending 2" in flush()
    for message in (first, second):
        message.refresh_from_db()
        assert (message.status, message.attempts) == ("pending", 1)
        assert "smtp down" in message.last_error
