"""A rectification's state badge, built in Python: the ledger shows twenty a page, and as an
included template each cost more than the rest of its row."""

from __future__ import annotations

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    state = rectification.display_state
    icon = OVERDUE_ICON if state == Rectification.OVERDUE else ""
    label = escape(rectification.display_state_label)
    html = f'<span class="badge {BADGE.get(state, "text-bg-success")}">{icon}{label}</span>'
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
