"""With Redis down — refusing connections, or accepting and never answering — pages answer
quickly, enqueueing fails soft, and the work waits in the database outbox."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.urls import reverse

from accountability import reminders
from accountability.models import OutboxMessage, Rectification
from config.celery import app as celery_app
from responsibility import queue
from tests.accountability.support import rectification_of
from tests.factories import World

pytestmark = pytest.mark.django_db

BUDGET = 1.5  # seconds a page may take with the broker down


class HungRedis:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte back."""

    def __init__(self) -> None:
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(64)
        self.port = self.server.getsockname()[1]
        self.connections: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.server.settimeout(0.1)
        while not self.stopped.is_set():
            try:
                conn, _addr = self.server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)

    def close(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=2)
        for conn in self.connections:
            conn.close()
        self.server.close()


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def broker_at(settings) -> Iterator:
    """Point Django's settings and the Celery app at a broker URL for one test. Enqueueing opens
    its own connection from `broker_url` (responsibility.queue), so kombu's shared connection
    pools are left alone: closing them would break later tests that use the real broker."""
    saved = {
        key: celery_app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")
    }

    def point(url: str) -> None:
        settings.REDIS_URL = url
        settings.CELERY_BROKER_URL = url
        settings.CELERY_RESULT_BACKEND = url
        settings.CELERY_TASK_ALWAYS_EAGER = False
        celery_app.conf.broker_url = url
        celery_app.conf.result_backend = url
        celery_app.conf.task_always_eager = False
        queue.reset()

    yield point
    for key, value in saved.items():
        celery_app.conf[key] = value
    queue.reset()


@pytest.fixture
def hung_redis(broker_at) -> Iterator[HungRedis]:
    server = HungRedis()
    broker_at(f"redis://127.0.0.1:{server.port}/0")
    yield server
    server.close()


@pytest.fixture
def stopped_redis(broker_at) -> str:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    broker_at(url)
    return url


def timed(call) -> tuple[float, object]:
    start = time.monotonic()
    result = call()
    return time.monotonic() - start, result


def submit(world: World, as_user, capture) -> tuple[float, object, Rectification]:
    """Officer A submits a rectification: the reviewers' email is enqueued after commit."""
    rectification = rectification_of(world, state=Rectification.State.IN_PROGRESS)
    OutboxMessage.objects.all().delete()
    client = as_user(world.officer_a)

    def post() -> object:
        with capture(execute=True):
            return client.post(
                reverse("rectification_submit", args=[rectification.pk]),
                {"version": rectification.version},
            )

    elapsed, response = timed(post)
    return elapsed, response, rectification


def test_it_answers_quickly_and_keeps_the_work_when_redis_hangs(
    hung_redis: HungRedis,
    active_world: World,
    as_user,
    django_capture_on_commit_callbacks,
    caplog,
) -> None:
    caplog.set_level(logging.WARNING, logger="responsibility.queue")
    elapsed, response, rectification = submit(
        active_world, as_user, django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert elapsed < BUDGET, f"submit took {elapsed:.2f}s with a hung broker"
    assert hung_redis.connections, "the page did try the broker"
    assert Rectification.objects.get(pk=rectification.pk).state == "submitted"
    pending = OutboxMessage.objects.get()
    assert (pending.to, pending.status) == (active_world.unit_a_reviewer.email, "pending")
    assert "could not enqueue accountability.tasks.deliver_outbox" in caplog.text

    # The next page does not wait for the broker again, and the flush sends the email later.
    again, second, _ = submit(active_world, as_user, django_capture_on_commit_callbacks)
    assert second.status_code == 302
    assert again < 0.5
    assert reminders.flush_outbox() == 1


def test_it_answers_healthz_quickly_when_redis_hangs(hung_redis: HungRedis, client) -> None:
    elapsed, response = timed(lambda: client.get(reverse("healthz")))
    assert elapsed < BUDGET, f"/healthz took {elapsed:.2f}s with a hung Redis"
    assert response.status_code == 503
    assert response.json()["redis"]["status"] == "error"


def test_it_bounds_the_celery_ping_by_the_wall_clock(settings, monkeypatch, client) -> None:
    from responsibility import health

    settings.CELERY_TASK_ALWAYS_EAGER = False
    monkeypatch.setattr(health, "check_redis", lambda: {"status": "ok"})
    monkeypatch.setattr(celery_app.control, "ping", lambda timeout: time.sleep(5))
    elapsed, response = timed(lambda: client.get(reverse("healthz")))
    assert elapsed < BUDGET
    assert response.json()["celery"] == {"status": "error", "detail": "timeout"}


@pytest.mark.parametrize(
    "url_name",
    [
        "my_work",
        "organisation_tree",
        "rectification_list",
        "finding_list",
        "notification_list",
        "progress_overview",
    ],
)
def test_it_serves_the_main_pages_when_redis_is_stopped(
    stopped_redis: str, active_world: World, as_user, url_name: str
) -> None:
    user = active_world.admin if url_name == "progress_overview" else active_world.officer_a
    elapsed, response = timed(lambda: as_user(user).get(reverse(url_name)))
    assert response.status_code == 200
    assert elapsed < BUDGET


def test_it_keeps_the_work_when_redis_refuses_connections(
    stopped_redis: str, active_world: World, as_user, django_capture_on_commit_callbacks
) -> None:
    elapsed, response, _ = submit(active_world, as_user, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert elapsed < BUDGET
    assert OutboxMessage.objects.get().status == "pending"
