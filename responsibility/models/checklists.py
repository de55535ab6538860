"""Responsibility lists (责任清单): years, templates, annual checklists and their obligations.

What is filed against them (meeting records, evidence, opinions, reopen requests) is in
`records`."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation, Post, Tier, User

if TYPE_CHECKING:
    from .records import Evidence

DUE_SOON_DAYS = 5  # yellow when due within this many days (domain.md §7)


class Frequency(models.TextChoices):
    ONCE = "once", _("一次性")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    HALF_YEARLY = "half_yearly", _("每半年")
    YEARLY = "yearly", _("每年")
    PER_TERM = "per_term", _("每届")
    # 适时、根据工作需要: recorded when it happens (an occurrence), never scheduled or chased.
    AS_NEEDED = "as_needed", _("根据需要")


class Group(models.TextChoices):
    POLITICAL = "政治建设", _("政治建设")
    IDEOLOGICAL = "思想建设", _("思想建设")
    ORGANISATIONAL = "组织建设", _("组织建设")
    CONDUCT = "作风建设", _("作风建设")
    DISCIPLINE = "纪律建设", _("纪律建设")
    INTEGRATION = "党建与业务融合", _("党建与业务融合")
    CADRES = "党务干部队伍建设", _("党务干部队伍建设")
    DISPATCHED = "上级交办任务", _("上级交办任务")


class Year(models.Model):
    """An assessment year (考核年度): planning → active → closed; closed years are read-only."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("筹备中")
        ACTIVE = "active", _("进行中")
        CLOSED = "closed", _("已结束")

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNING
    )
    entry_grace_days = models.PositiveSmallIntegerField(
        _("补录宽限天数"),
        default=5,
        help_text=_("截止日期后仍可填报的天数；超过后需审核人重新开放。"),
    )
    activated_at = models.DateTimeField(_("启动时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("考核年度")
        verbose_name_plural = _("考核年度")

    def __str__(self) -> str:
        return f"{self.year}年度"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ItemFields(models.Model):
    """The fields a duty item has, shared by template items and annual checklist items."""

    ref = models.CharField(_("编号"), max_length=30)
    group = models.CharField(_("类别"), max_length=30, choices=Group.choices)
    # Limits checked by forms and the Excel import (a TextField's max_length is not a column
    # constraint): generous for a duty's wording, bounded so one cell cannot flood a page.
    content = models.TextField(_("工作内容"), max_length=1000)
    standard = models.TextField(_("完成标准"), max_length=2000, blank=True)
    points = models.DecimalField(
        _("分值"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    frequency = models.CharField(_("频次"), max_length=20, choices=Frequency.choices)
    required_count = models.PositiveSmallIntegerField(_("每期次数"), default=1)
    due_days = models.PositiveSmallIntegerField(
        _("截止天数"), default=10, help_text=_("周期结束后多少天内完成（一次性事项自年初起算）。")
    )
    evidence = models.CharField(_("佐证材料"), max_length=200, blank=True)
    responsible_post = models.CharField(
        _("责任岗位"), max_length=30, choices=Post.Kind.choices, blank=True
    )
    is_meeting = models.BooleanField(_("会议类事项"), default=False)
    deduction_rule = models.CharField(_("扣分规则"), max_length=200, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    # What a person writes: the item form, the item services, the Excel import and the default
    # templates' loader all name these, and only these.
    EDITABLE_FIELDS = (
        "ref",
        "group",
        "content",
        "standard",
        "points",
        "frequency",
        "required_count",
        "due_days",
        "evidence",
        "responsible_post",
        "is_meeting",
        "deduction_rule",
        "source",
        "sort_order",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.ref} {self.content[:30]}"


class TemplateItem(ItemFields):
    """An item of a tier's checklist template (责任清单模板)."""

    tier = models.ForeignKey(
        Tier, on_delete=models.CASCADE, related_name="template_items", verbose_name=_("层级")
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["tier", "sort_order", "ref"]
        verbose_name = _("清单模板事项")
        verbose_name_plural = _("清单模板事项")
        constraints = [
            models.UniqueConstraint(fields=["tier", "ref"], name="template_item_unique_ref"),
            models.CheckConstraint(condition=Q(points__gte=0), name="template_item_points_gte_0"),
        ]


class Checklist(models.Model):
    """One organisation's list for one year, copied from its tier's template."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="checklists", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="checklists", verbose_name=_("年度")
    )
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["year", "organisation__path"]
        verbose_name = _("年度责任清单")
        verbose_name_plural = _("年度责任清单")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="checklist_unique_org_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("checklist_detail", args=[self.organisation_id, self.year.year])

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ChecklistItem(ItemFields):
    """An item of an annual checklist; may cite a parent item of the upper level."""

    checklist = models.ForeignKey(
        Checklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("责任清单")
    )
    template_item = models.ForeignKey(
        TemplateItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("来源模板事项"),
    )
    parent_item = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="derived_items",
        verbose_name=_("上级事项"),
    )
    # The item for the whole year (谁来干): obligations generated for it take this assignee
    # (services.years), and naming one sets its open obligations (services.assignees).
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("全年承办人"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["checklist", "sort_order", "ref"]
        verbose_name = _("清单事项")
        verbose_name_plural = _("清单事项")
        constraints = [
            models.UniqueConstraint(fields=["checklist", "ref"], name="checklist_item_unique_ref"),
            models.CheckConstraint(condition=Q(points__gte=0), name="checklist_item_points_gte_0"),
        ]


class Obligation(models.Model):
    """One item × organisation × period: what process supervision (过程监督) checks."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未开始")
        IN_PROGRESS = "in_progress", _("进行中")
        DONE = "done", _("已完成")
        NOT_APPLICABLE = "not_applicable", _("不适用")

    # My work, the overdue counts and the reminder sweep must agree on what is still to be done.
    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS)
    CLOSED_OUT_STATUSES = (Status.DONE, Status.NOT_APPLICABLE)  # counts as done

    class ReviewState(models.TextChoices):
        """Per-entry review (履责记实逐条审核, issue #20.2): a completed entry waits for a
        reviewer, who accepts it or returns it with a reason; a returned entry reopens for the
        officer and, resubmitted, waits again."""

        UNREVIEWED = "unreviewed", _("待审核")
        ACCEPTED = "accepted", _("已认可")
        RETURNED = "returned", _("已退回")
        RESUBMITTED = "resubmitted", _("重新提交待审核")

    class Light(models.TextChoices):
        GREEN = "green", _("正常")
        YELLOW = "yellow", _("即将到期")
        RED = "red", _("已逾期")

    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("事项")
    )
    # Denormalised from the item's checklist so scope filters and lists need no joins.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="obligations", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="obligations", verbose_name=_("年度")
    )
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    period_label = models.CharField(_("周期"), max_length=30)
    due_date = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    description = models.TextField(_("完成情况"), blank=True)
    na_reason = models.CharField(_("不适用原因"), max_length=500, blank=True)
    is_late = models.BooleanField(
        _("逾期完成"), default=False, help_text=_("逾期完成的标记永久保留，不因后续修改而清除。")
    )
    reopened_until = models.DateField(_("重新开放至"), null=True, blank=True)
    # The latest decision of its review history (EntryReview), kept here by
    # services.entry_reviews so the score form, the queue and the digest read it without a join.
    # db_default: the province seed inserts obligations with INSERT … SELECT (demo_province).
    review_state = models.CharField(
        _("审核状态"),
        max_length=20,
        choices=ReviewState.choices,
        default=ReviewState.UNREVIEWED,
        db_default=ReviewState.UNREVIEWED,
    )
    review_note = models.CharField(
        _("退回原因"), max_length=500, blank=True, default="", db_default=""
    )
    # Who does it (谁来干), named by the organisation's secretary; by a date of their own no
    # later than the due date. The FK's own index serves selectors.my_work's "assigned to me".
    assignee = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_obligations",
        verbose_name=_("承办人"),
    )
    assignee_due_date = models.DateField(_("承办期限"), null=True, blank=True)
    evidence: models.ManyToManyField[Evidence, Any] = models.ManyToManyField(
        "Evidence", blank=True, related_name="obligations", verbose_name=_("佐证材料")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("更新人"),
    )

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "period_start", "period_end"], name="obligation_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="obligation_period_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="obligation_done_has_date",
            ),
            models.CheckConstraint(
                condition=Q(assignee_due_date__isnull=True)
                | Q(assignee_due_date__lte=F("due_date")),
                name="obligation_assignee_due_not_late",
                violation_error_message=_("承办期限不能晚于任务的截止日期。"),
            ),
            models.CheckConstraint(
                condition=Q(assignee_due_date__isnull=True) | Q(assignee__isnull=False),
                name="obligation_assignee_due_has_assignee",
            ),
        ]
        indexes = [
            # selectors.my_work: an officer's organisations, open obligations by due date.
            models.Index(fields=["organisation", "year", "due_date"], name="obl_org_year_due_idx"),
            # reminder sweep and progress overview: one year, by status and due date.
            models.Index(fields=["year", "status", "due_date"], name="obl_year_status_due_idx"),
            # accountability.selectors.entry_queue and the digest: the few entries returned to
            # their officers or resubmitted to their reviewers, out of a province's 200,000.
            models.Index(
                fields=["review_state", "updated_at"],
                condition=Q(review_state__in=["returned", "resubmitted"]),
                name="obl_review_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.ref} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("obligation_detail", args=[self.pk])

    @property
    def is_closed_out(self) -> bool:
        return self.status in self.CLOSED_OUT_STATUSES

    def light(self, today: datetime.date | None = None) -> str:
        return obligation_light(self.status, self.due_date, today or timezone.localdate())

    def entry_open(self, grace_days: int, today: datetime.date | None = None) -> bool:
        return entry_open(
            self.item.frequency,
            self.due_date,
            self.reopened_until,
            grace_days,
            today or timezone.localdate(),
        )


def entry_open(
    frequency: str,
    due_date: datetime.date,
    reopened_until: datetime.date | None,
    grace_days: int,
    today: datetime.date,
) -> bool:
    """Whether an entry (an organisation's obligation or a personal one) may still be filled in.
    An occurrence of an as-needed duty stays open while its year runs (evidence often comes days
    after the meeting it proves); otherwise until the due date plus the grace days, or while a
    reviewer's reopening lasts."""
    if frequency == Frequency.AS_NEEDED:
        return True
    if reopened_until is not None and reopened_until >= today:
        return True
    return today <= due_date + datetime.timedelta(days=grace_days)


def obligation_light(status: str, due_date: datetime.date, today: datetime.date) -> str:
    """Three-colour status (domain.md §7), for model rows and the checklist page's plain rows."""
    if status in Obligation.CLOSED_OUT_STATUSES:
        return Obligation.Light.GREEN
    if due_date < today:
        return Obligation.Light.RED
    if (due_date - today).days <= DUE_SOON_DAYS:
        return Obligation.Light.YELLOW
    return Obligation.Light.GREEN


def completion_percent(*, done: int, overdue: int, total: int) -> int:
    """完成率 counts only what is due: the obligations done (or not applicable), over those done
    plus those past their due date and still open. An obligation not yet due is neither done
    nor missed, so a branch on schedule in March reads 100%, not 20%. Nothing due yet: 100%
    if there is anything at all."""
    due = done + overdue
    if due:
        return round(100 * done / due)
    return 100 if total else 0
