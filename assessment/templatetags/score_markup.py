"""The scoring page's rows, built in Python (see responsibility/templatetags/fast_markup.py
for why): a branch's review has 22 items, each with a score and a reason input, and through
the template engine their labels, values and errors were about a third of the page's time."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from responsibility.templatetags.fast_markup import fixed

from ..forms import ReviewScoreForm

register = template.Library()


@register.simple_tag
def score_rows(form: ReviewScoreForm, editable: bool) -> SafeString:
    """Item (reference, content cut to 60 characters, deduction rule), points, then the score
    and reason inputs with their errors; the inputs are disabled when the review is not
    editable."""
    disabled = "" if editable else " disabled"
    rows = []
    for row, score, reason in form.rows:
        item = row.item
        rule = (
            f'<div class="small text-secondary">{escape(item.deduction_rule)}</div>'
            if item.deduction_rule
            else ""
        )
        score_input = _input(
            score,
            f'type="number" step="0.01" min="0" max="{escape(localize(row.max_points))}"',
            disabled,
        )
        reason_input = _input(reason, 'type="text" maxlength="500"', disabled)
        rows.append(
            "<tr>\n"
            f'    <td><span class="small text-secondary">{escape(item.ref)}</span> '
            f"{escape(Truncator(item.content).chars(60))}{rule}</td>\n"
            f'    <td class="text-end">{fixed(row.max_points, "-2")}</td>\n'
            f'    <td class="score-cell">{score_input}</td>\n'
            f"    <td>{reason_input}</td>\n"
            "  </tr>"
        )
    # Safe: labels, values and errors are escaped; the rest is fixed markup.
    return mark_safe("\n  ".join(rows))  # noqa: S308


def _input(field: BoundField, kind: str, disabled: str) -> str:
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
        f'name="{escape(field.html_name)}" value="{shown}"{disabled}{described}>{messages}'
    )
