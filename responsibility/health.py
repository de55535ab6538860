"""/healthz for monitoring: database, Redis and Celery state as JSON, without login."""

from __future__ import annotations

import threading
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app

TIMEOUT = 0.5
CELERY_PING_BUDGET = 0.8  # seconds for the whole Celery check, whatever the broker does


def check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return {"status": "error", "detail": type(exc).__name__}
    return {"status": "ok", "vendor": connection.vendor}


def check_redis() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"status": "not_configured"}
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT
        )
        client.ping()
    except redis.RedisError as exc:
        return {"status": "error", "detail": type(exc).__name__}
    return {"status": "ok"}


def check_celery(redis_state: dict[str, Any]) -> dict[str, Any]:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "eager", "detail": "tasks run in-process"}
    if redis_state["status"] != "ok":
        return {"status": "error", "detail": "broker unavailable"}
    outcome: dict[str, Any] = {}

    def ping() -> None:
        try:
            outcome["replies"] = celery_app.control.ping(timeout=TIMEOUT)
        except Exception as exc:  # kombu raises several transport errors
            outcome["error"] = type(exc).__name__

    # The ping's own timeout covers waiting for replies, not a broker that accepts and never
    # answers (connect, publish, reconnect retries): bound the whole call by the wall clock.
    thread = threading.Thread(target=ping, name="healthz-celery-ping", daemon=True)
    thread.start()
    thread.join(CELERY_PING_BUDGET)
    if thread.is_alive():
        return {"status": "error", "detail": "timeout"}
    if "error" in outcome:
        return {"status": "error", "detail": outcome["error"]}
    replies = outcome.get("replies")
    if not replies:
        return {"status": "no_workers"}
    return {"status": "ok", "workers": len(replies)}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = check_database()
    redis_state = check_redis()
    celery_state = check_celery(redis_state)
    healthy = database["status"] == "ok" and redis_state["status"] != "error"
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": database,
            "redis": redis_state,
            "celery": celery_state,
        },
        status=200 if healthy else 503,
    )
