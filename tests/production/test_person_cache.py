"""Each web server keeps what every page reads about a person (current posts, unread count) in
its own memory, under versions that come with the person's row. A change made by another
process reaches both servers on their next request: a revoked post never keeps granting."""

from __future__ import annotations

import re
from collections.abc import Iterator

import psycopg2
import pytest

from tests.production.stack import Client, Server, Stack

UNREAD = re.compile(r"(\d+)<span class=\"visually-hidden\">\s*条未读")


@pytest.fixture(scope="module")
def servers(stack: Stack) -> Iterator[tuple[Server, Server]]:
    a = stack.gunicorn("web-a", workers=1)
    b = stack.gunicorn("web-b", workers=1)
    yield a, b
    a.process.stop()
    b.process.stop()


def branch_id(stack: Stack) -> int:
    connection = psycopg2.connect(stack.env["DATABASE_URL"])
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT id FROM responsibility_organisation WHERE name = '预算处党支部'")
            return cursor.fetchone()[0]
    finally:
        connection.close()


def unread(client: Client) -> int:
    page = client.get("/supervision/inbox/")
    assert page.status == 200
    found = UNREAD.search(page.text)
    return int(found.group(1)) if found else 0


def test_a_message_sent_elsewhere_shows_on_both_servers(
    stack: Stack, servers: tuple[Server, Server]
) -> None:
    on_a, on_b = Client(servers[0].url), Client(servers[1].url)
    assert on_a.login("member").status == 302
    assert on_b.login("member").status == 302
    before = unread(on_a)
    assert unread(on_b) == before == unread(on_b)  # counted, then served from B's memory

    stack.manage(
        "shell",
        "-c",
        "from accountability import services; from responsibility.models import User; "
        "services.notify(recipients=[User.objects.get(username='member')], title='两台服务器',"
        " email=False)",
    )

    assert unread(on_a) == before + 1
    assert unread(on_b) == before + 1


def test_a_post_ended_elsewhere_stops_granting_on_both_servers(
    stack: Stack, servers: tuple[Server, Server]
) -> None:
    page = f"/organisations/{branch_id(stack)}/"
    on_a, on_b = Client(servers[0].url), Client(servers[1].url)
    assert on_a.login("officer").status == 302
    assert on_b.login("officer").status == 302
    for client in (on_a, on_b, on_a, on_b):  # each server reads the posts, then keeps them
        assert client.get(page).status == 200

    stack.manage(
        "shell",
        "-c",
        "import datetime; from django.utils import timezone; "
        "from responsibility import services; from responsibility.models import Post; "
        "[services.post_end(actor=None, post=post, "
        "end_date=timezone.localdate() - datetime.timedelta(days=1)) "
        "for post in Post.objects.filter(user__username='officer', end_date=None)]",
    )

    assert on_a.get(page).status == 404
    assert on_b.get(page).status == 404
