"""Pages at province scale stay bounded: the floor page and the paginated progress overview
(bench/README.md has the figures)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibility import scope, selectors
from responsibility.models import Organisation, Post
from responsibility.views.floor import FLOOR_ROWS
from tests.factories import UserFactory, World, make_world, org, post


def queries(client, url: str) -> tuple[int, object]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response


def add_branches(world: World, count: int) -> None:
    for number in range(count):
        branch = org(f"A-S{number}", "branch", world.organ_a, f"扩展支部{number}")
        post(UserFactory(), branch, Post.Kind.MEMBER)


@pytest.mark.django_db
def test_it_shows_at_most_fifty_organisations_on_the_floor_page(client) -> None:
    world = make_world()
    client.force_login(world.wc_reviewer)
    small, response = queries(client, reverse("floor"))
    assert len(response.context["rows"]) == 10
    add_branches(world, FLOOR_ROWS + 5)
    large, response = queries(client, reverse("floor"))
    assert small == large
    assert len(response.context["rows"]) == FLOOR_ROWS
    assert "性能基准页" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_pages_the_progress_overview_with_a_fixed_query_count(
    active_world: World, client
) -> None:
    world = active_world
    client.force_login(world.wc_reviewer)
    url = reverse("progress_overview")
    first, response = queries(client, url)
    assert len(response.context["rows"]) == 7  # every organisation with a checklist
    add_branches(world, selectors.progress.PROGRESS_PAGE_SIZE + 3)
    scope.forget(world.wc_reviewer)
    page_one, response = queries(client, url)
    overview = response.context["overview"]
    assert len(overview.rows) == selectors.progress.PROGRESS_PAGE_SIZE
    assert overview.page.paginator.count == 7 + selectors.progress.PROGRESS_PAGE_SIZE + 3
    page_two, response = queries(client, f"{url}?page=2")
    assert len(response.context["rows"]) == 10
    assert first == page_one == page_two
    text = response.content.decode()
    assert 'aria-current="page"><span class="page-link">2</span>' in text
    assert 'href="?page=1"' in text


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_narrows_the_progress_overview_to_a_unit(active_world: World, client) -> None:
    world = active_world
    client.force_login(world.wc_reviewer)
    response = client.get(reverse("progress_overview"), {"unit": world.unit_b.pk})
    overview = response.context["overview"]
    codes = dict(Organisation.objects.values_list("pk", "code"))
    assert [codes[row.organisation_id] for row in overview.rows] == ["B-DZ", "B-JGDW", "B-ZB1"]
    assert [name for _, name in overview.units] == ["甲厅", "乙厅"]
    assert all(row.unit_name == "乙厅" for row in overview.rows)
    body = response.content.decode()
    assert f'<option value="{world.unit_b.pk}" selected>乙厅</option>' in body
    assert f'<option value="{world.unit_a.pk}">甲厅</option>' in body
    months = [f'<th scope="col" class="grid-cell">{month}月</th>' for month in range(1, 13)]
    assert "".join(months) in body
    cell = next(c for row in overview.rows for c in row.months if c.total)
    assert cell.label.endswith(f"月 已完成 {cell.done} / {cell.total}")
    assert f'aria-label="{cell.label}">{cell.done}/{cell.total}</a>' in body
    # A unit reviewer reviews inside one unit: no filter to offer.
    client.force_login(world.unit_a_reviewer)
    assert client.get(reverse("progress_overview")).context["overview"].units == []
