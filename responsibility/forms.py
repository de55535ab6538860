"""Forms: they check shape and say what is wrong next to the field; rules live in services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import services
from .excel import XLSX_CONTENT_TYPE
from .models import (
    ChecklistItem,
    Evidence,
    MeetingRecord,
    Obligation,
    PersonalObligation,
    User,
    Year,
)

CONFLICT_MESSAGE = _("该记录已被他人修改。您填写的内容仍保留在下方，请核对最新内容后重新提交。")


def show_conflict(form: forms.BaseForm, record: models.Model) -> None:
    """A concurrent edit refused this save: keep everything typed, say so, and carry the
    record's current version, so that submitting again after reading the latest content on the
    page saves instead of conflicting forever."""
    record.refresh_from_db(fields=["version"])
    # A bound form's data is the request's QueryDict; only a bound form meets a conflict.
    data = cast(QueryDict, form.data).copy()
    # Every model a form edits concurrently carries `version` (compare-and-swap).
    data[form.add_prefix("version")] = str(record.version)  # type: ignore[attr-defined]
    form.data = data
    form.add_error(None, CONFLICT_MESSAGE)


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The form's field `name`, declared as a model choice field, to narrow its queryset."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a model choice field")
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field `name`, declared as a choice field, to set its choices."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def show_service_error(form: forms.BaseForm, error: Exception) -> None:
    """A service refused the save: its message goes next to the field it names (a date out of
    its range, `dates.DateOutOfRange`) when the form shows that field, above the form
    otherwise. The form is bound, so everything typed stays."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。请注意区分大小写。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }

    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once; each is checked for type and size by the service rule."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data]
        cleaned = [single(f, initial) for f in files if f]
        errors = []
        for upload in cleaned:
            try:
                services.evidence_check(upload)
            except services.EvidenceRejected as exc:
                errors.append(str(exc))
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class EntryFillForm(forms.Form):
    """What every entry's fill-in asks: an organisation's obligation (ObligationFillForm) or a
    person's own (PersonalObligationFillForm, 个人履责)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("状态"), choices=Obligation.Status.choices)
    completed_on = forms.DateField(label=_("完成日期"), required=False, widget=DateInput())
    description = forms.CharField(
        label=_("完成情况"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("做了什么、怎么做的、效果如何。"),
    )
    na_reason = forms.CharField(
        label=_("不适用原因"),
        required=False,
        max_length=500,
        help_text=_("仅在状态为“不适用”时填写。"),
    )
    # The form metaclass moves declared fields into base_fields: `self.files` stays the
    # uploaded-files dict at runtime, which is what the stubs' type describes.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("上传佐证材料"),
        required=False,
        help_text=_("PDF、图片或 Office 文档，可多选。"),
    )

    def __init__(self, *args: Any, entry: Obligation | PersonalObligation, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": entry.version,
                "status": entry.status,
                "completed_on": entry.completed_on,
                "description": entry.description,
                "na_reason": entry.na_reason,
            },
        )
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        status = data.get("status")
        # The dates' ranges are the service's (responsibility.dates), shown on their fields.
        if status == Obligation.Status.DONE and not data.get("completed_on"):
            self.add_error("completed_on", _("状态为“已完成”时请填写完成日期。"))
        if status == Obligation.Status.NOT_APPLICABLE and not data.get("na_reason", "").strip():
            self.add_error("na_reason", _("选择“不适用”时请说明原因。"))
        return data


class PersonalObligationFillForm(EntryFillForm):
    """A person's own obligation (个人履责): what was done, with evidence."""


