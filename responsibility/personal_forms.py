"""Forms of a leader's arrangements (个人履责, #19.1): their 分管 and 联系支部 links."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from .forms import DateInput, model_choice_field
from .models import Frequency, LeaderLink, Organisation


class LeaderLinkForm(forms.Form):
    """A leader's 分管 department or 联系支部 (domain.md §8b), with dates."""

    kind = forms.ChoiceField(label=_("类别"), choices=LeaderLink.Kind.choices)
    organisation = forms.ModelChoiceField(
        label=_("联系（分管）支部"),
        queryset=Organisation.objects.none(),
        help_text=_("联系支部：所联系的党支部；分管：所分管部门的党支部。"),
    )
    department = forms.CharField(
        label=_("分管部门"), required=False, max_length=100, help_text=_("类别为“分管”时填写。")
    )
    start_date = forms.DateField(label=_("开始日期"), widget=DateInput())
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DateInput())

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = organisations

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        if data.get("kind") == LeaderLink.Kind.IN_CHARGE and not data.get("department", "").strip():
            self.add_error("department", _("分管请填写分管部门。"))
        return data


class LeaderLinkEndForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    end_date = forms.DateField(label=_("结束日期"), widget=DateInput())


class PersonalDutyForm(forms.Form):
    """Adjust one person's duty before the year starts: its wording, schedule, or switch it off."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    content = forms.CharField(
        label=_("工作内容"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    standard = forms.CharField(
        label=_("完成标准"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    frequency = forms.ChoiceField(
        label=_("频次"),
        choices=[
            (value, label)
            for value, label in Frequency.choices
            if value
            in (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY)
        ],
    )
    due_days = forms.IntegerField(
        label=_("截止天数"),
        min_value=0,
        max_value=365,
        help_text=_("周期结束后多少天内完成。"),
    )
    evidence = forms.CharField(label=_("佐证材料"), required=False, max_length=200)
    is_active = forms.BooleanField(
        label=_("启用"), required=False, help_text=_("取消勾选则本年度不再生成该项任务。")
    )
