"""Communication (通知、任务交办、联络员): notices and their recipients, dispatched tasks,
liaison meetings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Evidence, Organisation, User, Year

# --- communication (通知、任务交办、联络员) ---------------------------------------------------


class Notice(models.Model):
    """A notice (通知) published to a list of organisations fixed at publish time."""

    class Target(models.TextChoices):
        ALL = "all", _("全部下级组织")
        TIER = "tier", _("按层级")
        UNIT = "unit", _("按单位")
        CHOSEN = "chosen", _("指定组织")

    sender = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    target = models.CharField(_("发送范围"), max_length=20, choices=Target.choices)
    target_label = models.CharField(_("范围说明"), max_length=200, blank=True)
    attachments = models.ManyToManyField(
        Evidence, blank=True, related_name="+", verbose_name=_("附件")
    )
    created_at = models.DateTimeField(_("发布时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            # selectors.notices: the notices a person sent, newest first.
            models.Index(fields=["sender", "-created_at"], name="notice_sender_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notice_detail", args=[self.pk])


class NoticeRecipient(models.Model):
    """One recipient organisation of a notice, with its first reading (recorded once)."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("通知")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="notices_received",
        verbose_name=_("接收组织"),
    )
    first_read_at = models.DateTimeField(_("首次阅读时间"), null=True, blank=True)
    first_read_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("首次阅读人"),
    )

    class Meta:
        ordering = ["organisation__path"]
        verbose_name = _("通知接收组织")
        verbose_name_plural = _("通知接收组织")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "organisation"], name="notice_recipient_unique"
            ),
            models.CheckConstraint(
                condition=Q(first_read_at__isnull=True) | Q(first_read_by__isnull=False),
                name="notice_read_has_reader",
            ),
        ]
        indexes = [
            # selectors.notices: the notices received by the organisations in a scope.
            models.Index(fields=["organisation", "notice"], name="notice_recipient_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.organisation}"


class Dispatch(models.Model):
    """An ad-hoc task (任务交办): one one-off obligation in each chosen organisation's checklist."""

    sender = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("交办人")
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="dispatches", verbose_name=_("年度")
    )
    title = models.CharField(_("任务"), max_length=500)
    ref = models.CharField(_("编号"), max_length=30, blank=True)
    due_date = models.DateField(_("截止日期"))
    obligations = models.ManyToManyField(
        "responsibility.Obligation", related_name="dispatches", verbose_name=_("任务")
    )
    created_at = models.DateTimeField(_("交办时间"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("任务交办")
        verbose_name_plural = _("任务交办")
        indexes = [
            # selectors.dispatches: the tasks a person dispatched, newest first.
            models.Index(fields=["sender", "-created_at"], name="dispatch_sender_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch_detail", args=[self.pk])


class LiaisonMeeting(models.Model):
    """A 支部党建联络员会议 record; its decisions can become dispatched tasks."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="liaison_meetings",
        verbose_name=_("组织单位"),
    )
    held_on = models.DateField(_("会议日期"))
    attendees = models.TextField(_("参会人员"))
    agenda = models.TextField(_("会议议题"))
    decisions = models.TextField(
        _("议定事项"), blank=True, help_text=_("每行一项，可逐项转为交办任务。")
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("记录人")
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("联络员会议")
        verbose_name_plural = _("联络员会议")
        indexes = [
            # selectors.meetings: the meetings of the organisations in a scope.
            models.Index(fields=["organisation", "-held_on"], name="liaison_meeting_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("meeting_detail", args=[self.pk])

    @property
    def decision_lines(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]
