import os
from typing import Any

import pytest
from django.conf import global_settings
from django.db import connection
from django.test import Client

import config.settings as production
from tests.factories import World, make_world

# config/settings.py keeps Django's default hashers unless it names its own.
REAL_PASSWORD_HASHERS = getattr(production, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)


# Under pytest-xdist (.ci/test runs `-n 2`) tests go to the processes one at a time, except
# these files and folders: each runs whole in one process, because of what it shares or starts.
# (xdist's `xdist_group` marks do nothing under pytest 9.2, which no longer lets a plugin rename
# a test's node id; hence the scheduler below, which groups by path.)
ONE_PROCESS = (
    # The stacks share one Redis database, which each empties when it starts
    # (PRODUCTION_REDIS_DB), and copy the install steps' result, made once per process.
    "tests/production/",
    # Its real worker and beat empty and consume Redis database 15: one such test at a time.
    "tests/accountability/test_celery_live.py",
    # Its module fixture runs .ci/demo (install, migrate, seed, serve): once, not per process.
    "tests/test_ci_demo.py",
    # Its module fixture compresses a 300 MB cell, again each time a process comes back to it.
    "tests/responsibility/test_excel_safety.py",
)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """xdist's `load` scheduling (its default, and `loadgroup`), with ONE_PROCESS kept whole.
    Bigger units go out first, so the production tests start while the rest is shared out."""
    if config.getvalue("dist") not in {"load", "loadgroup"}:
        return None
    from xdist.scheduler import LoadScopeScheduling

    class OneProcessGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((path for path in ONE_PROCESS if nodeid.startswith(path)), nodeid)

    return OneProcessGroups(config, log)


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
