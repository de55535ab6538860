"""Profile one benchmark page in-process: where a request's time goes (issue #6's "find why").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zerenlian_bench \\
        .venv/bin/python bench/profile_page.py floor [--requests 200] [--html out.html]

Runs the page's request through the full middleware stack with production settings
(DEBUG=false) against the benchmark database, signed in as the page's persona through a real
session, first untimed to warm caches, then `--requests` times under pyinstrument. Prints the
mean time per request and pyinstrument's call tree (or writes it as HTML).
"""

from __future__ import annotations

import argparse
import os
import secrets
import time
from pathlib import Path

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zerenlian_bench")
# As bench/run.py serves it: plain HTTP on loopback, static files collected once.
for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(name, "false")
os.environ.setdefault("STATIC_ROOT", str(Path(__file__).with_name("output") / "profile-static"))

from django_setup import setup  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="a key of bench/pages.py, or 'floor'")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--html", help="write pyinstrument's HTML report here")
    parser.add_argument("--no-profile", action="store_true", help="time only")
    args = parser.parse_args()

    setup()
    from django.core.management import call_command
    from django.test import Client

    if not (Path(os.environ["STATIC_ROOT"]) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    from pages import FLOOR, PAGES, Lookup

    from responsibility.models import User

    pages = {page.key: page for page in [FLOOR, *PAGES]}
    page = pages[args.page]
    path = page.url(Lookup())
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(User.objects.get(username=page.persona))
    for _ in range(5):
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    profiler = None
    if not args.no_profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    started = time.perf_counter()
    for _ in range(args.requests):
        client.get(path)
    elapsed = time.perf_counter() - started
    if profiler is not None:
        profiler.stop()
    print(f"{page.key} {path}: {elapsed / args.requests * 1000:.2f} ms per request")
    if profiler is None:
        return
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())
    else:
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
