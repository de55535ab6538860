"""Django's own sessions and auth backend: what a sign-out or a password change ends."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, World

PAGE = "organisation_tree"


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302
    return client


def signed_out(client: Client) -> bool:
    response = client.get(reverse(PAGE))
    assert response.status_code in (200, 302)
    return response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_it_signs_in_through_djangos_model_backend(world: World) -> None:
    client = signed_in("officer_a")
    session = Session.objects.get().get_decoded()
    assert session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert not signed_out(client)


@pytest.mark.django_db
def test_it_ends_the_persons_other_sessions_when_the_password_changes(world: World) -> None:
    here, elsewhere, someone_else = (
        signed_in("officer_a"),
        signed_in("officer_a"),
        signed_in("officer_b"),
    )
    response = here.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-Password-2027",
            "new_password2": "Fresh-Password-2027",
        },
    )
    assert response.status_code == 302
    # Django's session auth hash: the session that changed it stays, every other one ends.
    assert not signed_out(here)
    assert signed_out(elsewhere)
    assert not signed_out(someone_else)


@pytest.mark.django_db
def test_it_ends_the_session_on_every_worker_when_signing_out_on_one(world: World) -> None:
    """Two web workers share nothing but the database: with the database session engine, a
    second client presenting the same cookie stands for the other worker."""
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    worker_a = signed_in("officer_a")
    cookie = worker_a.cookies[settings.SESSION_COOKIE_NAME].value
    worker_b = Client()
    worker_b.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert not signed_out(worker_b)

    worker_a.post(reverse("logout"))

    assert not Session.objects.filter(session_key=cookie).exists()
    assert signed_out(worker_b)
