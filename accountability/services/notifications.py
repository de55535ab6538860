"""The inbox and the email outbox: messages are rows first, delivered after commit."""

from __future__ import annotations

import datetime
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import queue, scope
from responsibility.models import User
from responsibility.services import ServiceError

from ..models import (
    Notification,
    OutboxMessage,
)

logger = logging.getLogger(__name__)

OUTBOX_BATCH = 200
OUTBOX_LEASE = datetime.timedelta(minutes=10)  # a crashed sender's claim lapses after this
OUTBOX_MAX_ATTEMPTS = 8


def absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def outbox_add(*, messages: Iterable[tuple[str, str, str]]) -> list[OutboxMessage]:
    """Queue (to, subject, body) emails in the caller's transaction; returns the rows."""
    rows = [
        OutboxMessage(to=to, subject=subject[:200], body=body)
        for to, subject, body in messages
        if to
    ]
    return OutboxMessage.objects.bulk_create(rows) if rows else []


def deliver_after_commit(messages: Sequence[OutboxMessage]) -> None:
    """Ask a worker to send these once the transaction commits; the outbox keeps them if not."""
    if messages:
        from .. import tasks  # tasks import services: imported here to keep one direction

        queue.enqueue_on_commit(tasks.deliver_outbox, [m.pk for m in messages])


def inbox_version_bump(*, user_ids: Iterable[int]) -> None:
    """Move on these people's inbox version, so that every process counts their unread
    messages again (selectors.unread_count)."""
    ids = set(user_ids)
    if ids:
        User.objects.filter(pk__in=ids).update(inbox_version=F("inbox_version") + 1)


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """An in-app message to each person (once), and an email to those with an address."""
    people = list({user.pk: user for user in recipients if user is not None}.values())
    if not people:
        return []
    now = timezone.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(recipient=user, title=title[:200], body=body, url=url, created_at=now)
            for user in people
        ]
    )
    inbox_version_bump(user_ids=[user.pk for user in people])
    if email:
        text = f"{body}\n\n{absolute(url)}" if url else body
        deliver_after_commit(
            outbox_add(messages=[(user.email, f"【责任链】{title}", text) for user in people])
        )
    return notifications


@dataclass(frozen=True)
class Delivery:
    sent: int = 0
    failed: int = 0


def _backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 6 * 60 * 60))


def outbox_deliver(
    *, ids: Iterable[int] | None = None, now: datetime.datetime | None = None, limit: int = 0
) -> Delivery:
    """Send due outbox emails; a fixed number of queries per batch.

    Rows are claimed with a lease before sending, so two workers never send the same row at
    once; a worker that dies mid-send leaves a claim that lapses and the row is sent again
    (at least once, never silently lost). Failures back off exponentially.
    """
    now = now or timezone.now()
    limit = limit or OUTBOX_BATCH
    due = OutboxMessage.objects.filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
        status=OutboxMessage.Status.PENDING,
        next_attempt_at__lte=now,
    )
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    pks = list(due.order_by("pk").values_list("pk", flat=True)[:limit])
    if not pks:
        return Delivery()
    token = uuid.uuid4().hex
    due.filter(pk__in=pks).update(
        claim=token, claimed_until=now + OUTBOX_LEASE, attempts=F("attempts") + 1
    )
    claimed = list(OutboxMessage.objects.filter(claim=token).order_by("pk"))
    if not claimed:
        return Delivery()
    sent: list[int] = []
    failed: list[tuple[OutboxMessage, str]] = []
    connection = get_connection()
    try:
        connection.open()
    except Exception as exc:  # SMTP refused or down: every claimed row waits for its retry
        failed = [(message, f"{type(exc).__name__}: {exc}") for message in claimed]
    else:
        for message in claimed:
            try:
                EmailMessage(
                    message.subject,
                    message.body,
                    settings.DEFAULT_FROM_EMAIL,
                    [message.to],
                    connection=connection,
                ).send()
            except Exception as exc:  # one bad address must not stop the batch
                failed.append((message, f"{type(exc).__name__}: {exc}"))
            else:
                sent.append(message.pk)
        connection.close()
    if sent:
        OutboxMessage.objects.filter(pk__in=sent).update(
            status=OutboxMessage.Status.SENT,
            sent_at=timezone.now(),
            claimed_until=None,
            last_error="",
        )
    for message, error in failed:
        logger.warning("email to %s failed (attempt %s): %s", message.to, message.attempts, error)
        gave_up = message.attempts >= OUTBOX_MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message.pk, claim=token).update(
            status=OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.PENDING,
            next_attempt_at=now + _backoff(message.attempts),
            claimed_until=None,
            last_error=error[:500],
        )
    return Delivery(sent=len(sent), failed=len(failed))


def outbox_flush(*, now: datetime.datetime | None = None, due_only: bool = False) -> Delivery:
    """Deliver every pending email now, batch by batch (`manage.py flush_outbox`).

    Unless `due_only`, emails waiting out a back-off after a failure are tried too: an operator
    who fixed the mail server wants them sent now. The per-row claim in `outbox_deliver` still
    prevents a double send; a failed row's next attempt moves into the future, so the loop ends.
    """
    now = now or timezone.now()
    if not due_only:
        OutboxMessage.objects.filter(
            status=OutboxMessage.Status.PENDING, next_attempt_at__gt=now
        ).update(next_attempt_at=now)
    sent = failed = 0
    while True:
        delivery = outbox_deliver()
        sent += delivery.sent
        failed += delivery.failed
        if delivery.sent + delivery.failed == 0:
            return Delivery(sent=sent, failed=failed)


@transaction.atomic
def notification_read(*, actor: User, notification: Notification) -> Notification:
    """Reading one's own messages is not an audited decision: no audit entry."""
    if not scope.can(actor, "own", notification):
        raise ServiceError(_("只能处理本人的站内信。"))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        ):
            inbox_version_bump(user_ids=[actor.pk])
            actor.inbox_version += 1  # the page this request renders counts afresh too
    return notification


@transaction.atomic
def notifications_read_all(*, actor: User) -> int:
    unread = Notification.objects.filter(read_at__isnull=True)
    read = scope.filter_for(actor, unread, action="own").update(read_at=timezone.now())
    if read:
        inbox_version_bump(user_ids=[actor.pk])
        actor.inbox_version += 1
    return read
