"""Accountability and supervision (督查问责): findings, rectifications, the accountability
register, the in-app inbox, reminder digests and the email outbox."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Evidence, Organisation, User, Year

# --- supervision findings (督查发现) ----------------------------------------------------------


class Finding(models.Model):
    """A problem found by supervision (a liaison officer or 机关党委 staff) in an organisation."""

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


# --- accountability register (问责) -----------------------------------------------------------


class AccountabilityCase(models.Model):
    """A decision under 《中国共产党问责条例》; shown only to those entitled (see selectors)."""

    class TargetType(models.TextChoices):
        ORGANISATION = "organisation", _("党组织")
        PERSON = "person", _("党员领导干部")

    class Form(models.TextChoices):
        INSPECTION = "inspection", _("检查")
        CIRCULATE = "circulate", _("通报")
        REORGANISE = "reorganise", _("改组")
        ADMONISH = "admonish", _("诫勉")
        ORGANISATIONAL = "organisational", _("组织调整或组织处理")
        DISCIPLINARY = "disciplinary", _("纪律处分")

    FORMS_FOR = {
        TargetType.ORGANISATION: (Form.INSPECTION, Form.CIRCULATE, Form.REORGANISE),
        TargetType.PERSON: (
            Form.CIRCULATE,
            Form.ADMONISH,
            Form.ORGANISATIONAL,
            Form.DISCIPLINARY,
        ),
    }

    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="accountability_cases", verbose_name=_("年度")
    )
    target_type = models.CharField(_("问责对象"), max_length=20, choices=TargetType.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="accountability_cases",
        verbose_name=_("党组织"),
        help_text=_("问责个人时，填写其所在党组织。"),
    )
    person = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("被问责人"),
    )
    form = models.CharField(_("问责方式"), max_length=20, choices=Form.choices)
    reason = models.TextField(_("问责事由"))
    decided_on = models.DateField(_("决定日期"))
    document = models.FileField(
        _("问责决定书"), upload_to="accountability/%Y/%m/", blank=True, max_length=255
    )
    document_name = models.CharField(_("决定书文件名"), max_length=255, blank=True)
    document_type = models.CharField(_("决定书类型"), max_length=100, blank=True)
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="accountability_cases", verbose_name=_("相关督查发现")
    )
    rectifications = models.ManyToManyField(
        Rectification,
        blank=True,
        related_name="accountability_cases",
        verbose_name=_("相关整改"),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("问责")
        verbose_name_plural = _("问责")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_type="organisation", person__isnull=True)
                | Q(target_type="person", person__isnull=False),
                name="case_person_matches_target",
            ),
            models.CheckConstraint(
                condition=Q(
                    target_type="organisation", form__in=["inspection", "circulate", "reorganise"]
                )
                | Q(
                    target_type="person",
                    form__in=["circulate", "admonish", "organisational", "disciplinary"],
                ),
                name="case_form_matches_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.person.display_name if self.person_id and self.person else self.organisation
        return f"{target} · {self.get_form_display()}"

    def get_absolute_url(self) -> str:
        return reverse("case_detail", args=[self.pk])

    def clean(self) -> None:
        if self.form not in self.FORMS_FOR.get(self.target_type, ()):
            raise ValidationError({"form": _("该问责方式不适用于所选问责对象。")})

    @property
    def cap_source(self) -> str:
        return f"accountability:{self.pk}"


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
