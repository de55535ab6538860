"""Page numbers for the shared pagination partial (templates/_pagination.html)."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

register = template.Library()


@register.simple_tag
def page_numbers(page: Page) -> list[int | str]:
    """1 2 … 7 8 [9] 10 11 … 59 60: every list of the province stays a short row of links."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
