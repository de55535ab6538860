"""The inbox and reminders: notifications, reminder settings, digests, the email outbox."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Organisation, User, Year

# --- inbox and reminders ----------------------------------------------------------------------


class Notification(models.Model):
    """An in-app message (站内信); each person sees only their own."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    digest = models.ForeignKey(
        "Digest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("督促提醒"),
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("站内信")
        verbose_name_plural = _("站内信")
        indexes = [
            # context_processors.inbox: a person's unread count on every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            # selectors.inbox: a person's messages, newest first.
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("notification_open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def _default_offsets() -> str:
    return "5,1"


def validate_offsets(value: str) -> None:
    try:
        numbers = [int(part) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise ValidationError(_("请填写以英文逗号分隔的天数，例如 5,1。")) from exc
    if not numbers or any(not 1 <= n <= 60 for n in numbers):
        raise ValidationError(_("提前提醒天数须在 1 到 60 之间。"))


class ReminderSettings(models.Model):
    """How a year reminds (domain.md §7): days before a due date, and when to escalate."""

    year = models.OneToOneField(
        Year, on_delete=models.CASCADE, related_name="reminder_settings", verbose_name=_("年度")
    )
    due_offsets = models.CharField(
        _("提前提醒天数"),
        max_length=50,
        default=_default_offsets,
        validators=[validate_offsets],
        help_text=_("截止日期前多少天提醒，英文逗号分隔，默认 5,1。"),
    )
    remind_overdue = models.BooleanField(_("逾期次日提醒"), default=True)
    escalation_days = models.PositiveSmallIntegerField(
        _("逾期上报天数"),
        default=3,
        help_text=_("逾期满多少天后提醒上级督导组织的工作人员。0 表示不上报。"),
    )

    class Meta:
        verbose_name = _("督促提醒设置")
        verbose_name_plural = _("督促提醒设置")

    def __str__(self) -> str:
        return f"{self.year} 督促提醒设置"

    @property
    def offsets(self) -> list[int]:
        return sorted(
            {int(part) for part in self.due_offsets.split(",") if part.strip()}, reverse=True
        )


class Digest(models.Model):
    """One person's reminder digest for one day; the unique key makes a second sweep a no-op.

    A sweep claims a digest by setting `sent_at` where it is still empty, so two workers never
    both send it (healthchecks' compare-and-swap).
    """

    class Channel(models.TextChoices):
        INBOX = "inbox", _("站内信")
        INBOX_EMAIL = "inbox_email", _("站内信+邮件")

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="digests", verbose_name=_("接收人")
    )
    date = models.DateField(_("日期"))
    channel = models.CharField(
        _("渠道"), max_length=20, choices=Channel.choices, default=Channel.INBOX
    )
    claim = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)

    class Meta:
        ordering = ["-date", "recipient"]
        verbose_name = _("督促提醒")
        verbose_name_plural = _("督促提醒")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "date"], name="digest_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.recipient}"


class DigestItem(models.Model):
    """One line of a sent digest: what an organisation was reminded of (督促留痕)."""

    class Kind(models.TextChoices):
        OBLIGATION = "obligation", _("任务")
        RECTIFICATION = "rectification", _("整改")
        REVIEW_ROUND = "review_round", _("季度检查")
        DUTY_REPORT = "duty_report", _("年底述职")
        REVIEW = "review", _("季度评分")
        LEDGER = "ledger", _("加减分")
        REOPEN = "reopen", _("重新开放申请")

    class Stage(models.TextChoices):
        OPENS = "opens", _("开始")
        DUE = "due", _("即将到期")
        OVERDUE = "overdue", _("已逾期")
        ESCALATED = "escalated", _("逾期上报")
        WAITING = "waiting", _("待处理")  # handed over to reviewers, still waiting for them

    digest = models.ForeignKey(
        Digest, on_delete=models.CASCADE, related_name="items", verbose_name=_("督促提醒")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="reminder_items",
        verbose_name=_("被督促组织"),
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices)
    title = models.CharField(_("事项"), max_length=300)
    due_date = models.DateField(_("截止日期"), null=True, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    object_key = models.CharField(_("对象"), max_length=60)

    class Meta:
        ordering = ["digest", "due_date", "pk"]
        verbose_name = _("督促事项")
        verbose_name_plural = _("督促事项")
        indexes = [
            # selectors.supervision_record: an organisation's reminders, newest first.
            models.Index(fields=["organisation", "-digest"], name="digest_item_org_idx"),
        ]
        constraints = [
            # A digest is filled partition by partition, and by any sweep that finds it unsent
            # (reminders.digests_fill): each line is stored once.
            models.UniqueConstraint(
                fields=["digest", "object_key", "stage"], name="digest_item_once"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def colour(self) -> str:
        return self.stage_colour(self.stage)

    @classmethod
    def stage_colour(cls, stage: str) -> str:
        """Three-colour status (domain.md §7), for saved items and the sweep's unsaved ones."""
        if stage in (cls.Stage.OVERDUE, cls.Stage.ESCALATED):
            return "red"
        if stage in (cls.Stage.DUE, cls.Stage.WAITING):
            return "yellow"
        return "green"


class OutboxMessage(models.Model):
    """Work for the outside world (email) kept in the database until it is delivered.

    Services write a row in their own transaction and enqueue its delivery after commit; if the
    broker is down the row waits for the next flush, so nothing is lost and no page waits.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    to = models.EmailField(_("收件人"))
    subject = models.CharField(_("主题"), max_length=200)
    body = models.TextField(_("正文"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    claim = models.CharField(max_length=32, blank=True, editable=False)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("待发邮件")
        verbose_name_plural = _("待发邮件")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="outbox_sent_has_time",
            ),
        ]
        indexes = [
            # services.outbox_deliver: pending messages whose next attempt is due.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.to} {self.subject}"
