"""Health checks, without login.

- `/healthz` answers the load balancer: can this web process serve (the database, and Redis
  when configured)? 200 or 503.
- `/healthz/full` answers monitoring: is the background path working too? A worker answers a
  ping, beat's heartbeat (responsibility.tasks.heartbeat) is fresh, and no registered backlog
  (the email outbox, registered by accountability) holds work due for longer than it should.

The public answer is only `{"status": "ok"|"error"}`; the details (database vendor, Redis,
workers) go to signed-in staff and to requests from this host (see `_shows_details`).
Every check is bounded by the wall clock, so both answer in well under 1.5 s with Redis
refused or hung: the Redis ping by its socket timeouts, the Celery ping by a thread, and the
checks that need Redis are skipped when the ping failed.

Higher apps add checks to `/healthz/full` with `register` from their AppConfig.ready (the
dependency direction is responsibility ← assessment ← accountability: this module never imports
them), the same pattern as assessment.exports.EXTRA_SHEETS.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Min, QuerySet
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from config.celery import app as celery_app

from . import scope

TIMEOUT = 0.5
CELERY_PING_BUDGET = 0.8  # seconds for the whole Celery check, whatever the broker does
LOOPBACK = {"127.0.0.1", "::1"}
PASSING = {"ok", "eager", "not_configured"}  # states of a /healthz/full check that pass

State = dict[str, Any]
# Extra checks of /healthz/full, by name: each returns a state whose "status" is "ok" or
# "error". Registered by higher apps in their AppConfig.ready.
FULL_CHECKS: dict[str, Callable[[], State]] = {}


def register(name: str, check: Callable[[], State]) -> None:
    FULL_CHECKS[name] = check


def check_database() -> State:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        return {"status": "error", "detail": type(exc).__name__}
    return {"status": "ok", "vendor": connection.vendor}


def check_redis() -> State:
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


def check_celery(redis_state: State) -> State:
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


def check_heartbeat(redis_state: State) -> State:
    """Beat → broker → worker → cache: the last heartbeat must be under 3 periods old."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return {"status": "eager", "detail": "no beat without a broker"}
    if redis_state["status"] != "ok":
        # Already an error; reading the cache would only spend its socket timeout again.
        return {"status": "error", "detail": "redis unavailable"}
    from .tasks import HEARTBEAT_KEY

    beaten = cache.get(HEARTBEAT_KEY)  # a cache error reads as None (IGNORE_EXCEPTIONS)
    if beaten is None:
        return {"status": "error", "detail": "missing"}
    age = time.time() - float(beaten)
    if age > 3 * settings.HEARTBEAT_SECONDS:
        return {"status": "error", "detail": "stale", "age_seconds": round(age)}
    return {"status": "ok", "age_seconds": round(age)}


def backlog_check(
    rows: Callable[[], QuerySet[Any]], field: str, max_age: Callable[[], float]
) -> Callable[[], State]:
    """A check that fails when the oldest of `rows()` has had `field` in the past for longer
    than `max_age()` seconds: work that is due and that no periodic run picked up."""

    def check() -> State:
        try:
            oldest = rows().aggregate(oldest=Min(field))["oldest"]
        except Exception as exc:  # the database check reports the cause
            return {"status": "error", "detail": type(exc).__name__}
        if oldest is None:
            return {"status": "ok", "age_seconds": 0}
        age = max((timezone.now() - oldest).total_seconds(), 0)
        limit = datetime.timedelta(seconds=max_age()).total_seconds()
        return {"status": "error" if age > limit else "ok", "age_seconds": round(age)}

    return check


def _shows_details(request: HttpRequest) -> bool:
    """Signed-in staff, or a request from this host that no proxy forwarded (a monitoring
    agent calling gunicorn directly). Behind nginx on the same host every request's
    REMOTE_ADDR is loopback, so a forwarded request (nginx adds X-Forwarded-For) is public."""
    if scope.sees_operations(getattr(request, "user", None)):
        return True
    forwarded = "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_X_REAL_IP" in request.META
    return request.META.get("REMOTE_ADDR") in LOOPBACK and not forwarded


def _answer(request: HttpRequest, healthy: bool, details: dict[str, State]) -> JsonResponse:
    body: dict[str, Any] = {"status": "ok" if healthy else "error"}
    if _shows_details(request):
        body.update(details)
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer: can this process serve? The Celery ping only for the details."""
    database = check_database()
    redis_state = check_redis()
    healthy = database["status"] == "ok" and redis_state["status"] != "error"
    details = {"database": database, "redis": redis_state}
    if _shows_details(request):
        details["celery"] = check_celery(redis_state)
    return _answer(request, healthy, details)


@never_cache
def healthz_full(request: HttpRequest) -> JsonResponse:
    """For monitoring: `healthz` plus the background path (workers, beat, backlogs)."""
    redis_state = check_redis()
    details = {
        "database": check_database(),
        "redis": redis_state,
        "celery": check_celery(redis_state),
        "heartbeat": check_heartbeat(redis_state),
    }
    if details["database"]["status"] == "ok":
        details.update({name: check() for name, check in FULL_CHECKS.items()})
    else:
        details.update({name: {"status": "error", "detail": "database"} for name in FULL_CHECKS})
    healthy = all(state["status"] in PASSING for state in details.values())
    return _answer(request, healthy, details)
