"""One real worker and beat against Redis: beat fires the sweep, the worker sends the digest, and
an email a page queues reaches the worker through the broker.

Skipped without REDIS_URL or PostgreSQL, unless REQUIRE_CELERY=1 (CI), where that is a failure.
"""

from __future__ import annotations

import datetime
import email
import email.policy
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accountability import services
from accountability.models import Digest, Rectification
from config.celery import app as celery_app
from responsibility import queue
from responsibility.models import Year
from tests.accountability.support import manual_source
from tests.factories import World

pytestmark = [
    pytest.mark.celery_live,
    # Serialized rollback restores the tiers the migrations seed, which a flush removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WAIT_SECONDS = 60
REQUIRED = os.environ.get("REQUIRE_CELERY") == "1"


def unavailable(reason: str) -> None:
    if REQUIRED:
        pytest.fail(f"REQUIRE_CELERY=1 but {reason}")
    pytest.skip(reason)


def live_redis_url() -> str:
    """REDIS_URL with database 15, which the tests may empty."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        unavailable("REDIS_URL is not set")
    parts = urlsplit(url)
    live = urlunsplit((parts.scheme, parts.netloc, "/15", "", ""))
    try:
        client = redis.Redis.from_url(live, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
        client.flushdb()  # stale tasks from earlier runs name rows that no longer exist
    except redis.RedisError as exc:
        unavailable(f"Redis at {live} is unreachable ({type(exc).__name__})")
    return live


def database_url_for_workers() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "")
    if db["PASSWORD"]:
        credentials += f":{quote(db['PASSWORD'])}"
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def messages_in(folder: Path) -> list[email.message.EmailMessage]:
    """Messages the file backend wrote (several per file, separated by a line of dashes)."""
    found = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk, policy=email.policy.default))
    return found


def wait_for(condition, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    tails = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in logs)
    pytest.fail(f"no {what} within {WAIT_SECONDS}s\n{tails}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture
def publish_to(request) -> Iterator:
    """Send this process's tasks to the live broker for one test (enqueueing connects afresh
    from `broker_url`, so no shared pool needs resetting)."""
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}

    def point(url: str) -> None:
        celery_app.conf.broker_url = url
        celery_app.conf.result_backend = None
        celery_app.conf.task_always_eager = False
        queue.reset()

    yield point
    for key, value in saved.items():
        celery_app.conf[key] = value
    queue.reset()


def test_it_sends_the_digest_through_a_real_worker_and_beat(
    world: World, tmp_path: Path, publish_to
) -> None:
    redis_url = live_redis_url()
    if connection.vendor != "postgresql":
        unavailable("the worker needs the test database on PostgreSQL (SQLite is in-process)")
    today = timezone.localdate()
    year = Year.objects.create(year=today.year, status=Year.Status.ACTIVE)
    world.year = year
    services.rectification_create(
        actor=world.unit_a_reviewer,
        source=manual_source(world, world.branch_a),
        organisation=world.branch_a,
        problem="支部委员会会议记录不全",
        deadline=today + datetime.timedelta(days=1),  # a reminder day: due tomorrow
        today=today,
    )

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONPATH": str(settings.BASE_DIR),
        "DEBUG": "true",
        "SECRET_KEY": "celery-live-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": database_url_for_workers(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "REMINDER_EVERY_SECONDS": "3",
        "OUTBOX_FLUSH_SECONDS": "3",
    }
    env.pop("EMAIL_HOST", None)
    celery = str(Path(sys.executable).with_name("celery"))
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    processes: list[subprocess.Popen] = []
    try:
        with worker_log.open("wb") as out:
            processes.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments, our own virtualenv
                    [
                        celery,
                        "-A",
                        "config",
                        "worker",
                        "-l",
                        "INFO",
                        "-c",
                        "1",
                        "-P",
                        "solo",
                        "--without-gossip",
                        "--without-mingle",
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        with beat_log.open("wb") as out:
            processes.append(
                subprocess.Popen(  # noqa: S603 - fixed arguments, our own virtualenv
                    [
                        celery,
                        "-A",
                        "config",
                        "beat",
                        "-l",
                        "INFO",
                        "-s",
                        str(tmp_path / "beat-schedule"),
                        "--pidfile",
                        str(tmp_path / "beat.pid"),
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        logs = [worker_log, beat_log]

        def digest_mailed() -> bool:
            return any(
                world.officer_a.email in str(m["To"]) and "督促提醒" in str(m["Subject"])
                for m in messages_in(mail_dir)
            )

        wait_for(digest_mailed, "digest email from the beat-driven sweep", logs)
        digest = Digest.objects.get(recipient=world.officer_a, date=today)
        assert digest.sent_at is not None
        # Beat keeps firing every 3 s; the person still has exactly one digest today.
        time.sleep(4)
        assert Digest.objects.filter(recipient=world.officer_a).count() == 1
        assert (
            sum(
                world.officer_a.email in str(m["To"]) and "督促提醒" in str(m["Subject"])
                for m in messages_in(mail_dir)
            )
            == 1
        )

        # A page's email goes through the broker to the worker.
        publish_to(redis_url)
        rectification = services.rectification_create(
            actor=world.unit_a_reviewer,
            source=manual_source(world, world.branch_a),
            organisation=world.branch_a,
            problem="党员学习记录缺失",
            deadline=today + datetime.timedelta(days=30),
            today=today,
        )
        services.rectification_progress_add(
            actor=world.officer_a,
            rectification=rectification,
            version=rectification.version,
            text="已整改",
            measures="补齐学习记录",
        )
        rectification = Rectification.objects.get(pk=rectification.pk)
        services.rectification_submit(
            actor=world.officer_a, rectification=rectification, version=rectification.version
        )

        def review_mailed() -> bool:
            return any(
                world.unit_a_reviewer.email in str(m["To"]) and "整改待复查" in str(m["Subject"])
                for m in messages_in(mail_dir)
            )

        wait_for(review_mailed, "email queued by the submit", logs)
    finally:
        for process in processes:
            stop(process)
