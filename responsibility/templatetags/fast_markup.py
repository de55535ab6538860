"""Markup of the inner loops of the largest pages, built in Python.

The template engine costs a few microseconds per variable and far more per blocktranslate or
`get_FOO_display`; in a loop of hundreds of cells that was most of the page. Profiled on the
province benchmark (bench/README.md): the progress overview's 50 × 12 month cells took ~35 ms
of a ~50 ms page, a branch checklist's 81 obligation chips ~15 ms of ~25 ms. Built here they
cost a few milliseconds. The markup is what the templates produced.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..models import Obligation
from ..selectors.checklists import ProgressRow

register = template.Library()


def fixed(value: object, places: int | str = 2) -> str:
    """`floatformat` for rows built in Python, at a fraction of its cost (~25 µs a call, six a
    row of the results list): `fixed(v)` → "89.50", `fixed(v, "-2")` → "89.5" or "2" (trailing
    zeros dropped). Scores print with a point in every language the product speaks; blank
    stays blank."""
    if value is None or value == "":
        return ""
    text = str(places)
    trim = text.startswith("-")
    digits = int(text.lstrip("-"))
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    except (ArithmeticError, ValueError):
        return str(value)
    formatted = f"{number:f}"
    if trim and "." in formatted:
        formatted = formatted.rstrip("0").rstrip(".")
    return formatted


CHECK = ' <i class="bi bi-check" aria-hidden="true"></i>'
EXCLAMATION = ' <i class="bi bi-exclamation" aria-hidden="true"></i>'


@register.simple_tag
def month_cells(row: ProgressRow, checklist_url: str) -> SafeString:
    """One `<td>` per month, linking to the checklist filtered to that month."""
    label = gettext("%(m)s月 已完成 %(d)s / %(t)s")
    url = escape(checklist_url)
    cells = []
    for month, cell in enumerate(row.months, start=1):
        link = ""
        if cell.total:
            text = escape(label % {"m": month, "d": cell.done, "t": cell.total})
            link = f'<a href="{url}?month={month}" aria-label="{text}">{cell.done}/{cell.total}</a>'
        cells.append(f'<td class="grid-cell light-{cell.light}">{link}</td>')
    # Safe: the URL and label are escaped, the rest are integers and a fixed colour name.
    return mark_safe("".join(cells))  # noqa: S308


@register.simple_tag
def obligation_chips(obligations: Iterable[Obligation]) -> SafeString:
    """One chip per obligation: period, three-colour light, done tick, late mark."""
    today = timezone.localdate()
    due_word = gettext("截止")
    late_word = escape(gettext("逾期完成"))
    statuses = {value: str(label) for value, label in Obligation.Status.choices}
    chips = []
    for obligation in obligations:
        light = obligation.light(today)
        title = (
            f"{obligation.period_label} · {due_word} {obligation.due_date:%Y-%m-%d}"
            f" · {statuses.get(obligation.status, obligation.status)}"
        )
        mark = ""
        if obligation.status == Obligation.Status.DONE:
            mark = CHECK
        elif light == Obligation.Light.RED:
            mark = EXCLAMATION
        if obligation.is_late:
            title += f" · {gettext('逾期完成')}"
            mark += f'<span class="visually-hidden">{late_word}</span>*'
        chips.append(
            f'<a class="obligation-chip light-{light} status-{escape(obligation.status)}" '
            f'href="{escape(obligation.get_absolute_url())}" title="{escape(title)}">'
            f"{escape(obligation.period_label)}{mark}</a>"
        )
    # Safe: every value from the database is escaped; the rest is fixed markup.
    return mark_safe("\n".join(chips))  # noqa: S308
