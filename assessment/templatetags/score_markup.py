"""The scoring page's inputs, built in Python (see responsibility/templatetags/fast_markup.py
for why): a branch's review has 22 items, each with a score and a reason input, and through
the template engine their labels, values and errors were about a third of the page's time.
The rest of each row (the item, its facts for the quarter, read-only scores) is in
templates/assessment/review_score.html."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.forms import BoundField
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from responsibility.templatetags.fast_markup import obligation_chips

from ..selectors import ItemFacts

register = template.Library()


@register.simple_tag
def score_inputs(score: BoundField, reason: BoundField, max_points: Decimal) -> SafeString:
    """The score and reason cells of an editable row, keeping what was typed, with errors."""
    score_input = _input(
        score, f'type="number" step="0.01" min="0" max="{escape(localize(max_points))}"'
    )
    reason_input = _input(reason, 'type="text" maxlength="500"')
    # Safe: labels, values and errors are escaped; the rest is fixed markup.
    return mark_safe(  # noqa: S308
        f'<td class="score-cell">{score_input}</td>\n    <td>{reason_input}</td>'
    )


@register.simple_tag
def quarter_chips(facts: ItemFacts) -> SafeString:
    """The item's obligations in the quarter as the checklist page's chips."""
    return obligation_chips(facts.obligations)


def _input(field: BoundField, kind: str) -> str:
    """A labelled input keeping what was typed, with its errors below it."""
    field_id = escape(field.id_for_label)
    errors = field.errors
    value = field.value()
    shown = "" if value is None else escape(localize(value))
    invalid = " is-invalid" if errors else ""
    described = f' aria-describedby="{field_id}_err"' if errors else ""
    messages = "".join(
        f'<div class="invalid-feedback" id="{field_id}_err">{escape(error)}</div>'
        for error in errors
    )
    return (
        f'<label class="visually-hidden" for="{field_id}">{escape(field.label)}</label>'
        f'<input {kind} class="form-control form-control-sm{invalid}" id="{field_id}" '
        f'name="{escape(field.html_name)}" value="{shown}"{described}>{messages}'
    )
