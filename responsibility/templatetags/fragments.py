"""`{% fragment "app/_rows.html" rows=rows %}`: a Jinja2 row fragment inside a Django page."""

from __future__ import annotations

from typing import Any

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def fragment(name: str, **context: Any) -> SafeString:
    """The fragment rendered with only the values passed (no request, no context processors:
    rows carry what they show). Safe: the Jinja2 environment autoescapes every value."""
    return mark_safe(engines["jinja2"].get_template(name).render(context))  # noqa: S308
