"""Forms: shape and messages next to the field; the rules live in services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.forms import DateInput, MultipleFileField, choice_field, model_choice_field
from responsibility.models import Organisation, Post, Tier, User, Year
from responsibility.services import EvidenceRejected, evidence_check

from .models import AccountabilityCase, Finding, Notice, Rectification


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        unit = getattr(obj, "unit", None)
        if unit is not None and unit.pk != obj.pk:
            return f"{obj.name}（{unit.name}）"
        return obj.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.display_name}（{obj.username}）"


class FindingsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Finding) -> str:
        return f"{obj.organisation.name}：{obj}"


class FindingForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("被督查组织"), queryset=Organisation.objects.none()
    )
    found_on = forms.DateField(label=_("督查日期"), widget=DateInput())
    severity = forms.ChoiceField(
        label=_("严重程度"), choices=Finding.Severity.choices, initial=Finding.Severity.MINOR
    )
    problem = forms.CharField(
        label=_("发现问题"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    # The form metaclass moves declared fields into base_fields: `self.files` stays the
    # uploaded-files dict at runtime, which is what the stubs' type describes.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("佐证材料"), required=False, help_text=_("PDF、图片或 Office 文档，可多选。")
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"found_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = organisations


class RectificationForm(forms.Form):
    """Assign a rectification. The organisation is fixed by the source unless it is manual."""

    organisation = OrganisationChoiceField(
        label=_("责任组织"), queryset=Organisation.objects.none()
    )
    problem = forms.CharField(
        label=_("问题"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=_("整改措施"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("可留空，由责任组织在填报进展时补充。"),
    )
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput())
    responsible_person = PersonChoiceField(
        label=_("责任人"), queryset=User.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation] | None,
        people: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            model_choice_field(self, "organisation").queryset = organisations
        model_choice_field(self, "responsible_person").queryset = people


class RectificationEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    problem = forms.CharField(
        label=_("问题"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=_("整改措施"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    deadline = forms.DateField(label=_("整改期限"), widget=DateInput())
    responsible_person = PersonChoiceField(
        label=_("责任人"), queryset=User.objects.none(), required=False
    )

    def __init__(
        self, *args: Any, rectification: Rectification, people: QuerySet[User], **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": rectification.version,
                "problem": rectification.problem,
                "measures": rectification.measures,
                "deadline": rectification.deadline,
                "responsible_person": rectification.responsible_person_id,
            },
        )
        super().__init__(*args, **kwargs)
        model_choice_field(self, "responsible_person").queryset = people


class ProgressForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("整改进展"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    measures = forms.CharField(
        label=_("整改措施"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空则保持原有措施。"),
    )
    # The form metaclass moves declared fields into base_fields: `self.files` stays the
    # uploaded-files dict at runtime, which is what the stubs' type describes.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("佐证材料"), required=False, help_text=_("PDF、图片或 Office 文档，可多选。")
    )

    def __init__(self, *args: Any, rectification: Rectification, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"version": rectification.version})
        super().__init__(*args, **kwargs)


class SubmitForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class VerifyForm(forms.Form):
    DECISIONS = [("close", _("通过复查，予以销号")), ("return", _("退回继续整改"))]

    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("复查结论"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("复查意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("退回时必须说明原因。"),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "return" and not data.get("note", "").strip():
            self.add_error("note", _("退回整改必须说明原因。"))
        return data


class LedgerFilterForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("单位"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("全部状态")),
            *Rectification.State.choices,
            (Rectification.OVERDUE, _("逾期")),
        ],
    )
    source = forms.ChoiceField(
        label=_("来源"),
        required=False,
        choices=[("", _("全部来源")), *Rectification.SourceType.choices],
    )
    year = forms.TypedChoiceField(label=_("年度"), required=False, coerce=int, empty_value=None)

    def __init__(
        self, *args: Any, units: list[tuple[int, str]], years: Iterable[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "unit").choices = [("", _("全部单位")), *units]
        choice_field(self, "year").choices = [("", _("全部年度"))] + [(y, f"{y}") for y in years]


class CaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    year = forms.ModelChoiceField(label=_("年度"), queryset=Year.objects.all(), empty_label=None)
    target_type = forms.ChoiceField(
        label=_("问责对象"),
        choices=AccountabilityCase.TargetType.choices,
        widget=forms.RadioSelect,
    )
    organisation = OrganisationChoiceField(
        label=_("党组织"),
        queryset=Organisation.objects.none(),
        help_text=_("问责个人时，选择其所在党组织。"),
    )
    person = PersonChoiceField(label=_("被问责人"), queryset=User.objects.none(), required=False)
    form = forms.ChoiceField(
        label=_("问责方式"),
        choices=AccountabilityCase.Form.choices,
        help_text=_(
            "党组织：检查、通报、改组；党员领导干部：通报、诫勉、组织调整或组织处理、纪律处分。"
        ),
    )
    reason = forms.CharField(
        label=_("问责事由"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    decided_on = forms.DateField(label=_("决定日期"), widget=DateInput())
    document = forms.FileField(
        label=_("问责决定书"), required=False, help_text=_("PDF 或 Office 文档。")
    )
    findings = FindingsChoiceField(
        label=_("相关督查发现"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    rectifications = forms.ModelMultipleChoiceField(
        label=_("相关整改"),
        queryset=Rectification.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        people: QuerySet[User],
        findings: QuerySet[Finding],
        rectifications: QuerySet[Rectification],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = organisations
        model_choice_field(self, "person").queryset = people
        model_choice_field(self, "findings").queryset = findings
        model_choice_field(self, "rectifications").queryset = rectifications

    def clean_document(self) -> Any:
        upload = self.cleaned_data.get("document")
        if upload:
            try:
                evidence_check(upload)
            except EvidenceRejected as exc:
                raise forms.ValidationError(str(exc)) from exc
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        target, form = data.get("target_type"), data.get("form")
        if target and form and form not in AccountabilityCase.FORMS_FOR[target]:
            self.add_error("form", _("该问责方式不适用于所选问责对象。"))
        if target == AccountabilityCase.TargetType.PERSON and not data.get("person"):
            self.add_error("person", _("问责个人时请选择被问责人。"))
        organisation = data.get("organisation")
        person = data.get("person")
        if (
            organisation
            and person
            and target == AccountabilityCase.TargetType.PERSON
            and not Post.objects.filter(user=person, organisation=organisation).exists()
        ):
            self.add_error("person", _("被问责人须在所选党组织任职（含曾任职）。"))
        for name in ("findings", "rectifications"):
            linked = data.get(name) or []
            if organisation and any(
                not obj.organisation.path.startswith(organisation.path) for obj in linked
            ):
                self.add_error(name, _("只能关联该党组织及其下级组织的督查发现和整改。"))
        return data


# --- communication (通知、任务交办、联络员会议) -------------------------------------------------


class OrganisationMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        unit = getattr(obj, "unit", None)
        if unit is not None and unit.pk != obj.pk:
            return f"{obj.name}（{unit.name}）"
        return obj.name


class NoticeForm(forms.Form):
    """The recipients are resolved to a concrete list in `recipients()` at publish time."""

    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), max_length=20000, widget=forms.Textarea({"rows": 6}))
    target = forms.ChoiceField(
        label=_("发送范围"),
        choices=Notice.Target.choices,
        initial=Notice.Target.CHOSEN,
        widget=forms.RadioSelect,
    )
    tier = forms.ModelChoiceField(
        label=_("层级"),
        queryset=Tier.objects.none(),
        required=False,
        help_text=_("按层级发送时选择。"),
    )
    unit = OrganisationChoiceField(
        label=_("单位"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("按单位发送时选择，发往该单位的全部下级组织。"),
    )
    organisations = OrganisationMultipleChoiceField(
        label=_("指定组织"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple({"size": 8}),
    )
    # The form metaclass moves declared fields into base_fields: `self.files` stays the
    # uploaded-files dict at runtime, which is what the stubs' type describes.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("附件"), required=False, help_text=_("PDF、图片或 Office 文档，可多选。")
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = organisations
        model_choice_field(self, "organisations").queryset = organisations
        model_choice_field(self, "tier").queryset = Tier.objects.filter(
            pk__in=organisations.values("tier_id")
        )
        model_choice_field(self, "unit").queryset = Organisation.objects.filter(
            pk__in=organisations.values("unit_id")
        ).select_related("unit")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        target = data.get("target")
        if target == Notice.Target.TIER and not data.get("tier"):
            self.add_error("tier", _("请选择层级。"))
        elif target == Notice.Target.UNIT and not data.get("unit"):
            self.add_error("unit", _("请选择单位。"))
        elif target == Notice.Target.CHOSEN and not data.get("organisations"):
            self.add_error("organisations", _("请至少选择一个组织。"))
        elif target and not self.errors and not self.recipients():
            raise forms.ValidationError(_("所选范围内没有可接收的组织。"))
        return data

    def recipients(self) -> list[Organisation]:
        data = self.cleaned_data
        target = data["target"]
        if target == Notice.Target.CHOSEN:
            return list(data["organisations"])
        queryset = self.candidates
        if target == Notice.Target.TIER:
            queryset = queryset.filter(tier=data["tier"])
        elif target == Notice.Target.UNIT:
            queryset = queryset.filter(unit=data["unit"])
        return list(queryset.order_by("path"))

    def target_label(self) -> str:
        data = self.cleaned_data
        target = data["target"]
        if target == Notice.Target.TIER:
            return str(data["tier"])
        if target == Notice.Target.UNIT:
            return str(data["unit"])
        return str(Notice.Target(target).label)


class DispatchForm(forms.Form):
    title = forms.CharField(label=_("交办任务"), max_length=500, widget=forms.Textarea({"rows": 3}))
    standard = forms.CharField(
        label=_("完成标准"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )
    due_date = forms.DateField(label=_("截止日期"), widget=DateInput())
    organisations = OrganisationMultipleChoiceField(
        label=_("交办组织"),
        queryset=Organisation.objects.none(),
        widget=forms.SelectMultiple({"size": 8}),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisations").queryset = organisations


class MeetingForm(forms.Form):
    organisation = OrganisationChoiceField(
        label=_("组织单位"), queryset=Organisation.objects.none()
    )
    held_on = forms.DateField(label=_("会议日期"), widget=DateInput())
    attendees = forms.CharField(
        label=_("参会人员"), max_length=2000, widget=forms.Textarea({"rows": 2})
    )
    agenda = forms.CharField(
        label=_("会议议题"), max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    decisions = forms.CharField(
        label=_("议定事项"),
        max_length=5000,
        required=False,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("每行一项，保存后可逐项转为交办任务。"),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"held_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = organisations
