"""Grades and the year's assessment rules (考核方案)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from responsibility.models import Year

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Grade(models.TextChoices):
    """Grades, best first (domain.md §5); the order matters for caps and quotas."""

    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


GRADE_ORDER: list[str] = [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR]


def worse_grade(a: str, b: str) -> str:
    return a if GRADE_ORDER.index(a) >= GRADE_ORDER.index(b) else b


def pct_field(verbose: StrOrPromise, default: str) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=5, decimal_places=2, default=Decimal(default))


# The scheme's fields for the person-level assessment (the scheme page's own fieldset; only
# person results depend on them).
PERSON_FIELDS = (
    "person_weight_duties",
    "person_weight_org_lead",
    "person_weight_org_member",
    "person_weight_training",
    "person_weight_rating",
    "person_rectification_deduction",
    "training_hours_required",
    "person_accountability_cap",
)


class Scheme(models.Model):
    """A year's assessment rules; every number is configuration with the domain's default."""

    year = models.OneToOneField(
        Year, on_delete=models.CASCADE, related_name="scheme", verbose_name=_("年度")
    )
    weight_process = pct_field(_("过程监督权重（%）"), "30")
    weight_quarterly = pct_field(_("季度检查权重（%）"), "30")
    weight_year_end = pct_field(_("年底述职权重（%）"), "40")
    good_min = pct_field(_("“好”最低分"), "90")
    fairly_good_min = pct_field(_("“较好”最低分"), "80")
    average_min = pct_field(_("“一般”最低分"), "60")
    good_quota_percent = models.DecimalField(
        _("“好”等次比例上限（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("留空表示不限。按同层级排名超出比例的降为“较好”。"),
    )
    vote_good = pct_field(_("“好”票折算分"), "100")
    vote_fairly_good = pct_field(_("“较好”票折算分"), "80")
    vote_average = pct_field(_("“一般”票折算分"), "60")
    vote_poor = pct_field(_("“差”票折算分"), "40")
    late_deduction_percent = pct_field(
        _("逾期完成扣减比例（%）"), "50"
    )  # share of an obligation's points lost when it was done late
    no_evidence_deduction_percent = pct_field(_("无佐证材料扣减比例（%）"), "20")
    accountability_cap = models.CharField(
        _("被问责时最高等次"), max_length=20, choices=Grade.choices, default=Grade.AVERAGE
    )
    report_deadline = models.DateField(_("述职报告截止日期"), null=True, blank=True)
    # The person-level assessment (个人抓党建考核, issue #19.3): relative weights of the parts
    # present (a missing part's weight goes to the others, as for organisations), the grade
    # bands above, and a cap copied into each PersonGradeCap when a case is registered.
    person_weight_duties = pct_field(_("个人履责权重"), "30")
    person_weight_org_lead = pct_field(_("所在组织结果权重（书记、副书记）"), "40")
    person_weight_org_member = pct_field(_("所在组织结果权重（其他职务）"), "20")
    person_weight_training = pct_field(_("培训学时权重"), "10")
    person_weight_rating = pct_field(_("述职测评权重"), "20")
    person_rectification_deduction = pct_field(_("每项逾期或被退回整改扣分"), "2")
    training_hours_required = models.DecimalField(
        _("年度党务知识培训学时要求"), max_digits=5, decimal_places=1, default=Decimal(16)
    )
    person_accountability_cap = models.CharField(
        _("个人被问责时最高等次"), max_length=20, choices=Grade.choices, default=Grade.AVERAGE
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    # What an admin sets on the scheme page: its form and services.scheme_update's audit entry
    # name these, and only these.
    EDITABLE_FIELDS = (
        "weight_process",
        "weight_quarterly",
        "weight_year_end",
        "good_min",
        "fairly_good_min",
        "average_min",
        "good_quota_percent",
        "vote_good",
        "vote_fairly_good",
        "vote_average",
        "vote_poor",
        "late_deduction_percent",
        "no_evidence_deduction_percent",
        "accountability_cap",
        "report_deadline",
        *PERSON_FIELDS,
    )

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_process__gte=0, weight_quarterly__gte=0, weight_year_end__gte=0)
                & Q(weight_process__lte=100, weight_quarterly__lte=100, weight_year_end__lte=100),
                name="scheme_weights_in_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    good_min__gte=F("fairly_good_min"), fairly_good_min__gte=F("average_min")
                ),
                name="scheme_grade_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 考核方案"

    @property
    def weights_total(self) -> Decimal:
        return self.weight_process + self.weight_quarterly + self.weight_year_end

    def vote_value(self, choice: str) -> Decimal:
        return {
            Grade.GOOD: self.vote_good,
            Grade.FAIRLY_GOOD: self.vote_fairly_good,
            Grade.AVERAGE: self.vote_average,
            Grade.POOR: self.vote_poor,
        }[Grade(choice)]

    def grade_for(self, score: Decimal) -> str:
        if score >= self.good_min:
            return Grade.GOOD
        if score >= self.fairly_good_min:
            return Grade.FAIRLY_GOOD
        if score >= self.average_min:
            return Grade.AVERAGE
        return Grade.POOR


class SchemePreview(models.Model):
    """The what-if preview (试算) a scheme change was saved on (issue #20.7): the draft's
    numbers and the organisations whose grade or rank it changed, as computed in memory
    against the year's data at the moment of saving (`assessment.whatif`)."""

    scheme = models.ForeignKey(
        Scheme, on_delete=models.CASCADE, related_name="previews", verbose_name=_("考核方案")
    )
    scheme_version = models.PositiveIntegerField(_("保存后的方案版本"))
    created_by = models.ForeignKey(
        "responsibility.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("保存人"),
    )
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    draft = models.JSONField(_("方案数值"), default=dict)
    changes = models.JSONField(_("等次或排名变化的组织"), default=list)
    organisations = models.PositiveIntegerField(_("试算组织数"), default=0)
    was_shown = models.BooleanField(
        _("保存前已试算"),
        default=False,
        help_text=_("保存时的试算结果与管理员保存前看到的试算一致。"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("方案试算记录")
        verbose_name_plural = _("方案试算记录")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "scheme_version"], name="scheme_preview_one_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme} v{self.scheme_version}"
