"""Assessment forms: shape checks next to each field; rules stay in services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.forms.renderers import Jinja2
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from responsibility.excel_rows import RowForm, TextCell
from responsibility.forms import DateInput, MultipleFileField, choice_field, model_choice_field
from responsibility.models import Organisation, User
from responsibility.models.checklists import Group

from .models import DutyReportSection, Grade, ItemScore, LedgerEntry, Scheme
from .models.reviews import QUARTERS
from .selectors import ItemFacts
from .services import ScoreInput


class RoundForm(forms.Form):
    quarter = forms.TypedChoiceField(label=_("季度"), choices=QUARTERS, coerce=int)
    opens_on = forms.DateField(label=_("开始日期"), widget=DateInput())
    closes_on = forms.DateField(label=_("截止日期"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("截止日期不能早于开始日期。"))
        return data


@dataclass(frozen=True)
class ScoreLine:
    """One row of the scoring page: the saved score, its two inputs and the item's facts."""

    score: ItemScore
    score_field: forms.BoundField
    reason_field: forms.BoundField
    facts: ItemFacts
    evidence_url: str = ""  # the side panel of the item's obligations and evidence

    @property
    def deduction(self) -> Decimal:
        return self.score.max_points - self.score.score

    @property
    def is_dispatched(self) -> bool:
        return self.score.item.group == Group.DISPATCHED


class InvalidMarkedBoundField(forms.BoundField):
    """Marks an input with errors `is-invalid` for Bootstrap (Django adds `aria-invalid` and
    points `aria-describedby` at `<id>_error`)."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors:
            widget = widget or self.field.widget
            attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
        return attrs


SCORE_ERRORS = {
    "max_value": _("不能超过该事项分值 %(limit_value)s。"),
    "min_value": _("不能小于 0。"),
    "invalid": _("请输入数字。"),
    "required": _("请填写得分。"),
}


class ReviewScoreForm(forms.Form):
    """One score and reason per checklist item of the organisation. The page renders the
    inputs from the bound fields: step, min, max and maxlength come from the fields."""

    bound_field_class = InvalidMarkedBoundField
    # A branch's review has 44 inputs: Django's Jinja2 widget templates render them in well
    # under half the time of its Django-template ones (2.1 against 5.5 ms, bench/README.md).
    default_renderer = Jinja2()

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, scores: list[ItemScore], version: int, **kwargs: Any) -> None:
        kwargs["initial"] = {"version": version}
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in scores:
            score_name, reason_name = f"score_{row.item_id}", f"reason_{row.item_id}"
            self.fields[score_name] = forms.DecimalField(
                label=gettext("%(ref)s 得分") % {"ref": row.item.ref},  # per request: not lazy
                min_value=Decimal(0),
                max_value=row.max_points,
                decimal_places=2,
                initial=row.score,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
                error_messages=SCORE_ERRORS,
            )
            self.fields[reason_name] = forms.CharField(
                label=gettext("%(ref)s 扣分理由") % {"ref": row.item.ref},
                required=False,
                max_length=500,
                initial=row.reason,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
            )
            self.rows.append((row, self[score_name], self[reason_name]))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for row, score_field, reason_field in self.rows:
            score = data.get(score_field.name)
            if (
                score is not None
                and score < row.max_points
                and not data.get(reason_field.name, "").strip()
            ):
                self.add_error(reason_field.name, _("扣分必须填写理由。"))
        return data

    def lines(
        self, facts: dict[int, ItemFacts], evidence_url: Callable[[int], str] = str
    ) -> list[ScoreLine]:
        """The rows the scoring page shows, each with its item's facts for the quarter and
        the link of its evidence panel (`evidence_url(item_id)`)."""
        return [
            ScoreLine(
                row,
                score_field,
                reason_field,
                facts.get(row.item_id, ItemFacts()),
                evidence_url(row.item_id),
            )
            for row, score_field, reason_field in self.rows
        ]

    def score_inputs(self) -> list[ScoreInput]:
        return [
            ScoreInput(
                item_id=row.item_id,
                score=self.cleaned_data[score_field.name],
                reason=self.cleaned_data.get(reason_field.name, ""),
            )
            for row, score_field, reason_field in self.rows
        ]


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SelfAssessForm(forms.Form):
    text = forms.CharField(
        label=_("自评情况"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )


class LedgerForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=LedgerEntry.Kind.choices)
    points = forms.DecimalField(
        label=_("分值"), min_value=Decimal("0.01"), max_value=Decimal(20), decimal_places=2
    )
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The form metaclass moves declared fields into base_fields: `self.files` stays the
    # uploaded-files dict at runtime, which is what the stubs' type describes.
    files = MultipleFileField(label=_("佐证材料"), required=False)  # type: ignore[assignment]


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label=_("述职报告"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("围绕履行党建工作责任情况、存在问题和下一步打算撰写。"),
    )
    # The form metaclass moves declared fields into base_fields: `self.files` stays the
    # uploaded-files dict at runtime, which is what the stubs' type describes.
    files = MultipleFileField(label=_("附件"), required=False)  # type: ignore[assignment]

    def __init__(
        self, *args: Any, sections: Sequence[DutyReportSection] = (), **kwargs: Any
    ) -> None:
        """A drafted report adds one text per section (its facts are shown beside it), and the
        one text box becomes the closing part: problems and next year's plans."""
        super().__init__(*args, **kwargs)
        self.sections = list(sections)
        for section in self.sections:
            self.fields[self.section_field(section)] = forms.CharField(
                label=_("%(title)s：述职内容") % {"title": section.title},
                required=False,
                max_length=20000,
                initial=section.text,
                widget=forms.Textarea(attrs={"rows": 10}),
            )
        if self.sections:
            self.fields["text"].label = _("存在问题和下一步打算")
            self.fields["text"].help_text = _("以上各部分之外的总体情况、存在问题和下一步打算。")
            self.fields["text"].widget.attrs["rows"] = 8

    @staticmethod
    def section_field(section: DutyReportSection) -> str:
        return f"section_{section.pk}"

    def section_texts(self) -> dict[int, str]:
        return {s.pk: self.cleaned_data[self.section_field(s)] for s in self.sections}

    def section_rows(self) -> list[tuple[DutyReportSection, forms.BoundField]]:
        return [(s, self[self.section_field(s)]) for s in self.sections]


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("评议等次"), choices=Grade.choices, widget=forms.RadioSelect)


