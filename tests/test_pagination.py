"""The one pagination partial (templates/_pagination.html) every long list uses, and the
one-query pages of the longest lists (responsibility/pagination.py)."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.template import RequestContext, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from responsibility.models import Year
from responsibility.pagination import pk_page
from responsibility.templatetags.paging import page_numbers


def render(page, path: str) -> str:
    request = RequestFactory().get(path)
    return Template('{% include "_pagination.html" %}').render(
        RequestContext(request, {"page": page})
    )


def test_a_long_list_shows_its_ends_its_neighbours_and_ellipses() -> None:
    page = Paginator(range(60), 1).page(30)
    assert page_numbers(page) == [1, "…", 28, 29, 30, 31, 32, "…", 60]
    html = render(page, "/assessment/results/2026/?tier=3&page=30")
    assert 'aria-current="page"><span class="page-link">30</span>' in html
    assert html.count("…") == 2
    # Every link keeps the list's filters and changes only the page.
    assert 'href="?tier=3&amp;page=29"' in html
    assert 'href="?tier=3&amp;page=60"' in html


def test_a_single_page_has_no_pagination() -> None:
    assert render(Paginator(range(3), 10).page(1), "/x/").strip() == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "number", [1, 2, "5", 5, None, "abc", "2.0", 2.0, 2.5, 6, "99", 0, -1, "last"]
)
def test_pk_page_gives_the_page_paginator_gives(number) -> None:
    Year.objects.bulk_create(Year(year=year) for year in range(2000, 2023))
    years = Year.objects.order_by("-year")
    expected = Paginator(years.values_list("pk", flat=True), 5).get_page(number)
    page = pk_page(years, number, 5)
    assert page.number == expected.number
    assert page.object_list == list(expected.object_list)
    assert page.paginator.count == 23
    assert page.paginator.num_pages == 5
    assert page.has_next() == expected.has_next()


@pytest.mark.django_db
def test_pk_page_asks_once_for_a_page_that_exists() -> None:
    Year.objects.bulk_create(Year(year=year) for year in range(2000, 2023))
    years = Year.objects.order_by("year")
    pk = dict(years.values_list("year", "pk"))
    with CaptureQueriesContext(connection) as inside:
        page = pk_page(years, 3, 5)
    assert len(inside) == 1
    assert page.object_list == [pk[year] for year in range(2010, 2015)]
    with CaptureQueriesContext(connection) as past:
        page = pk_page(years, 9, 5)
    assert len(past) == 3  # the empty page, the count, the last page
    assert page.object_list == [pk[2020], pk[2021], pk[2022]]


@pytest.mark.django_db
def test_pk_page_of_an_empty_list_is_one_empty_page() -> None:
    page = pk_page(Year.objects.order_by("year"), 4, 5)
    assert page.number == 1
    assert page.object_list == []
    assert page.paginator.count == 0
    assert not page.has_other_pages()
