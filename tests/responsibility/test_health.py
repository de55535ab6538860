"""/healthz (the load balancer's question) and /healthz/full (monitoring's): what each says to
whom, when each fails, and that both answer quickly with Redis refused or hung."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from accountability.models import OutboxMessage
from config.celery import app as celery_app
from responsibility import health, queue
from responsibility.tasks import HEARTBEAT_KEY
from tests.accountability.test_resilience import HungRedis, closed_port
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BUDGET = 1.5  # seconds either check may take, whatever Redis does
OUTSIDE = {"REMOTE_ADDR": "10.0.0.8"}  # a client elsewhere on the network
PONG = [{"celery@worker": {"ok": "pong"}}]


def timed(call):
    start = time.monotonic()
    result = call()
    return time.monotonic() - start, result


@pytest.fixture
def eager(settings) -> None:
    settings.REDIS_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def with_broker(settings, monkeypatch) -> None:
    """A configured Redis that answers and a worker that answers the ping; the heartbeat is
    fresh. Each test then breaks one thing."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(health, "check_redis", lambda: {"status": "ok"})
    monkeypatch.setattr(celery_app.control, "ping", lambda timeout: PONG)
    cache.set(HEARTBEAT_KEY, time.time())
    yield
    cache.delete(HEARTBEAT_KEY)


