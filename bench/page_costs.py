"""Each page's in-process cost per request, for the growth runs (bench/run.py --growth).

    python bench/page_costs.py [--requests 40] KEY …

Against DATABASE_URL, with the settings the runner passes (production: DEBUG=false), each
page is requested through the full middleware stack by Django's test client signed in as its
persona (a real session), as bench/profile_page.py does: five untimed requests to warm the
caches, then `--requests` timed one by one. Prints one JSON line: per page its path, status,
query count (of one warm request), and the median, fastest and slowest request in ms.

Why in-process and the median: the growth exponent compares a page's cost on databases of
different sizes, and only the database part of that cost can grow with the data. Served
through gunicorn and wrk on a shared 2-core machine the saturated rate moves by 10–20 % from
one run to the next with the neighbours' load; the median of a few dozen back-to-back
requests in one process moves by a few per cent, and a neighbour's burst shifts a few
requests, not the median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from django_setup import setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keys", nargs="+")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pages import FLOOR, PAGES, Lookup

    from responsibility.models import User

    pages = {page.key: page for page in [FLOOR, *PAGES]}
    lookup = Lookup()
    costs = {}
    for key in args.keys:
        page = pages[key]
        path = page.url(lookup)
        client = Client(SERVER_NAME="127.0.0.1")
        client.force_login(User.objects.get(username=page.persona))
        for _ in range(5):
            response = client.get(path)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries = len(captured)  # now: the next request's start empties the log it reads
        samples = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
        costs[key] = {
            "path": path,
            "status": response.status_code,
            "queries": queries,
            "median_ms": round(statistics.median(samples), 2),
            "min_ms": round(min(samples), 2),
            "max_ms": round(max(samples), 2),
        }
    print(json.dumps(costs))


if __name__ == "__main__":
    main()
