"""The Jinja2 environment for the row fragments of the long pages (bench/README.md).

The Django template language renders every page; a loop of hundreds of cells renders from a
Jinja2 fragment instead (autoescaped, as Django's backend sets it), fed by the typed rows a
selector returns, and included with `{% fragment %}` (responsibility/templatetags/fragments.py).
The filters are the few the fragments use, Django's own, so that they print what the Django
templates print; rows carry their links, so there is no `url` global to reverse one a row.
"""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import floatformat, linebreaksbr, truncatechars
from django.utils import translation
from jinja2 import Environment


def environment(**options: Any) -> Environment:
    # Django's backend passes autoescape=True unless the settings say otherwise; they do not.
    options["autoescape"] = True
    env = Environment(extensions=["jinja2.ext.i18n"], **options)  # noqa: S701 (set above)
    env.install_gettext_translations(translation, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        floatformat=floatformat,
        truncatechars=truncatechars,
        # Django's, escaping first (autoescape=True), then marked safe as in its templates.
        linebreaksbr=lambda value: linebreaksbr(value, autoescape=True),
    )
    return env
