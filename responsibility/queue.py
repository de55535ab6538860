"""Enqueue Celery tasks without ever letting the broker hold a page.

The work itself is always in the database first (the outbox, the reminder sweep's rows); the
task is only a nudge to do it now. So when Redis refuses connections or accepts and never
answers, enqueueing fails within the broker timeouts (settings: CELERY_BROKER_*), is logged,
and the page carries on; the periodic flush picks the work up later. After a failure the
broker is left alone for a short cool-down, so only one request per process pays the timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import partial
from typing import Any

from celery import Task
from django.conf import settings
from django.db import transaction
from kombu import Connection

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_broker_down_until = 0.0


def reset() -> None:
    """Forget a previous broker failure (tests; and after an operator fixed Redis)."""
    global _broker_down_until
    with _lock:
        _broker_down_until = 0.0


def _cooling_down() -> bool:
    with _lock:
        return time.monotonic() < _broker_down_until


def _mark_down() -> None:
    global _broker_down_until
    with _lock:
        _broker_down_until = time.monotonic() + settings.BROKER_COOLDOWN_SECONDS


def _publish_connection(task: Task) -> Connection:
    """A connection whose every socket operation gives up after BROKER_PUBLISH_TIMEOUT: the
    worker's own connections keep the longer timeouts of CELERY_BROKER_TRANSPORT_OPTIONS."""
    timeout = settings.BROKER_PUBLISH_TIMEOUT
    options = {
        **(task.app.conf.broker_transport_options or {}),
        "socket_timeout": timeout,
        "socket_connect_timeout": timeout,
    }
    return task.app.connection_for_write(transport_options=options, connect_timeout=timeout)


def enqueue(task: Task, *args: Any) -> bool:
    """Send `task(*args)` to the broker; False (logged, never raised) if that is not possible."""
    eager = bool(task.app.conf.task_always_eager)
    if not eager and _cooling_down():
        logger.info("broker cooling down: %s left in the outbox", task.name)
        return False
    try:
        if eager:
            task.apply_async(args=args)
        else:
            with _publish_connection(task) as connection:
                # No publish retries: a retry would multiply the time the page waits.
                task.apply_async(args=args, retry=False, connection=connection)
    except Exception:  # kombu, redis and socket errors vary; none may reach the page
        if not eager:
            _mark_down()
        logger.warning("could not enqueue %s; the outbox keeps the work", task.name, exc_info=True)
        return False
    return True


def enqueue_on_commit(task: Task, *args: Any) -> None:
    """Enqueue after the current transaction commits, so a worker never sees missing rows."""
    transaction.on_commit(partial(enqueue, task, *args))
