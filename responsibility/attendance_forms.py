"""Forms of named attendance: the roster marked present, absent or on leave, and a 补课."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import DateInput
from .models import MeetingAttendance
from .selectors import AttendanceRow

Status = MeetingAttendance.Status


class AttendanceForm(forms.Form):
    """One radio group and one reason per roster member: `status_<pk>`, `reason_<pk>`."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    makeup_due = forms.DateField(
        label=_("补课期限"),
        required=False,
        widget=DateInput(),
        help_text=_("缺席或请假的同志须在此日期前完成补课，逾期将提醒其本人和支部书记。"),
    )

    def __init__(
        self,
        *args: Any,
        rows: list[AttendanceRow],
        version: int,
        held_on: datetime.date,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": version,
                "makeup_due": held_on + datetime.timedelta(days=services.MAKEUP_DAYS),
                **{f"status_{row.person.pk}": row.status or Status.PRESENT for row in rows},
                **{f"reason_{row.person.pk}": row.reason for row in rows},
            },
        )
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            name = row.person.display_name
            self.fields[f"status_{row.person.pk}"] = forms.ChoiceField(
                label=name, choices=Status.choices, widget=forms.RadioSelect
            )
            self.fields[f"reason_{row.person.pk}"] = forms.CharField(
                label=_("%(name)s的缺席（请假）原因") % {"name": name},
                required=False,
                max_length=200,
            )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for row in self.rows:
            status = data.get(f"status_{row.person.pk}")
            if status and status != Status.PRESENT and not data.get(f"reason_{row.person.pk}"):
                self.add_error(f"reason_{row.person.pk}", _("缺席或请假时请填写原因。"))
        if any(
            data.get(f"status_{row.person.pk}") not in (None, Status.PRESENT) for row in self.rows
        ) and not data.get("makeup_due"):
            self.add_error("makeup_due", _("有人缺席或请假时请填写补课期限。"))
        return data

    def lines(self) -> list[services.AttendanceLine]:
        data = self.cleaned_data
        return [
            services.AttendanceLine(
                person_id=row.person.pk,
                status=data[f"status_{row.person.pk}"],
                reason=data.get(f"reason_{row.person.pk}", ""),
            )
            for row in self.rows
        ]

    def bound_rows(self) -> list[tuple[AttendanceRow, forms.BoundField, forms.BoundField]]:
        return [
            (row, self[f"status_{row.person.pk}"], self[f"reason_{row.person.pk}"])
            for row in self.rows
        ]


class MakeupForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    makeup_on = forms.DateField(label=_("补课日期"), widget=DateInput())
    makeup_how = forms.CharField(
        label=_("补课方式"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：自学会议精神并撰写心得、参加其他支部同主题会议、由支部书记单独传达。"),
    )
    file = forms.FileField(
        label=_("补课佐证"),
        required=False,
        help_text=_("学习笔记、心得体会的照片或文档（PDF、图片或 Office 文档）。"),
    )

    def clean_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("file")
        if upload is not None:
            try:
                services.evidence_check(upload)
            except services.EvidenceRejected as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload
