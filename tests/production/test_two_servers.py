"""Two web servers behind one proxy share everything: one PostgreSQL, one Redis (Django's cache,
sessions, the broker) and one S3-compatible object store (SeaweedFS) for evidence. Nothing a
person does on server A may be unknown to server B."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import psycopg2
import pytest
import redis

from tests.production.stack import Client, ObjectStore, Server, Stack, object_store

PDF = b"%PDF-1.4\n" + os.urandom(300_000) + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def store(stack: Stack) -> ObjectStore:
    return object_store(stack)


@pytest.fixture(scope="module")
def servers(stack: Stack, store: ObjectStore) -> Iterator[tuple[Server, Server]]:
    a = stack.gunicorn("web-a", workers=1, DASHBOARD_CACHE_SECONDS="300", **store.settings())
    b = stack.gunicorn("web-b", workers=1, DASHBOARD_CACHE_SECONDS="300", **store.settings())
    yield a, b
    a.process.stop()
    b.process.stop()


def query(stack: Stack, sql: str, *params: object) -> list[tuple]:
    connection = psycopg2.connect(stack.env["DATABASE_URL"])
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else []
    finally:
        connection.close()


def open_obligation(stack: Stack, skip: int = 0) -> int:
    """An obligation of 预算处党支部 (the demo officer's branch) still open for entry."""
    rows = query(
        stack,
        """
        SELECT o.id FROM responsibility_obligation o
        JOIN responsibility_organisation g ON g.id = o.organisation_id
        WHERE g.name = '预算处党支部' AND o.status IN ('not_started', 'in_progress')
          AND o.due_date >= CURRENT_DATE
        ORDER BY o.due_date, o.id OFFSET %s LIMIT 1
        """,
        skip,
    )
    assert rows, "the demo has an open obligation for the officer's branch"
    return rows[0][0]


def upload_evidence(client: Client, obligation: int, content: bytes, name: str) -> int:
    """Fill an obligation in as not applicable with one evidence file; the new evidence's id."""
    page = client.get(f"/obligations/{obligation}/")
    assert page.status == 200, page.text[:1000]
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version, "the fill-in form carries the record's version"
    before = set(re.findall(r'href="/evidence/(\d+)/"', page.text))
    answer = client.post(
        f"/obligations/{obligation}/",
        {"version": version.group(1), "status": "not_applicable", "na_reason": "双服务器测试"},
        files={"files": (name, content, "application/pdf")},
    )
    assert answer.status == 302, answer.text[:3000]
    page = client.get(f"/obligations/{obligation}/")
    added = set(re.findall(r'href="/evidence/(\d+)/"', page.text)) - before
    assert len(added) == 1, "the page lists the new evidence"
    return int(added.pop())


def test_it_moves_local_media_into_the_bucket_and_serves_it_from_either_server(
    stack: Stack, store: ObjectStore, servers: tuple[Server, Server]
) -> None:
    # Before: one server on local disk, as the embedded default installs it.
    local = stack.gunicorn("web-local", workers=1)
    officer = Client(local.url)
    assert officer.login("officer").status == 302
    evidence = upload_evidence(officer, open_obligation(stack), PDF, "会议记录.pdf")
    local.process.stop()
    (name,) = query(stack, "SELECT file FROM responsibility_evidence WHERE id = %s", evidence)[0]
    assert (stack.media / name).read_bytes() == PDF
    assert name not in store.objects()

    # The operator moves the media folder into the bucket (README, "Several servers").
    move = ("media_copy_to_storage", "--source", str(stack.media))
    output = stack.manage(*move, env=store.settings())
    assert "differing 0" in output
    stored = set(store.objects())
    files = {row[0] for row in query(stack, "SELECT file FROM responsibility_evidence")}
    assert files <= stored, "every evidence row's file is in the bucket"
    again = stack.manage(*move, env=store.settings())
    assert again.startswith("copied 0"), again

    # After: both servers serve it from the bucket, byte for byte, through the permission check.
    a, b = servers
    for server in (a, b):
        client = Client(server.url)
        assert client.login("officer").status == 302
        download = client.get(f"/evidence/{evidence}/")
        assert download.status == 200
        assert download.body == PDF
    outsider = Client(b.url)
    assert outsider.login("officer_b").status == 302
    assert outsider.get(f"/evidence/{evidence}/").status in {403, 404}


def test_evidence_uploaded_through_one_server_downloads_through_the_other(
    stack: Stack, store: ObjectStore, servers: tuple[Server, Server]
) -> None:
    a, b = servers
    content = b"%PDF-1.4\n" + os.urandom(2_000_000) + b"\n%%EOF\n"  # past the in-memory limit
    on_a = Client(a.url)
    assert on_a.login("officer").status == 302
    evidence = upload_evidence(on_a, open_obligation(stack, skip=1), content, "签到表.pdf")
    (name,) = query(stack, "SELECT file FROM responsibility_evidence WHERE id = %s", evidence)[0]
    assert name in store.objects(), "the file went to the bucket"
    assert not (stack.media / name).exists(), "and not to server A's disk"

    on_b = Client(b.url)
    assert on_b.login("officer").status == 302
    download = on_b.get(f"/evidence/{evidence}/")
    assert download.status == 200
    assert download.body == content
    assert "attachment" in download.headers.get("Content-Disposition", "")


def test_signing_out_on_one_server_ends_the_session_on_the_other(
    servers: tuple[Server, Server],
) -> None:
    a, b = servers
    person = Client(a.url)
    assert person.login("liaison").status == 302
    on_b = Client(b.url)
    on_b.cookies = dict(person.cookies)  # the proxy sends the same cookie to either server
    assert on_b.signed_in()

    assert person.post("/accounts/logout/").status == 302
    assert not on_b.signed_in()


def test_failed_sign_ins_on_one_server_lock_the_username_on_the_other(
    servers: tuple[Server, Server],
) -> None:
    a, b = servers
    attacker = Client(a.url)
    for _attempt in range(5):
        answer = attacker.login("member", "wrong-password")
        assert answer.status in {200, 429}
    on_b = Client(b.url)
    answer = on_b.login("member")  # the right password, from the same address, on server B
    assert answer.status == 429
    assert not on_b.signed_in()
    other = Client(b.url)
    assert other.login("discipline").status == 302, "other people are not locked"


def test_the_dashboard_one_server_computed_is_the_one_the_other_shows(
    stack: Stack, servers: tuple[Server, Server]
) -> None:
    a, b = servers
    on_a, on_b = Client(a.url), Client(b.url)
    assert on_a.login("reviewer").status == 302
    assert on_b.login("reviewer").status == 302

    def figures(client: Client) -> str:
        page = client.get("/assessment/dashboard/")
        assert page.status == 200
        main = page.text.split("<main", 1)[1]
        return re.sub(r'value="[^"]{20,}"|nonce="[^"]*"', "", main)

    seen_on_a = figures(on_a)
    cache = redis.Redis.from_url(stack.env["REDIS_URL"])
    assert cache.keys("zerenlian:*dashboard:*"), "the dashboard is cached in the shared Redis"
    # The data changes: a fresh computation would differ, the cached one is what B shows.
    query(
        stack,
        "UPDATE responsibility_obligation SET status = 'done', completed_on = due_date "
        "WHERE status <> 'done' AND due_date < CURRENT_DATE",
    )
    assert figures(on_b) == seen_on_a
    for key in cache.keys("zerenlian:*dashboard:*"):
        cache.delete(key)
    assert figures(on_b) != seen_on_a, "recomputed, the change shows"
