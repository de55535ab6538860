"""A rectification's state badge, built in Python: the ledger shows fifty a page, and as an
included template each cost more than the rest of its row."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from responsibility.templatetags.fast_markup import url_pattern

from ..models import Rectification

register = template.Library()

BADGE = {
    Rectification.OVERDUE: "text-bg-danger",
    Rectification.State.PENDING: "text-bg-secondary",
    Rectification.State.IN_PROGRESS: "text-bg-primary",
    Rectification.State.SUBMITTED: "text-bg-warning",
}
OVERDUE_ICON = '<i class="bi bi-exclamation-octagon" aria-hidden="true"></i> '


@register.simple_tag
def state_badge(rectification: Rectification) -> SafeString:
    """The state (逾期 when open past its deadline), then the late and returned marks."""
    return badge(rectification, rectification.display_state_label)


def badge(rectification: Rectification, label: str) -> SafeString:
    state = rectification.display_state
    icon = OVERDUE_ICON if state == Rectification.OVERDUE else ""
    html = f'<span class="badge {BADGE.get(state, "text-bg-success")}">{icon}{escape(label)}</span>'
    if rectification.is_late:
        html += (
            ' <span class="badge text-bg-light border border-danger text-danger">'
            f"{escape(_('逾期提交'))}</span>"
        )
    if rectification.returned_count:
        n = rectification.returned_count
        text = ngettext("退回 %(n)s 次", "退回 %(n)s 次", n) % {"n": n}
        html += f' <span class="badge text-bg-light border">{escape(text)}</span>'
    # Safe: labels are escaped; the rest is fixed markup.
    return mark_safe(html)  # noqa: S308


@register.simple_tag
def ledger_rows(rectifications: Iterable[Rectification]) -> SafeString:
    """The ledger's rows: who, what (the problem cut to 70 characters), from where, who answers
    for it, by when, and the state badge. Labels and the link pattern are worked out once a
    page; row by row in the template they were most of the page's cost."""
    sources = {value: str(label) for value, label in Rectification.SourceType.choices}
    states = {value: str(label) for value, label in Rectification.State.choices}
    overdue = str(_("逾期"))
    detail_url = escape(url_pattern("rectification_detail"))
    rows = []
    for r in rectifications:
        organisation, person = r.organisation, r.responsible_person
        unit = organisation.unit.name if organisation.unit else ""
        state = overdue if r.display_state == Rectification.OVERDUE else states.get(r.state, "")
        rows.append(
            "<tr>"
            f'<td>{escape(organisation.name)}<div class="small text-secondary">{escape(unit)}</div>'
            "</td>"
            f'<td><a href="{detail_url.format(pk=r.pk)}">'
            f"{escape(Truncator(r.problem).chars(70))}</a></td>"
            f'<td class="small">{escape(sources.get(r.source_type, r.source_type))}</td>'
            f"<td>{escape(person.display_name if person else '') or '—'}</td>"
            f'<td class="text-nowrap">{r.deadline:%Y-%m-%d}</td>'
            f"<td>{badge(r, state)}</td>"
            "</tr>"
        )
    # Safe: every value from the database is escaped; the rest is fixed markup.
    return mark_safe("\n".join(rows))  # noqa: S308
