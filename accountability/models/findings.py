"""Supervision findings (督查发现) and their rectifications (整改) with progress."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Evidence, Organisation, User, Year

# --- supervision findings (督查发现) ----------------------------------------------------------


class Finding(models.Model):
    """A problem found by supervision (a liaison officer, 机关党委 or 机关纪委 staff) in an
    organisation."""

    class Severity(models.TextChoices):
        MINOR = "minor", _("一般")
        MAJOR = "major", _("较重")
        SEVERE = "severe", _("严重")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="findings", verbose_name=_("组织")
    )
    found_on = models.DateField(_("督查日期"))
    problem = models.TextField(_("发现问题"))
    severity = models.CharField(
        _("严重程度"), max_length=20, choices=Severity.choices, default=Severity.MINOR
    )
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="+", verbose_name=_("佐证材料")
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        ordering = ["-found_on", "-pk"]
        verbose_name = _("督查发现")
        verbose_name_plural = _("督查发现")
        indexes = [
            # selectors.findings: the findings of the organisations in a person's scope.
            models.Index(fields=["organisation", "-found_on"], name="finding_org_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.found_on:%Y-%m-%d} {self.problem[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("finding_detail", args=[self.pk])


# --- rectification (整改) ---------------------------------------------------------------------


class Rectification(models.Model):
    """A problem to put right by a deadline; closed by the upper tier's verification (复查销号).

    Overdue (逾期) is derived from the deadline and the state, never stored, so it can never
    disagree with the calendar; `is_late` is the permanent mark of a late submission.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("待整改")
        IN_PROGRESS = "in_progress", _("整改中")
        SUBMITTED = "submitted", _("待复查")
        CLOSED = "closed", _("已销号")

    OPEN_STATES = (State.PENDING, State.IN_PROGRESS)
    OVERDUE = "overdue"  # the ledger's filter value and display state (逾期)

    class SourceType(models.TextChoices):
        FINDING = "finding", _("督查发现")
        ITEM_SCORE = "item_score", _("季度检查扣分")
        REVIEW_COMMENT = "review_comment", _("述职点评意见")
        OBLIGATION = "obligation", _("逾期任务")
        MANUAL = "manual", _("其他")

    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("年度")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="rectifications",
        verbose_name=_("责任组织"),
    )
    responsible_person = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rectifications",
        verbose_name=_("责任人"),
    )
    source_type = models.CharField(_("来源"), max_length=30, choices=SourceType.choices)
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source_label = models.CharField(_("来源说明"), max_length=200, blank=True)
    problem = models.TextField(_("问题"))
    measures = models.TextField(_("整改措施"), blank=True)
    deadline = models.DateField(_("整改期限"))
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING)
    is_late = models.BooleanField(
        _("逾期提交"), default=False, help_text=_("超过整改期限才提交复查，标记永久保留。")
    )
    submitted_at = models.DateTimeField(_("提交复查时间"), null=True, blank=True)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0)
    return_reason = models.TextField(_("最近退回原因"), blank=True)
    verification_note = models.TextField(_("复查意见"), blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("销号人"),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("交办人")
    )
    created_at = models.DateTimeField(_("交办时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        constraints = [
            # One rectification per source object: a double click opens the existing one.
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(source_id__isnull=False),
                name="rectification_unique_source",
            ),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_at__isnull=False),
                name="rectification_closed_has_time",
            ),
        ]
        indexes = [
            # selectors.ledger: the rectifications of a scope, by state and deadline.
            models.Index(fields=["organisation", "state", "deadline"], name="rect_org_state_idx"),
            # reminders.collect_rectifications: open ones whose deadline is a reminder day.
            models.Index(fields=["state", "deadline"], name="rect_state_deadline_idx"),
            # worklist (整改待复查): the oldest rectifications waiting to be re-checked.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(state="submitted"),
                name="rect_submitted_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.problem[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("rectification_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.deadline < (today or timezone.localdate())

    @property
    def display_state(self) -> str:
        return self.OVERDUE if self.is_overdue() else self.state

    @property
    def display_state_label(self) -> str:
        return str(_("逾期")) if self.is_overdue() else self.get_state_display()

    @classmethod
    def overdue_filter(cls, today: datetime.date | None = None) -> Q:
        return Q(state__in=cls.OPEN_STATES, deadline__lt=today or timezone.localdate())


class RectificationProgress(models.Model):
    """A progress report (整改进展) of the responsible organisation, with its evidence."""

    rectification = models.ForeignKey(
        Rectification, on_delete=models.CASCADE, related_name="progress", verbose_name=_("整改")
    )
    text = models.TextField(_("整改进展"))
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="+", verbose_name=_("佐证材料")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("填报人")
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("整改进展")
        verbose_name_plural = _("整改进展")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.text[:30]}"
