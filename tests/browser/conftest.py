"""Headless Chromium (Debian's, never a downloaded one) against Django's live server.

Playwright's sync API keeps an event loop in this thread for the whole session, and Django
refuses ORM calls from a thread with a running loop; the tests only use the ORM synchronously
between browser steps, so the guard is lifted for the session. It must be set before the first
ORM call after Playwright starts, hence here at import time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client, override_settings
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Playwright
from pytest_django.live_server_helper import LiveServer

from responsibility.models import User
from tests.browser.pages import Site, build_site
from tests.factories import PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session")
def _sync_connections() -> dict[str, BaseDatabaseWrapper]:
    """Django's connection objects as seen before Playwright starts (see `playwright`)."""
    return {alias: connections[alias] for alias in connections}


@pytest.fixture(scope="session")
def playwright(
    _sync_connections: dict[str, BaseDatabaseWrapper], playwright: Playwright
) -> Playwright:
    """pytest-playwright's, plus one repair. Its event loop stays 'running' in this thread for
    the rest of the session, and from then on asgiref hands Django a second, empty set of
    connection objects: a second database connection, and one without the test runner's
    serialized copy of the migrations' rows, so `serialized_rollback` would silently restore
    nothing in every later transactional test (in any app). Handing Django the original
    objects again keeps one connection and working rollbacks."""
    for alias, wrapper in _sync_connections.items():
        connections[alias] = wrapper
    return playwright


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium fonts-wqy-microhei)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """pytest-django's live server, over plain HTTP: SecurityMiddleware reads
    SECURE_SSL_REDIRECT once, when the server thread builds its handler, so the per-test
    override in tests/conftest.py comes too late for it."""
    address = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(SECURE_SSL_REDIRECT=False):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "zh-CN", "viewport": DESKTOP}


@pytest.fixture
def site(transactional_db: None) -> Site:
    return build_site()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Errors the page logs (CSP refusals among them); a test asserts the list stays empty."""
    errors: list[str] = []

    def keep(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", keep)
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    return errors


class Shots:
    """Full-page screenshots, numbered in the order a journey passes the pages."""

    def __init__(self, page: Page, journey: str) -> None:
        self.page = page
        self.journey = journey
        self.count = 0
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(self, name: str) -> Path:
        self.count += 1
        path = SCREENSHOTS / f"{self.journey}-{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def sign_in(page: Page, base_url: str, username: str) -> None:
    """Through the login form, as a person would."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def sign_in_quickly(context: BrowserContext, base_url: str, user: User | None) -> None:
    """A session cookie made by the test client: for scans that only need to be signed in."""
    context.clear_cookies()
    if user is None:
        return
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])
