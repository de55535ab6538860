"""The main navigation, rendered once per distinct look and then reused.

Every page carries it, and building its ~20 links took the template engine longer than the
rest of base.html (profiled against the province benchmark's database). What it shows depends
on a handful of values only: the person's menu (context_processors.Menu, one flag per scope
question), the current year, the unread count, the language, and which section the path is in.
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

from ..context_processors import Menu

register = template.Library()

# The sections the navigation highlights are fixed path prefixes; ids never matter to it.
DIGITS = re.compile(r"\d+")


@register.simple_tag(takes_context=True)
def nav_items(context: template.Context) -> SafeString:
    menu = context.get("nav_menu")
    if menu is None:  # a page rendered without the navigation context processor
        return mark_safe("")
    year = context.get("nav_year")
    return navigation_markup(
        translation.get_language(),
        get_script_prefix(),
        DIGITS.sub("0", context["request"].path),
        menu,
        year.year if year else None,
        int(evaluated(context.get("nav_unread")) or 0),
    )


def evaluated(value: Any) -> Any:
    """What a context processor's SimpleLazyObject stands for (it proxies no `__int__`)."""
    if isinstance(value, SimpleLazyObject):
        bool(value)  # evaluates it once, as the template would
        # The stubs omit `_wrapped`, Django's own slot for the evaluated value.
        return value._wrapped  # type: ignore[attr-defined]
    return value


@functools.lru_cache(maxsize=2048)
def navigation_markup(
    language: str | None,
    script_prefix: str,
    path: str,
    menu: Menu,
    year: int | None,
    unread: int,
) -> SafeString:
    del language, script_prefix  # part of the key: the render reads them itself
    values: dict[str, Any] = {
        "path": path,
        "nav_menu": menu,
        "nav_year": SimpleNamespace(year=year) if year is not None else None,
        "nav_unread": unread,
    }
    # Safe: the template's own output, autoescaped.
    return mark_safe(render_to_string("_nav_items.html", values))  # noqa: S308
