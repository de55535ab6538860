"""Annual results, the caps on their grades, and the Excel export jobs that write them."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Organisation, User, Year

from .schemes import Grade


class GradeCap(models.Model):
    """A ceiling on an organisation's grade for a year (负面清单), e.g. after accountability."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="grade_caps", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="grade_caps", verbose_name=_("年度")
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
        verbose_name = _("等次限制")
        verbose_name_plural = _("等次限制")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "source"], name="cap_unique_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} ≤ {self.get_max_grade_display()}"


class AnnualResult(models.Model):
    """A computed annual result. Published versions are frozen; recomputing adds a version."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="results", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="results", verbose_name=_("年度")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    process_score = models.DecimalField(_("过程监督得分"), max_digits=6, decimal_places=2)
    quarter_scores = models.JSONField(_("季度得分"), default=dict)
    # Empty while there is no published review or no vote yet (left out of the composite).
    quarterly_score = models.DecimalField(
        _("季度检查得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    year_end_score = models.DecimalField(
        _("年底述职得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    ledger_points = models.DecimalField(_("加减分"), max_digits=6, decimal_places=2)
    composite = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)
    grade_note = models.CharField(_("等次说明"), max_length=300, blank=True)
    rank_in_tier = models.PositiveIntegerField(_("层级内排名"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    reason = models.CharField(_("重新计算原因"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # 待更新: an input changed after publication (services.results_mark_stale); cleared when
    # a recompute replaces or confirms the result. Reasons are stale.reason() dicts, oldest first.
    stale_since = models.DateTimeField(_("待更新起始时间"), null=True, blank=True)
    stale_reasons = models.JSONField(_("待更新原因"), default=list, blank=True)

    class Meta:
        ordering = ["year", "rank_in_tier", "organisation__path"]
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "version"], name="result_unique_version"
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(is_current=True),
                name="result_one_current",
            ),
            models.CheckConstraint(
                condition=Q(composite__gte=0) & Q(composite__lte=100),
                name="result_composite_range",
            ),
            # Only a published result can be out of date: an unpublished one is recomputed
            # in place.
            models.CheckConstraint(
                condition=Q(stale_since__isnull=True) | Q(published_at__isnull=False),
                name="result_stale_only_published",
            ),
        ]
        indexes = [
            # selectors.results_table: a year's current results by tier and rank.
            models.Index(fields=["year", "is_current"], name="result_year_current_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.composite}"

    def get_absolute_url(self) -> str:
        return reverse("result_detail", args=[self.pk])


class ExportJob(models.Model):
    """A results workbook built in the background, with progress, for large scopes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    requested_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("申请人")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="+", verbose_name=_("年度")
    )
    organisation_ids = models.JSONField(_("组织范围"), default=list)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(_("明细行数"), default=0)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    # Set when the task could not be sent (broker down): the job waits as PENDING and
    # assessment.tasks.resume_exports sends it again; cleared when a worker claims it.
    enqueue_failed_at = models.DateTimeField(_("入队失败时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_lte_100"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 导出 #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("export_job", args=[self.pk])

    # A RUNNING job whose worker died (killed, host lost) may be claimed again after this long;
    # a province's workbook takes seconds (bench/README.md, "export"), so it is generous.
    STALE_AFTER = datetime.timedelta(minutes=15)

    @classmethod
    def claimable(cls, now: datetime.datetime) -> Q:
        """Jobs a worker may start: waiting, or left running by a worker that died."""
        return Q(status=cls.Status.PENDING) | Q(
            status=cls.Status.RUNNING, started_at__lt=now - cls.STALE_AFTER
        )
