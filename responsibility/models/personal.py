"""People's own duties (个人履责, domain.md §8b, issue #19.1): the shipped defaults per tier and
post, each person's duties for a year, the obligations they generate, and the leaders' 分管 and
联系支部 links.

Personal obligations live in their own table so that no organisation figure (progress, scores,
results, quality flags, exports) ever counts them; their fill-in follows the same rules as an
organisation's obligations (services.obligations)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .checklists import ItemFields, Obligation, Year, entry_open, obligation_light
from .organisations import Organisation, Post, Tier, User

if TYPE_CHECKING:
    from .records import Evidence


class PersonalDutyTemplate(ItemFields):
    """A shipped default duty of a post of a tier (党组书记 第一责任人, 一岗双责 …); admins edit
    them in the admin. A year's activation copies them to each holder of the post."""

    tier = models.ForeignKey(
        Tier, on_delete=models.CASCADE, related_name="personal_templates", verbose_name=_("层级")
    )
    post_kind = models.CharField(_("职务"), max_length=30, choices=Post.Kind.choices)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["tier", "post_kind", "sort_order", "ref"]
        verbose_name = _("个人履责模板事项")
        verbose_name_plural = _("个人履责模板事项")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "post_kind", "ref"], name="personal_template_unique_ref"
            ),
        ]


class PersonalDuty(ItemFields):
    """One person's duty for one year (个人履责清单), copied from a template or added for them."""

    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="personal_duties", verbose_name=_("年度")
    )
    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="personal_duties", verbose_name=_("人员")
    )
    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="personal_duties",
        verbose_name=_("所任职务"),
    )
    # The post's organisation, denormalised so the scope reads it without a join.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="personal_duties",
        verbose_name=_("组织"),
    )
    template = models.ForeignKey(
        PersonalDutyTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("来源模板事项"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "person", "sort_order", "ref"]
        verbose_name = _("个人履责事项")
        verbose_name_plural = _("个人履责事项")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "person", "organisation", "ref"], name="personal_duty_unique_ref"
            ),
        ]


class PersonalObligation(models.Model):
    """One personal duty × period: what the person fills in with evidence."""

    Status = Obligation.Status
    OPEN_STATUSES = Obligation.OPEN_STATUSES
    CLOSED_OUT_STATUSES = Obligation.CLOSED_OUT_STATUSES

    duty = models.ForeignKey(
        PersonalDuty,
        on_delete=models.CASCADE,
        related_name="obligations",
        verbose_name=_("个人履责事项"),
    )
    person = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="personal_obligations",
        verbose_name=_("人员"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="personal_obligations",
        verbose_name=_("组织"),
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="personal_obligations", verbose_name=_("年度")
    )
    period_start = models.DateField(_("周期开始"))
    period_end = models.DateField(_("周期结束"))
    period_label = models.CharField(_("周期"), max_length=30)
    due_date = models.DateField(_("截止日期"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Obligation.Status.choices, default="not_started"
    )
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    description = models.TextField(_("完成情况"), blank=True)
    na_reason = models.CharField(_("不适用原因"), max_length=500, blank=True)
    is_late = models.BooleanField(
        _("逾期完成"), default=False, help_text=_("逾期完成的标记永久保留，不因后续修改而清除。")
    )
    reopened_until = models.DateField(_("重新开放至"), null=True, blank=True)
    evidence: models.ManyToManyField[Evidence, Any] = models.ManyToManyField(
        "Evidence", blank=True, related_name="personal_obligations", verbose_name=_("佐证材料")
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
        verbose_name = _("个人履责任务")
        verbose_name_plural = _("个人履责任务")
        constraints = [
            models.UniqueConstraint(
                fields=["duty", "period_start", "period_end"],
                name="personal_obligation_unique_period",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="personal_obligation_period_order",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False),
                name="personal_obligation_done_has_date",
            ),
        ]
        indexes = [
            # a person's obligations of a year by due date: My work, the person's page, results.
            models.Index(fields=["person", "year", "due_date"], name="pobl_person_year_due_idx"),
            # the reminder sweep: one year's open ones by due date.
            models.Index(fields=["year", "status", "due_date"], name="pobl_year_status_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.duty.ref} {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("personal_obligation_detail", args=[self.pk])

    @property
    def item(self) -> PersonalDuty:
        """The duty, under the name an obligation's item has, so that My work's tables and the
        work queue's summary read a personal obligation as they read an organisation's."""
        return self.duty

    @property
    def is_closed_out(self) -> bool:
        return self.status in self.CLOSED_OUT_STATUSES

    def light(self, today: datetime.date | None = None) -> str:
        return obligation_light(self.status, self.due_date, today or timezone.localdate())

    def entry_open(self, grace_days: int, today: datetime.date | None = None) -> bool:
        return entry_open(
            self.duty.frequency,
            self.due_date,
            self.reopened_until,
            grace_days,
            today or timezone.localdate(),
        )


class LeaderLink(models.Model):
    """A leader's 分管 area or 联系支部, with dates (domain.md §8b)."""

    class Kind(models.TextChoices):
        IN_CHARGE = "in_charge", _("分管")
        CONTACT = "contact", _("联系支部")

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="leader_links", verbose_name=_("人员")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="leader_links",
        verbose_name=_("联系（分管）支部"),
    )
    department = models.CharField(_("分管部门"), max_length=100, blank=True)
    start_date = models.DateField(_("开始日期"), default=datetime.date.today)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["person", "kind", "start_date"]
        verbose_name = _("分管与联系支部")
        verbose_name_plural = _("分管与联系支部")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="leader_link_end_after_start",
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        what = self.department or str(self.organisation)
        return f"{self.person} · {self.get_kind_display()} · {what}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)
