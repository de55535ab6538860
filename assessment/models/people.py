"""The person-level assessment (个人抓党建考核, issue #19.3): a post-holder's annual result, the
caps on it, and the reviewers' ratings in the year-end 述职 (执行力度, 监督力度)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Organisation, User, Year

from .reports import DutyReport
from .schemes import Grade


class PersonGradeCap(models.Model):
    """A ceiling on a person's grade for a year, e.g. after an accountability case against them
    (written by accountability's case services). `organisation` is the case's: its register
    audience alone reads the reason (domain.md §8a)."""

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="grade_caps", verbose_name=_("人员")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="person_grade_caps", verbose_name=_("年度")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("组织")
    )
    max_grade = models.CharField(_("最高等次"), max_length=20, choices=Grade.choices)
    reason = models.CharField(_("原因"), max_length=500)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设定人"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("个人等次限制")
        verbose_name_plural = _("个人等次限制")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "source"], name="person_cap_unique_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year} ≤ {self.get_max_grade_display()}"


class PersonRating(models.Model):
    """One reviewer's rating of one officer of a reported organisation in the year-end 述职:
    执行力度 and 监督力度, 0–100 each. Only the average reaches a result (ballots: §8a)."""

    report = models.ForeignKey(
        DutyReport, on_delete=models.CASCADE, related_name="person_ratings", verbose_name=_("述职")
    )
    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("被测评人")
    )
    rater = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("测评人")
    )
    execution = models.PositiveSmallIntegerField(_("执行力度"))
    supervision = models.PositiveSmallIntegerField(_("监督力度"))
    rated_at = models.DateTimeField(_("测评时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["report", "person", "rater"]
        verbose_name = _("述职测评")
        verbose_name_plural = _("述职测评")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "person", "rater"], name="person_rating_once"
            ),
            models.CheckConstraint(
                condition=Q(execution__lte=100) & Q(supervision__lte=100),
                name="person_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.report}"

    @property
    def organisation(self) -> Organisation:
        return self.report.organisation


class PersonResult(models.Model):
    """A post-holder's computed annual result. Published versions are frozen; recomputing adds a
    version, like AnnualResult. `trace` keeps every figure's sources as computed."""

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="person_results", verbose_name=_("人员")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="person_results", verbose_name=_("年度")
    )
    # The organisation of the person's principal post (one they lead, else the highest tier):
    # the list's unit filter and the reviewers who read the result (scope's "read").
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("所在组织")
    )
    post_label = models.CharField(_("职务"), max_length=200, blank=True)
    leads = models.BooleanField(_("任书记或副书记"), default=False)
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    # Empty when the part has nothing to count (left out of the composite, its weight shared).
    duties_score = models.DecimalField(
        _("个人履责得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    organisation_score = models.DecimalField(
        _("所在组织得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    training_hours = models.DecimalField(_("培训学时"), max_digits=6, decimal_places=1, default=0)
    training_score = models.DecimalField(
        _("培训得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rating_score = models.DecimalField(
        _("述职测评得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    rectification_points = models.DecimalField(
        _("整改扣分"), max_digits=6, decimal_places=2, default=0
    )
    composite = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)
    grade_note = models.CharField(_("等次说明"), max_length=300, blank=True)
    trace = models.JSONField(_("得分来源"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    reason = models.CharField(_("重新计算原因"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    stale_since = models.DateTimeField(_("待更新起始时间"), null=True, blank=True)
    stale_reasons = models.JSONField(_("待更新原因"), default=list, blank=True)

    class Meta:
        ordering = ["year", "organisation__path", "person__username"]
        verbose_name = _("个人考核结果")
        verbose_name_plural = _("个人考核结果")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "version"], name="person_result_unique_version"
            ),
            models.UniqueConstraint(
                fields=["person", "year"],
                condition=Q(is_current=True),
                name="person_result_one_current",
            ),
            models.CheckConstraint(
                condition=Q(composite__gte=0) & Q(composite__lte=100),
                name="person_result_composite_range",
            ),
            models.CheckConstraint(
                condition=Q(stale_since__isnull=True) | Q(published_at__isnull=False),
                name="person_result_stale_only_published",
            ),
        ]
        indexes = [
            # selectors.person_results.results_table: a year's current results.
            models.Index(fields=["year", "is_current"], name="person_result_year_idx"),
            # selectors.person_results.for_person: one person's results by year.
            models.Index(fields=["person", "year"], name="person_result_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year} {self.composite}"

    def get_absolute_url(self) -> str:
        return reverse("person_result_detail", args=[self.pk])
