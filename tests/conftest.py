import os

import pytest
from django.conf import global_settings
from django.db import connection
from django.test import Client

import config.settings as production
from tests.factories import World, make_world

# config/settings.py keeps Django's default hashers unless it names its own.
REAL_PASSWORD_HASHERS = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `postgres` skip on SQLite, unless REQUIRE_POSTGRES=1 (CI), where running on
    anything else is a failure: a suite meant for PostgreSQL must not pass by skipping."""
    marker = item.get_closest_marker("postgres")
    if marker is None or connection.vendor == "postgresql":
        return
    reason = marker.kwargs.get("reason", "needs PostgreSQL")
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        pytest.fail(f"REQUIRE_POSTGRES=1 but the database is {connection.vendor}: {reason}")
    pytest.skip(f"{reason} (set DATABASE_URL=postgres://… to run it)")


@pytest.fixture(autouse=True)
def _plain_settings(settings, tmp_path):
    """Tests use plain static storage, a temporary media root and plain HTTP."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


@pytest.fixture(autouse=True)
def _empty_person_cache():
    """Each test's database starts over (and SQLite reuses ids), so the per-process person
    cache (scope.current_posts, unread_count) must too, for tests that turn it on."""
    from django.core.cache import caches

    caches["person"].clear()
    yield
    caches["person"].clear()


@pytest.fixture(autouse=True)
def _password_hasher(request: pytest.FixtureRequest, settings) -> None:
    """Production's hashers for a test marked `real_password_hasher`; the fast one otherwise.

    Autouse, so it runs before the fixtures that create people: their hashes are then made by
    the hasher the test signs in with (tests.factories.password_hash).
    """
    if request.node.get_closest_marker("real_password_hasher"):
        settings.PASSWORD_HASHERS = REAL_PASSWORD_HASHERS


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture
def as_user():
    """Return a client logged in as the given user (or anonymous for None)."""

    def login(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def active_world(world: World) -> World:
    """The two-unit world with the 2026 year started (checklists and obligations)."""
    from tests.factories import activate_year

    world.year = activate_year(world)
    return world


@pytest.fixture
def in_june():
    """Freeze time at 15 June 2026, 10:00 in Shanghai: mid-year, Q2 meetings still open."""
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime(2026, 6, 15, 2, 0, tzinfo=datetime.UTC), tick=False):
        yield
