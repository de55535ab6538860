"""The annual results list's rows, built in Python (see responsibility/templatetags/
fast_markup.py for why): ten cells a row, fifty rows a page, took about half of the page's
time through the template engine."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from responsibility.templatetags.fast_markup import fixed, url_pattern

from .. import stale
from ..models import AnnualResult, Grade

if TYPE_CHECKING:
    from ..dashboards import UnitAverage

register = template.Library()

DASH = "—"


@register.simple_tag
def result_rows(results: Iterable[AnnualResult]) -> SafeString:
    grades = {value: escape(label) for value, label in Grade.choices}
    published, unpublished = escape(gettext("已发布")), escape(gettext("未发布"))
    stale_badge = escape(gettext("待更新"))
    detail_url = escape(url_pattern("result_detail"))
    rows = []
    for r in results:
        organisation = r.organisation
        unit = organisation.unit.name if organisation.unit else ""
        note = ""
        if r.grade_note:
            text = escape(r.grade_note)
            note = (
                f' <i class="bi bi-info-circle" role="img" title="{text}" aria-label="{text}"></i>'
            )
        state = published if r.published_at else unpublished
        if r.version > 1:
            state += f" · v{r.version}"
        mark = stale.mark_of(r.stale_since, r.stale_reasons)
        if mark is not None:
            state += (
                f' <span class="badge text-bg-warning">{stale_badge}</span>'
                f'<div class="small text-secondary">{escape(mark.summary())}</div>'
            )
        rows.append(
            "<tr>"
            f'<td><a href="{detail_url.format(pk=r.pk)}">{escape(organisation.name)}</a>'
            f'<div class="small text-secondary">{escape(unit)}</div></td>'
            f'<td class="small">{escape(organisation.tier.name)}</td>'
            f'<td class="text-end">{fixed(r.process_score)}</td>'
            f'<td class="text-end">{fixed(r.quarterly_score) or DASH}</td>'
            f'<td class="text-end">{fixed(r.year_end_score) or DASH}</td>'
            f'<td class="text-end">{fixed(r.ledger_points, "-2")}</td>'
            f'<td class="text-end fw-bold">{fixed(r.composite)}</td>'
            f'<td><span class="badge grade-{escape(r.grade)}">'
            f"{grades.get(r.grade, escape(r.grade))}</span>{note}</td>"
            f'<td class="text-end">{r.rank_in_tier or DASH}</td>'
            f'<td class="small">{state}</td>'
            "</tr>"
        )
    # Safe: every value from the database is escaped; the rest is fixed markup and numbers.
    return mark_safe("\n".join(rows))  # noqa: S308


@register.simple_tag
def unit_average_rows(units: Iterable[UnitAverage], results_url: str) -> SafeString:
    """The dashboard's table of unit averages: a province has a hundred units with three
    scores each; formatting them in the template was about a third of the page's time."""
    unassigned = escape(gettext("未归属单位"))
    url = escape(results_url)
    rows = []
    for unit in units:
        name = unassigned
        if unit.unit_id:
            name = f'<a href="{url}?unit={unit.unit_id}">{escape(unit.unit_name)}</a>'
        rows.append(
            f'<tr><th scope="row" class="fw-normal">{name}</th>'
            f'<td class="text-end">{unit.count}</td>'
            f'<td class="text-end fw-bold">{fixed(unit.average)}</td>'
            f'<td class="text-end">{fixed(unit.lowest)}</td>'
            f'<td class="text-end">{fixed(unit.highest)}</td></tr>'
        )
    # Safe: names and the URL are escaped; the rest are numbers and fixed markup.
    return mark_safe("".join(rows))  # noqa: S308
