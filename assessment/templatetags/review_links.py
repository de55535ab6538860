"""The link from an organisation's pages to its open quarterly review.

The organisation and checklist pages belong to `responsibility`, which never imports this app
(style.md: responsibility ← assessment); their templates load this tag, as they already name
this app's URLs, and the tag asks `selectors.open_review`: no query for people who may not
review the organisation, one for those who may."""

from __future__ import annotations

from typing import Any

from django import template

from responsibility.models import Organisation, Year

from .. import selectors

register = template.Library()


@register.inclusion_tag("assessment/_open_review_link.html", takes_context=True)
def open_review_link(
    context: template.Context, organisation: Organisation, year: Year | None = None
) -> dict[str, Any]:
    return {
        "open": selectors.open_review(context["request"].user, organisation, year=year),
        "organisation": organisation,
        "csrf_token": context.get("csrf_token"),
    }
