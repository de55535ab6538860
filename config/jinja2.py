"""The Jinja2 environment for the row fragments of the long pages (bench/README.md).

The Django template language renders every page; a loop of hundreds of cells renders from a
Jinja2 fragment instead (autoescaped, as Django's backend sets it), fed by the typed rows a
selector returns, and included with `{% fragment %}` (responsibility/templatetags/fragments.py).
The filters are the few the fragments use, Django's own, so that they print what the Django
templates print; rows carry their links, so there is no `url` global to reverse one a row.
`floatformat` is Django's answer by a shorter road for the scores the fragments print.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.template import defaultfilters
from django.template.defaultfilters import linebreaksbr, truncatechars
from django.utils import formats, translation
from jinja2 import Environment

PLACES = re.compile(r"-?\d{1,2}")


def floatformat(value: Any, arg: int | str = -1) -> str:
    """Django's `floatformat`, the same text, for the ints and finite Decimals of scores; any
    other value or argument (floats, text, the "g" and "u" suffixes, grouping switched on)
    goes to Django's own. Django's takes every number through its text, a Decimal context and
    the locale's number formatting: a quarter of the results list's and the dashboard's
    rendering (bench/README.md). tests/test_fragments.py compares the two over a range of
    values, places and locales."""
    if (
        type(value) not in (Decimal, int)
        or settings.USE_THOUSAND_SEPARATOR
        or not (isinstance(arg, int) or PLACES.fullmatch(arg))
        or (isinstance(value, Decimal) and not value.is_finite())
    ):
        return str(defaultfilters.floatformat(value, arg))
    places = int(arg)
    if places <= 0 and value == int(value):
        return str(int(value))
    try:
        rounded = Decimal(value).quantize(Decimal(1).scaleb(-abs(places)), ROUND_HALF_UP)
    except InvalidOperation:
        return str(defaultfilters.floatformat(value, arg))
    text = f"{rounded if rounded else abs(rounded):f}"  # never "-0.00", as Django
    if _points_only():
        return text
    separator = str(formats.get_format("DECIMAL_SEPARATOR"))
    return text if separator == "." else text.replace(".", separator)


@functools.cache
def _points_only() -> bool:
    """Do all the product's languages write a decimal point? Then the active one needs no
    lookup, which cost as much as the rest of the filter (tests clear this under other
    LANGUAGES)."""
    return all(
        formats.get_format("DECIMAL_SEPARATOR", code) == "." for code, _ in settings.LANGUAGES
    )


def gettext(message: str, /, **variables: Any) -> str:
    """`_()` in the fragments: Django's translation, formatted with the keyword arguments as
    Jinja's "newstyle" gettext formats them. Jinja's own goes through the template context and
    formats into Markup, escaping each argument: 1.1 ms of the scoring page's 22 rows, 0.1 ms
    this way. It returns text, which autoescaping escapes whole on output: the same HTML, as
    no translation the fragments use holds markup (tests/test_fragments.py checks)."""
    return translation.gettext(message) % variables


def ngettext(singular: str, plural: str, number: int, /, **variables: Any) -> str:
    return translation.ngettext(singular, plural, number) % ({"num": number} | variables)


def environment(**options: Any) -> Environment:
    # Django's backend passes autoescape=True unless the settings say otherwise; they do not.
    options["autoescape"] = True
    env = Environment(extensions=["jinja2.ext.i18n"], **options)  # noqa: S701 (set above)
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)
    env.filters.update(
        floatformat=floatformat,
        truncatechars=truncatechars,
        # Django's, escaping first (autoescape=True), then marked safe as in its templates.
        linebreaksbr=lambda value: linebreaksbr(value, autoescape=True),
    )
    return env
