"""Hostile values in every query parameter of every page: never a server error.

Every GET row of the permission matrix (tests/test_permissions.py) is opened as every persona
who may see it; the parameters the page itself offers (its GET forms, the query strings of its
links) and a few it does not know each get hostile values. The answer must be a page (200, or
a redirect), 400 or 404: never 500, never an exception. A new page or filter is covered without
a new test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.urls import reverse

from responsibility import health
from tests.factories import World
from tests.permissions_support import Row
from tests.test_permissions import ROWS

HOSTILE = [
    "²",  # a digit to str.isdigit(), not to int()
    "١٢",  # Arabic-Indic digits
    "99999999999999999999",
    "-1",
    "0",
    "\x00",
    "x" * 3000,
    "' OR 1=1 --",
    "{{ 7|add:7 }}{% debug %}",
    "<script>alert(1)</script>",
    "NaN",
    "-Infinity",
    "1e400",
    "",
    "2026-13-45",
    "%",
]
UNKNOWN = ["zz"]
# What no HTML shows, an export's filters for instance: every name the views read from GET,
# tried on every page with the values most likely to break a parser.
SHARP = ["²", "99999999999999999999", "\x00", "NaN", "-1", "x" * 3000]


def parameters_in_code() -> set[str]:
    found: set[str] = set()
    for app in ("responsibility", "assessment", "accountability"):
        for path in (settings.BASE_DIR / app).rglob("*.py"):
            source = path.read_text()
            found |= set(re.findall(r"request\.GET(?:\.get\(|\[)\"(\w+)\"", source))
            found |= set(re.findall(r"query_number\(request, \"(\w+)\"", source))
    return found


CODE_PARAMETERS = parameters_in_code()
ALLOWED = {200, 301, 302, 400, 404}
# Who opens a page: the first of these who may (the admin sees most, others see their own view).
PREFERRED = ["admin", "wc_reviewer", "unit_a_reviewer", "officer_a", "member", "liaison"]


class ParameterFinder(HTMLParser):
    """Names a page sends back by GET: fields of GET forms, keys of its links' query strings."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.names: set[str] = set()
        self.in_get_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.in_get_form = (found.get("method") or "get").lower() == "get"
        elif tag in {"input", "select", "textarea"} and self.in_get_form and found.get("name"):
            self.names.add(found["name"] or "")
        elif tag == "a" and found.get("href") and "?" in (found.get("href") or ""):
            link = urlsplit(found["href"] or "")
            if link.path in {"", self.path}:
                self.names.update(key for key, _value in parse_qsl(link.query, True))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_get_form = False


def parameters_of(html: str, path: str) -> set[str]:
    finder = ParameterFinder(path)
    finder.feed(html)
    return finder.names - {"csrfmiddlewaretoken", "next"}


def get_rows() -> list[Row]:
    return [row for row in ROWS if row.method == "get" and row.name not in {"login"}]


def opener(row: Row) -> str | None:
    return next((p for p in PREFERRED if row.expected.get(p) == 200), None)


CASES = [
    pytest.param(row, id=f"{row.name}{'[' + row.label + ']' if row.label else ''}")
    for row in get_rows()
    if opener(row)
]


@pytest.fixture(autouse=True)
def _quick_health_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The health pages ping Redis and Celery with a 0.5 s timeout, and no worker answers in the
    suite: a hundred hostile requests to /healthz/full spent 46 s waiting (CI, --durations).
    What is fuzzed here is the parameters, not the waiting (tests/responsibility/test_health.py)."""
    monkeypatch.setattr(health, "TIMEOUT", 0.02)


@pytest.mark.django_db
@pytest.mark.parametrize("row", CASES)
def test_it_answers_hostile_parameters_without_a_server_error(
    row: Row, active_world: World, as_user: Callable[..., Any]
) -> None:
    """Every persona who may open the page (each sees its own filters); the first of PREFERRED
    gets the whole battery and every name the views read, the others the sharpest values on
    the parameters their page offers."""
    url = reverse(row.name, args=row.args(active_world))
    first = opener(row)
    failures = []
    for persona in [p for p in PREFERRED if row.expected.get(p) == 200]:
        client = as_user(active_world.persona(persona))
        page = client.get(url)
        assert page.status_code == 200, f"{persona} GET {url}: {page.status_code}"
        offered = set(UNKNOWN)
        if "text/html" in page.get("Content-Type", "") and not page.streaming:
            offered |= parameters_of(page.content.decode(), url)
        if persona == first:
            trials = [(name, value) for name in sorted(offered) for value in HOSTILE] + [
                (name, value) for name in sorted(CODE_PARAMETERS - offered) for value in SHARP
            ]
        else:
            trials = [(name, value) for name in sorted(offered - set(UNKNOWN)) for value in SHARP]
        for name, value in trials:
            shown = f"{persona} {name}={value[:20]!r}"
            try:
                with transaction.atomic():  # a database error must not poison the next request
                    response = client.get(url, {name: value})
            except Exception as exc:  # the test client re-raises what would be a 500
                failures.append(f"{shown}: {type(exc).__name__}: {exc}"[:300])
                continue
            if response.status_code not in ALLOWED:
                failures.append(f"{shown}: {response.status_code}")
            elif not response.streaming and b"Traceback" in response.content:
                failures.append(f"{shown}: a traceback in the page")
    assert not failures, f"GET {url}:\n" + "\n".join(failures)


def test_it_finds_the_parameters_a_page_offers() -> None:
    html = (
        '<form><select name="unit"></select><input name="q"><input name="csrfmiddlewaretoken">'
        '</form><form method="post"><input name="secret"></form>'
        '<a href="?page=2&amp;state=open">2</a><a href="/elsewhere/?x=1">x</a>'
    )
    assert parameters_of(html, "/list/") == {"unit", "q", "page", "state"}


def test_it_knows_the_parameters_the_views_read() -> None:
    assert {"page", "unit", "year", "kind", "unread_days", "month"} <= CODE_PARAMETERS
