import pytest
from django.test import Client

from tests.factories import World, make_world


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
