"""Named attendance at a meeting (留痕不唯痕): who of the organisation's roster on the meeting
date was present, absent with a reason or on leave, and the 补课 each absentee makes up."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .organisations import Organisation, User
from .records import Evidence, MeetingRecord


class MeetingAttendance(models.Model):
    """One person of the roster at one meeting. The meeting's counts are derived from these
    lines (services.meeting_attendance_record): 应到 the roster, 实到 those present."""

    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        ABSENT = "absent", _("缺席")
        LEAVE = "leave", _("请假")

    meeting = models.ForeignKey(
        MeetingRecord,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("会议记录"),
    )
    # Denormalised from the meeting's obligation: the scope filters on it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("组织")
    )
    person = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="meeting_attendance", verbose_name=_("人员")
    )
    status = models.CharField(_("出席情况"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("缺席（请假）原因"), max_length=200, blank=True)
    makeup_due = models.DateField(_("补课期限"), null=True, blank=True)
    makeup_on = models.DateField(_("补课日期"), null=True, blank=True)
    makeup_how = models.CharField(_("补课方式"), max_length=500, blank=True)
    makeup_evidence = models.ForeignKey(
        Evidence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("补课佐证"),
    )
    makeup_done_at = models.DateTimeField(_("补课登记时间"), null=True, blank=True)
    makeup_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("补课登记人"),
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name = _("会议出席")
        verbose_name_plural = _("会议出席")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendance_unique_person"),
            models.CheckConstraint(
                condition=Q(status__in=["present", "absent", "leave"]),
                name="attendance_status_valid",
            ),
            # Present: nothing to explain or make up. Absent or on leave: a reason and a 补课
            # deadline (支部工作条例: members who miss organisational life make it up).
            models.CheckConstraint(
                condition=(
                    Q(
                        status="present",
                        reason="",
                        makeup_due__isnull=True,
                        makeup_done_at__isnull=True,
                    )
                    | (~Q(status="present") & ~Q(reason="") & Q(makeup_due__isnull=False))
                ),
                name="attendance_absence_explained",
            ),
            models.CheckConstraint(
                condition=Q(makeup_done_at__isnull=True)
                | (Q(makeup_on__isnull=False) & ~Q(makeup_how="")),
                name="attendance_makeup_complete",
            ),
        ]
        indexes = [
            # responsibility.selectors.attendance.person_meetings: a person's lines.
            models.Index(fields=["person", "meeting"], name="attendance_person_idx"),
            # accountability.reminders.collectors.collect_makeups: open 补课 by deadline.
            models.Index(
                fields=["makeup_due"],
                condition=Q(makeup_done_at__isnull=True, makeup_due__isnull=False),
                name="attendance_makeup_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.person_id} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("makeup_complete", args=[self.pk])

    @property
    def makeup_open(self) -> bool:
        return self.status != self.Status.PRESENT and self.makeup_done_at is None
