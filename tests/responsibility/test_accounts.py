import datetime

import pytest
import time_machine
from django.contrib.auth.hashers import get_hasher
from django.urls import reverse
from django.utils import timezone

from tests.factories import PASSWORD, World


def attempt(client, username: str, password: str):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.8",
    )


@pytest.mark.django_db
def test_it_logs_in_and_out(world: World, client) -> None:
    response = attempt(client, "officer_a", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("organisation_tree")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("organisation_tree")).status_code == 302


@pytest.mark.django_db
def test_it_explains_a_wrong_password_in_chinese_and_keeps_the_username(
    world: World, client
) -> None:
    response = attempt(client, "officer_a", "wrong")
    text = response.content.decode()
    assert response.status_code == 200
    assert "用户名或密码不正确" in text
    assert 'value="officer_a"' in text


@pytest.mark.django_db
@pytest.mark.real_password_hasher
def test_it_locks_after_five_failures_and_lifts_by_itself(world: World, client) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client, "officer_a", "wrong")
        locked = attempt(client, "officer_a", PASSWORD)
        assert locked.status_code == 429
        assert "已暂时锁定" in locked.content.decode()
        # Another account from the same address is not locked: username + IP.
        assert attempt(client, "officer_b", PASSWORD).status_code == 302
    with time_machine.travel(start + datetime.timedelta(minutes=16), tick=False):
        assert attempt(client, "officer_a", PASSWORD).status_code == 302


@pytest.mark.django_db
@pytest.mark.real_password_hasher
def test_it_changes_the_password(world: World, client) -> None:
    client.force_login(world.officer_a)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fresh-Password-2027",
            "new_password2": "Fresh-Password-2027",
        },
    )
    assert response.status_code == 302
    world.officer_a.refresh_from_db()
    assert world.officer_a.check_password("Fresh-Password-2027")
    # Stored by production's hasher, not the tests' fast one.
    assert world.officer_a.password.split("$")[0] == get_hasher().algorithm != "md5"


@pytest.mark.django_db
def test_it_refuses_a_login_post_without_csrf_token(world: World) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "officer_a", "password": PASSWORD})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.8"),  # no proxy: the header is the client's own claim
        (1, "203.0.113.9", "203.0.113.9"),  # nginx replaced the header with what it saw
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # a forged entry on the left
        (2, "198.51.100.1, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (1, "", "10.0.0.8"),  # not through the proxy
        (1, "not-an-address", "10.0.0.8"),
    ],
)
def test_it_reads_the_client_address_the_outermost_proxy_saw(
    settings, rf, proxies: int, forwarded: str, expected: str
) -> None:
    from responsibility.client_ip import client_ip

    settings.PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.0.0.8", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
@pytest.mark.real_password_hasher
def test_it_locks_the_address_behind_the_proxy_not_the_proxy(
    world: World, client, settings
) -> None:
    settings.PROXY_COUNT = 1

    def through_nginx(address: str, password: str):
        return client.post(
            reverse("login"),
            {"username": "officer_a", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=address,
        )

    for _ in range(5):
        through_nginx("203.0.113.9", "wrong")
    assert through_nginx("203.0.113.9", PASSWORD).status_code == 429
    # The same person from another address, through the same nginx, is not locked out.
    assert through_nginx("198.51.100.20", PASSWORD).status_code == 302