@pytest.fixture
def redis_at(settings) -> Iterator:
    """Point the settings and the Celery app at a Redis URL for one test."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "result_backend")}

    def point(url: str) -> None:
        settings.REDIS_URL = url
        settings.CELERY_BROKER_URL = url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        celery_app.conf.broker_url = url
        celery_app.conf.result_backend = url
        queue.reset()

    yield point
    for key, value in saved.items():
        celery_app.conf[key] = value
    queue.reset()


# --- who sees what ---------------------------------------------------------------------------


@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize("url_name", ["healthz", "healthz_full"])
def test_the_public_answer_is_only_ok(client, url_name: str) -> None:
    response = client.get(reverse(url_name), **OUTSIDE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    # Forwarded by the proxy on this host: REMOTE_ADDR is loopback, the client is not.
    forwarded = client.get(reverse(url_name), HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forwarded.json() == {"status": "ok"}


@pytest.mark.usefixtures("eager")
def test_signed_in_users_who_are_not_staff_get_the_public_answer(client) -> None:
    client.force_login(UserFactory())
    assert client.get(reverse("healthz"), **OUTSIDE).json() == {"status": "ok"}


@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize("who", ["staff", "superuser"])
def test_staff_get_the_details(client, who: str) -> None:
    client.force_login(UserFactory(is_staff=who == "staff", is_superuser=who == "superuser"))
    body = client.get(reverse("healthz"), **OUTSIDE).json()
    assert body["status"] == "ok"
    assert body["database"]["status"] == "ok"
    assert body["redis"]["status"] == "not_configured"
    assert body["celery"]["status"] == "eager"


@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_a_request_from_this_host_gets_the_details(client, address: str) -> None:
    body = client.get(reverse("healthz_full"), REMOTE_ADDR=address).json()
    assert body["database"]["vendor"]
    assert body["heartbeat"]["status"] == "eager"
    assert body["outbox"]["status"] == "ok"


def test_the_public_answer_says_error_when_redis_is_down(client, redis_at) -> None:
    redis_at(f"redis://127.0.0.1:{closed_port()}/0")
    response = client.get(reverse("healthz"), **OUTSIDE)
    assert (response.status_code, response.json()) == (503, {"status": "error"})
    detailed = client.get(reverse("healthz")).json()
    assert detailed["redis"]["status"] == "error"


# --- what /healthz/full checks ---------------------------------------------------------------


@pytest.mark.usefixtures("with_broker")
def test_full_is_ok_with_a_worker_a_fresh_heartbeat_and_no_backlog(client) -> None:
    response = client.get(reverse("healthz_full"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["celery"] == {"status": "ok", "workers": 1}
    assert body["heartbeat"]["status"] == "ok"


@pytest.mark.usefixtures("with_broker")
def test_full_fails_when_no_worker_answers(client, monkeypatch) -> None:
    monkeypatch.setattr(celery_app.control, "ping", lambda timeout: [])
    response = client.get(reverse("healthz_full"))
    assert response.status_code == 503
    assert response.json()["celery"]["status"] == "no_workers"
    # The load balancer's check does not care about workers.
    assert client.get(reverse("healthz")).status_code == 200


@pytest.mark.usefixtures("with_broker")
@pytest.mark.parametrize(
    ("age", "expected"), [(None, 503), (3 * 60 + 5, 503), (3 * 60 - 5, 200)], ids=str
)
def test_full_fails_when_the_heartbeat_is_stale_or_missing(
    client, settings, age: int | None, expected: int
) -> None:
    settings.HEARTBEAT_SECONDS = 60
    if age is None:
        cache.delete(HEARTBEAT_KEY)
    else:
        cache.set(HEARTBEAT_KEY, time.time() - age)
    response = client.get(reverse("healthz_full"))
    assert response.status_code == expected, response.json()
    assert response.json()["heartbeat"]["status"] == ("ok" if expected == 200 else "error")


@pytest.mark.usefixtures("eager")
@pytest.mark.parametrize(
    ("overdue", "expected"), [(3 * 300 + 60, 503), (3 * 300 - 60, 200)], ids=str
)
def test_full_fails_when_the_outbox_holds_old_work(
    client, settings, overdue: int, expected: int
) -> None:
    settings.OUTBOX_FLUSH_SECONDS = 300
    due = timezone.now() - datetime.timedelta(seconds=overdue)
    OutboxMessage.objects.create(to="a@example.gov.cn", subject="s", body="b", next_attempt_at=due)
    # Sent, failed for good, or backing off after a failure: not a stuck flush.
    OutboxMessage.objects.create(
        to="b@example.gov.cn", subject="s", body="b", status="failed", next_attempt_at=due
    )
    response = client.get(reverse("healthz_full"))
    assert response.status_code == expected, response.json()
    assert response.json()["outbox"]["status"] == ("ok" if expected == 200 else "error")
    assert client.get(reverse("healthz")).status_code == 200


# --- answered quickly whatever Redis does ----------------------------------------------------


@pytest.mark.parametrize("url_name", ["healthz", "healthz_full"])
@pytest.mark.parametrize("who", ["public", "loopback"])
@pytest.mark.parametrize("redis_state", ["refused", "hung"])
def test_both_answer_quickly_when_redis_is_down(
    client, redis_at, url_name: str, who: str, redis_state: str
) -> None:
    hung = HungRedis() if redis_state == "hung" else None
    try:
        port = hung.port if hung else closed_port()
        redis_at(f"redis://127.0.0.1:{port}/0")
        extra = OUTSIDE if who == "public" else {}
        elapsed, response = timed(lambda: client.get(reverse(url_name), **extra))
        if hung:
            assert hung.connections, "the check did try Redis"
    finally:
        if hung:
            hung.close()
    assert response.status_code == 503
    assert elapsed < BUDGET, f"{url_name} took {elapsed:.2f}s with Redis {redis_state}"


def test_full_answers_quickly_when_the_ping_and_the_cache_hang(
    client, settings, redis_at, monkeypatch
) -> None:
    """The worst case: Redis answers the health ping, then the worker ping and the cache hang."""
    hung = HungRedis()
    try:
        url = f"redis://127.0.0.1:{hung.port}/0"
        redis_at(url)
        monkeypatch.setattr(health, "check_redis", lambda: {"status": "ok"})
        # Celery's control connection may come from a pool opened earlier in this process, so
        # hang the ping itself (the broker part is test_resilience's).
        monkeypatch.setattr(celery_app.control, "ping", lambda timeout: time.sleep(5))
        settings.CACHES = {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": url,
                "OPTIONS": {
                    "SOCKET_CONNECT_TIMEOUT": 0.25,
                    "SOCKET_TIMEOUT": 0.25,
                    "IGNORE_EXCEPTIONS": True,
                },
            }
        }
        elapsed, response = timed(lambda: client.get(reverse("healthz_full")))
    finally:
        hung.close()
    body = response.json()
    assert response.status_code == 503
    assert body["celery"] == {"status": "error", "detail": "timeout"}
    assert body["heartbeat"] == {"status": "error", "detail": "missing"}
    assert elapsed < BUDGET, f"/healthz/full took {elapsed:.2f}s"