class ObligationFillForm(EntryFillForm):
    reuse = forms.ModelMultipleChoiceField(
        label=_("引用本组织已上传的材料"),
        queryset=Evidence.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    held_on = forms.DateField(label=_("会议日期"), required=False, widget=DateInput())
    topic = forms.CharField(label=_("会议议题"), required=False, max_length=200)
    # Bounded so that no number a form accepts overflows the database column.
    expected_count = forms.IntegerField(
        label=_("应到人数"), required=False, min_value=1, max_value=100_000
    )
    attended_count = forms.IntegerField(
        label=_("实到人数"), required=False, min_value=0, max_value=100_000
    )
    minutes = forms.CharField(
        label=_("会议纪要"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        obligation: Obligation,
        reusable: list[Evidence],
        named_attendance: bool = False,
        **kwargs: Any,
    ) -> None:
        meeting = getattr(obligation, "meeting", None) if obligation.item.is_meeting else None
        kwargs.setdefault(
            "initial",
            {
                "version": obligation.version,
                "status": obligation.status,
                "completed_on": obligation.completed_on,
                "description": obligation.description,
                "na_reason": obligation.na_reason,
                **(
                    {name: getattr(meeting, name) for name in MeetingRecord.EDITABLE_FIELDS}
                    if meeting
                    else {}
                ),
            },
        )
        super().__init__(*args, entry=obligation, **kwargs)
        self.obligation = obligation
        model_choice_field(self, "reuse").queryset = Evidence.objects.filter(
            pk__in=[e.pk for e in reusable]
        )
        choice_field(self, "reuse").choices = [(e.pk, e.original_name) for e in reusable]
        if not reusable:
            del self.fields["reuse"]
        if not obligation.item.is_meeting:
            for name in MeetingRecord.EDITABLE_FIELDS:
                del self.fields[name]
        # Named attendance decides the counts (services.meeting_attendance_record).
        self.named_attendance = named_attendance and obligation.item.is_meeting
        if self.named_attendance:
            del self.fields["expected_count"]
            del self.fields["attended_count"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.obligation.item.is_meeting and data.get("status") == Obligation.Status.DONE:
            self._clean_meeting(data)
        return data

    def _clean_meeting(self, data: dict[str, Any]) -> None:
        for name in ("held_on", "topic", "expected_count", "attended_count"):
            if name in self.fields and data.get(name) in (None, ""):
                self.add_error(name, _("会议类事项完成时请填写此项。"))
        expected, attended = data.get("expected_count"), data.get("attended_count")
        if expected and attended is not None:
            if attended > expected:
                self.add_error("attended_count", _("实到人数不能多于应到人数。"))
            elif attended * 2 <= expected:
                self.add_error(
                    "attended_count",
                    _("实到人数须超过应到人数的一半（%(need)d 人以上）。")
                    % {"need": expected // 2 + 1},
                )

    def meeting_input(self) -> services.MeetingInput | None:
        data = self.cleaned_data
        if not self.obligation.item.is_meeting or not data.get("held_on"):
            return None
        return services.MeetingInput(
            held_on=data["held_on"],
            topic=data.get("topic", ""),
            expected_count=data.get("expected_count") or 0,
            attended_count=data.get("attended_count") or 0,
            minutes=data.get("minutes", ""),
        )


class OccurrenceForm(forms.Form):
    """One occurrence of an as-needed duty (适时、根据工作需要): when, what, with evidence."""

    held_on = forms.DateField(label=_("开展日期"), widget=DateInput())
    description = forms.CharField(
        label=_("开展情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # The form metaclass moves declared fields into base_fields: `self.files` stays the
    # uploaded-files dict at runtime, which is what the stubs' type describes.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("佐证材料"), required=False, help_text=_("PDF、图片或 Office 文档，可多选。")
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("重新开放原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("申请原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("说明未按期填报的原因和需要补填的内容。"),
    )


class ReopenDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("grant", _("同意")), ("refuse", _("不同意"))])
    reason = forms.CharField(
        label=_("处理意见"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("不同意时必须说明原因。"),
    )


class ChecklistItemForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ChecklistItem
        fields = ChecklistItem.EDITABLE_FIELDS
        widgets = {
            "content": forms.Textarea(attrs={"rows": 2}),
            "standard": forms.Textarea(attrs={"rows": 2}),
        }

    # The Excel import's bounds (checklist_excel.layout), on every database: SQLite checks none.
    WHOLE_NUMBER_BOUNDS = {"required_count": (1, 32767), "due_days": (0, 32767)}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version
        for name, (low, high) in self.WHOLE_NUMBER_BOUNDS.items():
            field = self.fields[name]
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update({"min": low, "max": high})

    def validate_unique(self) -> None:
        """Uniqueness of the reference number is checked by the service, with the checklist."""


class KeyPointChoiceMixin:
    """A key point named by its reference and the start of its content (a point can be long)."""

    def label_from_instance(self, obj: ChecklistItem) -> str:
        content = obj.content if len(obj.content) <= 60 else f"{obj.content[:60]}…"
        return f"{obj.ref} {content}"


class KeyPointChoiceField(KeyPointChoiceMixin, forms.ModelChoiceField):
    pass


class KeyPointMultipleChoiceField(KeyPointChoiceMixin, forms.ModelMultipleChoiceField):
    pass


class OpinionForm(forms.Form):
    content = forms.CharField(
        label=_("意见建议"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("本支部落实年度机关党建工作要点的意见和建议。"),
    )
    key_points = KeyPointMultipleChoiceField(
        label=_("涉及的工作要点"),
        queryset=ChecklistItem.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选本意见建议针对的机关党委年度工作要点（可多选）。"),
    )

    def __init__(
        self, *args: Any, key_points: models.QuerySet[ChecklistItem] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if key_points is None:
            del self.fields["key_points"]
        else:
            model_choice_field(self, "key_points").queryset = key_points


class KeyPointLinkForm(forms.Form):
    """Which point of its 机关党委's key-points list a branch item answers."""

    key_point = KeyPointChoiceField(
        label=_("落实的工作要点"),
        queryset=ChecklistItem.objects.none(),
        required=False,
        empty_label=_("（不关联）"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, key_points: models.QuerySet[ChecklistItem], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "key_point").queryset = key_points


class AcknowledgeForm(forms.Form):
    reply = forms.CharField(
        label=_("反馈意见"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    entry_grace_days = forms.IntegerField(
        label=_("补录宽限天数"), min_value=0, max_value=90, initial=5
    )

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if Year.objects.filter(year=year).exists():
            raise forms.ValidationError(_("%(year)d 年度已存在。") % {"year": year})
        return year


# The upload form of every Excel import (onboarding, checklists, templates, attendance): the
# file's type and size; its contents are checked by the importer.
class ExcelUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件"),
        help_text=_("请上传按模板填写的 .xlsx 文件。"),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self) -> UploadedFile:
        uploaded: UploadedFile = self.cleaned_data["file"]
        name = (uploaded.name or "").lower()
        if name.endswith((".xls", ".et", ".csv")):
            raise forms.ValidationError(
                _("不支持该文件格式，请在 Excel 或 WPS 中另存为 .xlsx 后再上传。")
            )
        if not name.endswith(".xlsx"):
            raise forms.ValidationError(_("请上传 .xlsx 格式的 Excel 文件。"))
        if uploaded.size is not None and uploaded.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("文件超过 %(size)d MB 的上限，请拆分后分批导入。")
                % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return uploaded


class ObligationAssignForm(forms.Form):
    """Name who does an obligation (谁来干), or nobody: the choices are the organisation's
    current people (selectors.post_holders)."""

    assignee = forms.ModelChoiceField(
        label=_("承办人"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("（不指派，由本组织党务干部共同负责）"),
    )
    due_date = forms.DateField(
        label=_("承办期限"),
        required=False,
        widget=DateInput(),
        help_text=_("不得晚于任务的截止日期；留空即以任务的截止日期为准。"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: models.QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assignee").queryset = people

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean()
        if self.cleaned_data.get("due_date") and not self.cleaned_data.get("assignee"):
            self.add_error("due_date", _("请先选择承办人，再填写承办期限。"))
        return cleaned


class ChecklistItemAssignForm(forms.Form):
    """Name who does an item for the whole year: its open obligations and those made later."""

    assignee = forms.ModelChoiceField(
        label=_("全年承办人"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("（不指派，由本组织党务干部共同负责）"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: models.QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "assignee").queryset = people
