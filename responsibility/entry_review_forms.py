"""Forms of the per-entry review (履责记实逐条审核, issue #20.2): a decision on one entry, and
the sample a reviewer draws. They check shape; the rules live in services.entry_reviews."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors.entry_reviews import DEFAULT_PERCENT

ACCEPT, RETURN = "accept", "return"


class EntryReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=[(ACCEPT, _("认可")), (RETURN, _("退回修改"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择认可或退回。")},
    )
    reason = forms.CharField(
        label=_("审核意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必须说明原因，填报人将看到这段话。"),
        error_messages={"max_length": _("审核意见不能超过 500 字。")},
    )
    # The entry's version when the page was opened: a decision on what the reviewer read.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    sampled = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == RETURN and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("退回必须说明原因。"))
        return cleaned

    @property
    def accept(self) -> bool:
        return bool(self.cleaned_data["decision"] == ACCEPT)


class EntrySampleForm(forms.Form):
    """The draw's parameters, read from the query string: every field has a default."""

    quarter = forms.TypedChoiceField(
        label=_("季度"),
        coerce=int,
        choices=[(q, _("第%(q)s季度") % {"q": q}) for q in range(1, 5)],
    )
    percent = forms.IntegerField(
        label=_("抽查比例（%）"),
        min_value=1,
        max_value=100,
        initial=DEFAULT_PERCENT,
        error_messages={
            "min_value": _("抽查比例应在 1 到 100 之间。"),
            "max_value": _("抽查比例应在 1 到 100 之间。"),
            "invalid": _("抽查比例应为整数。"),
        },
    )
    seed = forms.IntegerField(
        label=_("随机种子"),
        min_value=0,
        max_value=2**31 - 1,
        help_text=_("同一种子、同一批待审核记实，抽到的记实相同。"),
        error_messages={
            "min_value": _("随机种子应为非负整数。"),
            "max_value": _("随机种子过大。"),
            "invalid": _("随机种子应为整数。"),
        },
    )
