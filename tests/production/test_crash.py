"""Nothing half-written after a crash (issue #16): a gunicorn worker killed with SIGKILL in the
middle of an upload, or in the middle of a fill-in's save, leaves nothing that
`manage.py media_audit --delete` does not then find and remove, and no row.

(a) A 10 MB evidence file sent slowly over a raw socket: the worker is spooling it into
    FILE_UPLOAD_TEMP_DIR when it is killed. The half-written temp file stays behind (no code runs
    after SIGKILL); media_audit reports it and --delete removes it.
(b) The fill-in has stored its evidence file (and inserted its uncommitted row) and waits at its
    compare-and-swap for a row lock the test holds on the obligation. The worker is killed
    there: the database rolls the transaction back, so there is no evidence row and the
    obligation is unchanged; the file is an orphan that media_audit reports and --delete
    removes. (Only what media_audit removes is left: no code runs after SIGKILL.)
After each, media_audit reports nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.production.stack import HOST, Client, Server, Stack

PDF_HEAD = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CLEAN = "没有发现问题"

FIND_OBLIGATION = """
import datetime
from django.utils import timezone
from responsibility.models import Obligation, Post
post = Post.objects.select_related("organisation").get(
    user__username="officer", organisation__name="预算处党支部", end_date=None
)
today = timezone.localdate()
obligation = (
    Obligation.objects.filter(organisation=post.organisation, year__status="active")
    .exclude(status="done").order_by("due_date", "pk").first()
)
Obligation.objects.filter(pk=obligation.pk).update(
    reopened_until=today + datetime.timedelta(days=30)
)
print("TARGET", obligation.pk, post.organisation_id)
"""


@pytest.fixture(scope="module")
def web(stack: Stack) -> Server:
    return stack.gunicorn("crash-web", workers=1)


@pytest.fixture(scope="module")
def target(stack: Stack) -> tuple[int, int]:
    """An open obligation of the officer's branch (预算处党支部): its pk and organisation's pk."""
    output = stack.manage("shell", "-c", FIND_OBLIGATION)
    found = re.search(r"^TARGET (\d+) (\d+)$", output, re.MULTILINE)
    assert found, output
    return int(found.group(1)), int(found.group(2))


def sql(stack: Stack, query: str, *params: object) -> list[tuple]:
    import psycopg2

    connection = psycopg2.connect(stack.env["DATABASE_URL"])
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall()
    finally:
        connection.close()


@contextlib.contextmanager
def row_lock(stack: Stack, table: str, pk: int) -> Iterator[None]:
    """Hold `SELECT … FOR UPDATE` on one row in an open transaction; roll back on exit."""
    import psycopg2

    connection = psycopg2.connect(stack.env["DATABASE_URL"])
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT id FROM "{table}" WHERE id = %s FOR UPDATE', (pk,))  # noqa: S608
            assert cursor.fetchall(), f"{table} #{pk} exists"
        yield
    finally:
        connection.rollback()
        connection.close()


def media_files(stack: Stack) -> set[str]:
    return {str(p.relative_to(stack.media)) for p in stack.media.rglob("*") if p.is_file()}


def temp_files(stack: Stack) -> set[Path]:
    return {p for p in Path(stack.env["FILE_UPLOAD_TEMP_DIR"]).rglob("*") if p.is_file()}


def signed_in(web: Server) -> Client:
    client = Client(web.url)
    answer = client.login("officer")
    assert answer.status == 302, answer.text[:2000]
    return client


def fill_request(
    client: Client, obligation: int, version: int, content: bytes
) -> tuple[bytes, bytes]:
    """The head of a fill-in POST (multipart, one evidence file) and its body."""
    boundary = uuid.uuid4().hex
    fields = {
        "csrfmiddlewaretoken": client.cookies["csrftoken"],
        "version": str(version),
        "status": "in_progress",
        "description": "崩溃测试",
    }
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            'filename="crash.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    body = b"".join(parts)
    host = urlsplit(client.base_url).netloc
    cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    head = (
        f"POST /obligations/{obligation}/ HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "X-Forwarded-Proto: https\r\n"
        f"Referer: https://{host}/\r\nOrigin: https://{host}\r\n"
        f"X-CSRFToken: {client.cookies['csrftoken']}\r\n"
        f"Cookie: {cookies}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    return head, body


def version_of(stack: Stack, obligation: int) -> int:
    return sql(stack, "SELECT version FROM responsibility_obligation WHERE id = %s", obligation)[0][
        0
    ]


def evidence_count(stack: Stack) -> int:
    return sql(stack, "SELECT count(*) FROM responsibility_evidence")[0][0]


def kill_worker(stack: Stack, web: Server) -> int:
    (worker,) = web.process.children()
    os.kill(worker, signal.SIGKILL)
    stack.wait_for(
        lambda: worker not in web.process.children() and len(web.process.children()) == 1,
        "a new gunicorn worker after SIGKILL",
    )
    return worker


def audit(stack: Stack, *extra: str) -> str:
    return stack.manage("media_audit", "--older-than", "0", *extra)


def waiting_on_a_lock(stack: Stack) -> bool:
    rows = sql(
        stack,
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()",
    )
    return rows[0][0] > 0


def test_a_worker_killed_mid_upload_leaves_only_a_temp_file_that_the_audit_removes(
    stack: Stack, web: Server, target: tuple[int, int]
) -> None:
    obligation, _organisation = target
    assert CLEAN in audit(stack), "the demo installation starts clean"
    client = signed_in(web)
    rows, before = evidence_count(stack), media_files(stack)
    content = PDF_HEAD + b"\0" * (10 * 1024 * 1024)
    head, body = fill_request(client, obligation, version_of(stack, obligation), content)
    with socket.create_connection((HOST, urlsplit(web.url).port), timeout=10) as sock:
        sock.sendall(head)
        sent = 0
        # Slowly: the first 4 MB (over Django's 2.5 MB memory limit, so it spools to disk).
        while sent < 4 * 1024 * 1024:
            sock.sendall(body[sent : sent + 256 * 1024])
            sent += 256 * 1024
            time.sleep(0.02)
        stack.wait_for(lambda: temp_files(stack), "an upload temp file", seconds=30)
        kill_worker(stack, web)
    (leftover,) = temp_files(stack)
    assert leftover.stat().st_size > 0
    assert evidence_count(stack) == rows
    assert media_files(stack) == before  # nothing reached MEDIA_ROOT

    report = audit(stack)
    assert "过期的上传临时文件" in report, report
    assert str(leftover) in report, report
    assert "试运行" in report
    assert leftover.exists(), "a dry run deletes nothing"
    assert "已删除 1 个文件" in audit(stack, "--delete")
    assert not leftover.exists()
    assert CLEAN in audit(stack)


def test_a_worker_killed_mid_save_leaves_no_row_and_only_an_orphan_the_audit_removes(
    stack: Stack, web: Server, target: tuple[int, int]
) -> None:
    obligation, _organisation = target
    client = signed_in(web)
    rows, before, version = evidence_count(stack), media_files(stack), version_of(stack, obligation)
    head, body = fill_request(client, obligation, version, PDF_HEAD + b"\0" * 200_000)
    with (
        row_lock(stack, "responsibility_obligation", obligation),
        socket.create_connection((HOST, urlsplit(web.url).port), timeout=10) as sock,
    ):
        sock.sendall(head + body)
        stack.wait_for(lambda: waiting_on_a_lock(stack), "the fill-in waiting on the lock")
        stored = media_files(stack) - before
        assert len(stored) == 1, "the evidence file is stored before the compare-and-swap"
        kill_worker(stack, web)
    # The killed worker's backend finishes its UPDATE once the lock goes, finds its client
    # gone, and rolls back: nothing it wrote to the database remains.
    stack.wait_for(lambda: not waiting_on_a_lock(stack), "the killed transaction to end")
    assert evidence_count(stack) == rows
    assert version_of(stack, obligation) == version
    (orphan,) = stored
    assert media_files(stack) - before == {orphan}
    report = audit(stack)
    assert "无记录的文件" in report, report
    assert orphan in report, report
    assert (stack.media / orphan).exists(), "a dry run deletes nothing"
    assert "已删除 1 个文件" in audit(stack, "--delete")
    assert not (stack.media / orphan).exists()
    assert CLEAN in audit(stack)
