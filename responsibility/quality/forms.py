"""The reviewer's dismissal form (排除质量提示)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DismissForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("排除原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("说明核实情况，例如“同一次会议同时佐证两项任务，已核实”。"),
        error_messages={"required": _("排除质量提示必须说明原因。")},
    )
    back = forms.ChoiceField(
        choices=[("obligation", "obligation"), ("list", "list")],
        widget=forms.HiddenInput,
        required=False,
    )
