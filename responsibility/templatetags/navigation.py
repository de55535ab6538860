"""The main navigation, rendered once per distinct look and then reused.

Every page carries it, and building its ~20 links took the template engine longer than the
rest of base.html (profiled against the province benchmark's database). What it shows depends
on a handful of values only: the person's roles, the current year, the unread count, whether
the accountability register exists for them, the language, and which section the path is in.
The template is rendered with exactly those values and nothing else, so anything it shows is
part of the key by construction: a value it does not receive it cannot show.
"""

from __future__ import annotations

import functools
import re
from types import SimpleNamespace
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# The sections the navigation highlights are fixed path prefixes; ids never matter to it.
DIGITS = re.compile(r"\d+")


@register.simple_tag(takes_context=True)
def nav_items(context: template.Context) -> SafeString:
    scope = context.get("nav_scope")
    if scope is None:  # a page rendered without the navigation context processor
        return mark_safe("")
    year = context.get("nav_year")
    return navigation_markup(
        translation.get_language(),
        get_script_prefix(),
        DIGITS.sub("0", context["request"].path),
        (scope.is_officer, scope.is_reviewer, scope.is_admin),
        year.year if year else None,
        int(evaluated(context.get("nav_unread")) or 0),
        bool(context.get("nav_case_register")),
    )


def evaluated(value: Any) -> Any:
    """What a context processor's SimpleLazyObject stands for (it proxies no `__int__`)."""
    if isinstance(value, SimpleLazyObject):
        bool(value)  # evaluates it once, as the template would
        return value._wrapped
    return value


@functools.lru_cache(maxsize=2048)
def navigation_markup(
    language: str | None,
    script_prefix: str,
    path: str,
    roles: tuple[bool, bool, bool],
    year: int | None,
    unread: int,
    case_register: bool,
) -> SafeString:
    del language, script_prefix  # part of the key: the render reads them itself
    is_officer, is_reviewer, is_admin = roles
    values: dict[str, Any] = {
        "path": path,
        "nav_scope": SimpleNamespace(
            is_officer=is_officer, is_reviewer=is_reviewer, is_admin=is_admin
        ),
        "nav_year": SimpleNamespace(year=year) if year is not None else None,
        "nav_unread": unread,
        "nav_case_register": case_register,
    }
    # Safe: the template's own output, autoescaped.
    return mark_safe(render_to_string("_nav_items.html", values))  # noqa: S308
