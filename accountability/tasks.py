"""Celery tasks: thin wrappers that call one function each. The work is in the database first,
so a task that is lost or fails is redone by the next periodic run."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.db import DatabaseError

from . import reminders, services

# Late acknowledgement: a worker that dies mid-task leaves the message for another worker; the
# functions below are idempotent (digest claims, outbox leases), so running twice is harmless.
TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "ignore_result": True,  # a result backend on a hung Redis would block the caller
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(**TASK_OPTIONS)
def deliver_outbox(message_ids: list[int]) -> int:
    """Send the emails a request just queued (the periodic flush sends them otherwise)."""
    return services.outbox_deliver(ids=message_ids).sent


@shared_task(**TASK_OPTIONS)
def flush_outbox() -> int:
    """Periodic: retry every due email, including those whose enqueue failed."""
    return reminders.flush_outbox()


@shared_task(**TASK_OPTIONS)
def send_reminders(date: str | None = None) -> dict[str, int]:
    """The daily reminder sweep (beat entry "send-reminders")."""
    today = datetime.date.fromisoformat(date) if date else None
    result = reminders.run(today)
    return {
        "items": result.items,
        "recipients": result.recipients,
        "digests": result.digests,
        "emails": result.emails,
        "delivered": result.delivered,
    }
