"""What is filed against a responsibility list: meeting records, evidence files, a branch's
opinions on its 机关党委's key points, requests to reopen a closed obligation, and reviewers'
decisions on completed entries."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .checklists import ChecklistItem, Obligation, Year
from .organisations import Organisation, User


class MeetingRecord(models.Model):
    """The record of a meeting that satisfies a meeting obligation (三会一课 etc.)."""

    obligation = models.OneToOneField(
        Obligation, on_delete=models.CASCADE, related_name="meeting", verbose_name=_("任务")
    )
    held_on = models.DateField(_("会议日期"))
    topic = models.CharField(_("会议议题"), max_length=200)
    expected_count = models.PositiveIntegerField(_("应到人数"))
    attended_count = models.PositiveIntegerField(_("实到人数"))
    minutes = models.TextField(_("会议纪要"), blank=True)

    # What an officer records with a meeting obligation: the fill-in form and
    # services.obligation_fill name these, and only these.
    EDITABLE_FIELDS = ("held_on", "topic", "expected_count", "attended_count", "minutes")

    class Meta:
        verbose_name = _("会议记录")
        verbose_name_plural = _("会议记录")
        constraints = [
            models.CheckConstraint(
                condition=Q(attended_count__lte=F("expected_count")),
                name="meeting_attended_lte_expected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    @property
    def has_quorum(self) -> bool:
        """More than half of those expected attended (支部工作条例)."""
        return self.attended_count * 2 > self.expected_count


class Evidence(models.Model):
    """An uploaded file; served only through a permission-checked view."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("组织")
    )
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    # A reviewer's file about the organisation (a ledger proposal's evidence): it stays with
    # what it was attached to, out of the organisation's own files (domain.md §8a).
    # db_default too: the province seed inserts evidence with INSERT … SELECT (demo_province).
    reviewers_only = models.BooleanField(_("仅审核人可见"), default=False, db_default=False)

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("evidence_download", args=[self.pk])


class Opinion(models.Model):
    """A branch's annual opinions and suggestions (意见建议) to its 机关党委."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.PROTECT, related_name="opinions", verbose_name=_("年度")
    )
    content = models.TextField(_("意见建议"))
    submitted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    acknowledged_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签收人"),
    )
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    reply = models.TextField(_("反馈意见"), blank=True)
    # Points of the 机关党委's key-points list (its checklist, same year) that the opinion
    # addresses: one opinion a year covers several points (services.opinion_submit checks them).
    key_points: models.ManyToManyField[ChecklistItem, Any] = models.ManyToManyField(
        ChecklistItem, blank=True, related_name="opinions", verbose_name=_("涉及要点")
    )

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("意见建议")
        verbose_name_plural = _("意见建议")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="opinion_unique_org_year"
            ),
        ]
        indexes = [
            # accountability.selectors.worklist (待签收): the oldest opinions not yet acknowledged,
            # read in order until a section's rows are found, not all of a province's sorted.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="opinion_unacknowledged_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} 意见建议"


class ReopenRequest(models.Model):
    """An officer's request to reopen an obligation whose entry has closed (domain.md §5: a
    reviewer may reopen with a recorded reason); granting it reopens the obligation."""

    class State(models.TextChoices):
        PENDING = "pending", _("待处理")
        GRANTED = "granted", _("已同意")
        REFUSED = "refused", _("未同意")

    obligation = models.ForeignKey(
        Obligation,
        on_delete=models.CASCADE,
        related_name="reopen_requests",
        verbose_name=_("任务"),
    )
    # Denormalised from the obligation, as on Obligation itself: the scope filters on it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("组织")
    )
    requested_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    reason = models.CharField(_("申请原因"), max_length=500)
    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    refusal_reason = models.CharField(_("未同意原因"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("重新开放申请")
        verbose_name_plural = _("重新开放申请")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation"],
                condition=Q(state="pending"),
                name="reopen_request_one_pending",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(refusal_reason=""),
                name="reopen_request_refusal_has_reason",
            ),
        ]
        indexes = [
            # accountability.selectors.worklist.reopen_requests: pending requests, oldest first.
            models.Index(fields=["state", "requested_at"], name="reopen_req_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.get_state_display()}"

    def get_absolute_url(self) -> str:
        return reverse("obligation_detail", args=[self.obligation_id]) + "#reopen"


class EntryReview(models.Model):
    """One decision on one completed entry (履责记实逐条审核, issue #20.2): a reviewer in scope
    accepts it, or returns it with a reason. The rows are the entry's review history; the
    obligation keeps the latest as its `review_state`."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("认可")
        RETURNED = "returned", _("退回")

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="entry_reviews", verbose_name=_("任务")
    )
    # Denormalised from the obligation, as on Obligation itself: the scope filters on it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("组织")
    )
    decision = models.CharField(_("审核结果"), max_length=20, choices=Decision.choices)
    reason = models.CharField(_("审核意见"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("审核人")
    )
    reviewed_at = models.DateTimeField(_("审核时间"), default=timezone.now)
    # The obligation's version the reviewer decided on: what they saw, kept with the decision.
    obligation_version = models.PositiveIntegerField(_("记实版本"))
    sampled = models.BooleanField(_("抽查"), default=False)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        verbose_name = _("履责记实审核")
        verbose_name_plural = _("履责记实审核")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(reason=""),
                name="entry_review_return_has_reason",
                violation_error_message=_("退回必须说明原因。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.get_decision_display()}"

    def get_absolute_url(self) -> str:
        return reverse("entry_review", args=[self.obligation_id])
