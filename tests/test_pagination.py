"""The one pagination partial (templates/_pagination.html) every long list uses."""

from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory

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