class RatersForm(forms.Form):
    raters = forms.ModelMultipleChoiceField(
        label=_("评议人"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "raters").queryset = User.objects.filter(
            pk__in=[u.pk for u in candidates]
        )
        choice_field(self, "raters").choices = [(u.pk, u.display_name) for u in candidates]


class RecomputeForm(forms.Form):
    reason = forms.CharField(
        label=_("重新计算原因"),
        required=False,
        max_length=300,
        help_text=_("已有结果发布后，如分数发生变化必须填写原因，系统将生成新版本。"),
    )


class SchemeForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Scheme
        fields = Scheme.EDITABLE_FIELDS
        widgets = {"report_deadline": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("version", self.instance.version)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, field in self.fields.items():
            value = data.get(name)
            # Only the numbers: comparing the grade cap (text) or the deadline (date) would fail.
            if not isinstance(field, forms.DecimalField) or value is None:
                continue
            if not Decimal(0) <= value <= 100:
                self.add_error(name, _("请输入 0 到 100 之间的数。"))
        names = ("weight_process", "weight_quarterly", "weight_year_end")
        weights: list[Decimal] = [w for n in names if (w := data.get(n)) is not None]
        if len(weights) == len(names) and sum(weights, Decimal(0)) != 100:
            self.add_error(
                None,
                # Fixed-point: normalize() alone writes 90 as "9E+1".
                _("三部分权重之和必须为 100，当前为 %(t)s。")
                % {"t": f"{sum(weights, Decimal(0)).normalize():f}"},
            )
        names = ("good_min", "fairly_good_min", "average_min")
        bands: list[Decimal] = [b for n in names if (b := data.get(n)) is not None]
        if len(bands) == len(names) and not bands[0] >= bands[1] >= bands[2]:
            self.add_error("fairly_good_min", _("等次分数线须从高到低：好 ≥ 较好 ≥ 一般。"))
        person = [data.get(n) for n in PERSON_WEIGHTS]
        if all(w is not None for w in person) and not any(person):
            self.add_error("person_weight_duties", _("个人考核各部分权重不能全部为 0。"))
        return data


# The person-level assessment's relative weights (one is chosen per person: lead or not).
PERSON_WEIGHTS = (
    "person_weight_duties",
    "person_weight_org_lead",
    "person_weight_org_member",
    "person_weight_training",
    "person_weight_rating",
)


def hours_field(*, required: bool = True) -> forms.DecimalField:
    """Training hours as Training.hours and TrainingAttendance.hours store them (one decimal,
    at most 200; the check constraints), from the web form and from every Excel row alike."""
    return forms.DecimalField(
        label=_("学时"),
        min_value=Decimal("0.5"),
        max_value=Decimal(200),
        max_digits=4,
        decimal_places=1,
        required=required,
    )


class TrainingForm(forms.Form):
    organiser = forms.ModelChoiceField(label=_("主办组织"), queryset=Organisation.objects.none())
    held_on = forms.DateField(label=_("培训日期"), widget=DateInput())
    topic = forms.CharField(label=_("培训主题"), max_length=200)
    hours = hours_field()
    is_party_knowledge = forms.BooleanField(label=_("党务知识培训"), required=False, initial=True)

    def __init__(self, *args: Any, organisers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organiser").queryset = organisers


class AttendanceForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("参训人员"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args: Any, candidates: list[User], show_codes: bool = False, **kwargs: Any
    ) -> None:
        """People show as names; login codes only with `show_codes` (admins)."""
        super().__init__(*args, **kwargs)
        model_choice_field(self, "people").queryset = User.objects.filter(
            pk__in=[u.pk for u in candidates]
        )
        choice_field(self, "people").choices = [
            (u.pk, f"{u.display_name}（{u.username}）" if show_codes else u.display_name)
            for u in candidates
        ]


class AttendanceRowForm(RowForm):
    """One row of an attendance workbook (`responsibility.excel_rows.check_row`); the importer
    rounds 学时 to one decimal first, so 0.04 is refused as 0.0 rather than stored as 0 against
    the check constraint."""

    username = TextCell(label=_("用户名"), max_length=150)
    hours = hours_field(required=False)


class PersonRatingForm(forms.Form):
    """A reviewer's rating of one officer in the year-end 述职 (执行力度, 监督力度)."""

    execution = forms.IntegerField(label=_("执行力度（0–100）"), min_value=0, max_value=100)
    supervision = forms.IntegerField(label=_("监督力度（0–100）"), min_value=0, max_value=100)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
