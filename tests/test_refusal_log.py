"""Expected refusals (403, a scope 404) log one line without a traceback (issue #17, item 8),
and a liaison officer cannot assign a rectification the UI never offers them (domain.md §8a)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from accountability.models import Rectification
from responsibility.logs import ExpectedRefusalFilter
from tests.accountability.support import finding_of
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusal_filter() -> Iterator[None]:
    """The filter as settings.LOGGING sets it on `django.request`."""
    request_logger = logging.getLogger("django.request")
    refusal = ExpectedRefusalFilter()
    request_logger.addFilter(refusal)
    yield
    request_logger.removeFilter(refusal)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in ("django.request", "responsibility.access")]


@pytest.mark.usefixtures("refusal_filter")
@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        pytest.param("officer_a", lambda w: reverse("scheme_edit", args=[w.year.year]), 403),
        pytest.param("officer_b", lambda w: w.branch_a.get_absolute_url(), 404, id="scope-404"),
    ],
)
def test_it_logs_an_expected_refusal_as_one_line(
    active_world: World, caplog: pytest.LogCaptureFixture, who: str, url, status: int
) -> None:
    user = getattr(active_world, who)
    with caplog.at_level(logging.INFO):
        response = signed_in(user).get(url(active_world))
    assert response.status_code == status
    [line] = lines(caplog)
    assert line.exc_info is None
    message = line.getMessage()
    assert f"status={status}" in message
    assert f"user={user.username}" in message
    assert "method=GET" in message
    assert f"path={url(active_world)}" in message
    assert "reason=" in message


@pytest.mark.usefixtures("refusal_filter")
def test_it_leaves_a_missing_page_to_djangos_own_line(
    active_world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        response = signed_in(active_world.officer_a).get("/no-such-page/")
    assert response.status_code == 404
    [line] = lines(caplog)
    assert line.name == "django.request"
    assert line.exc_info is None


def test_it_refuses_a_liaison_the_rectification_of_their_own_finding(
    active_world: World,
) -> None:
    world = active_world
    finding = finding_of(world)
    liaison = signed_in(world.liaison)
    page = liaison.get(finding.get_absolute_url())
    assert page.status_code == 200
    assert reverse("rectification_from_source") not in page.content.decode()
    assert (
        reverse("rectification_from_source")
        not in liaison.get(reverse("rectification_list")).content.decode()
    )
    response = liaison.post(
        reverse("rectification_from_source"),
        {
            "source_type": "finding",
            "source_id": finding.pk,
            "problem": "整改会议记录",
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 403
    assert not Rectification.objects.exists()
    reviewer = signed_in(world.unit_a_reviewer).get(finding.get_absolute_url())
    assert reverse("rectification_from_source") in reviewer.content.decode()
