"""Resolve each page's URL and count its SQL queries in-process, against the benchmark database.

Prints JSON: one entry per page with its path, status, size and query count. The client is
Django's test client with the persona signed in (a real session row), so the count includes
the session, user and scope queries every request pays. The request is made twice and the
second one counted, as a warm server would serve it.

    python bench/probe.py [KEY …]   # only these pages (and the floor); all of them by default

Naming the pages lets the runner smoke-test one page against the small demo database, where
some pages' objects (a review still being scored) do not exist.
"""

from __future__ import annotations

import json
import sys
import time

from django_setup import setup


def main(keys: list[str]) -> None:
    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pages import FLOOR, PAGES, Lookup

    from responsibility.models import User

    lookup = Lookup()
    entries = []
    for page in [FLOOR, *PAGES]:
        if keys and page.key not in keys and page.key != FLOOR.key:
            continue
        path = page.url(lookup)
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(username=page.persona))
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            elapsed = time.perf_counter() - started
        entries.append(
            {
                "key": page.key,
                "title": page.title,
                "persona": page.persona,
                "path": path,
                "status": response.status_code,
                "bytes": len(response.content),
                "queries": len(captured),
                "in_process_ms": round(elapsed * 1000, 1),
                "sql": [q["sql"][:300] for q in captured.captured_queries],
            }
        )
    print(json.dumps(entries, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
