"""The year-end duty report (年底述职) and its review meeting: votes and comments."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Evidence, Organisation, User, Year

from .schemes import Grade


class DutyReport(models.Model):
    """The year-end duty report (年底述职) the organisation's secretary writes and submits."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="duty_reports", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="duty_reports", verbose_name=_("年度")
    )
    text = models.TextField(_("述职报告"), blank=True)
    attachments = models.ManyToManyField(
        Evidence, blank=True, related_name="+", verbose_name=_("附件")
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    raters = models.ManyToManyField(
        User, blank=True, related_name="rated_reports", verbose_name=_("评议人")
    )
    meeting_closed_at = models.DateTimeField(_("评议结束时间"), null=True, blank=True)
    # When the sections were last drafted from the year's record (issue #20.4); None for a report
    # written in the one text box only.
    drafted_at = models.DateTimeField(_("草稿生成时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "organisation__path"]
        verbose_name = _("年底述职")
        verbose_name_plural = _("年底述职")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="report_unique_org_year"),
        ]
        indexes = [
            # accountability.selectors.worklist (述职待评议, 待投票): submitted reports whose
            # meeting is open.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(submitted_at__isnull=False, meeting_closed_at__isnull=True),
                name="report_meeting_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} 述职"

    def get_absolute_url(self) -> str:
        return reverse("report_detail", args=[self.pk])


class DutyReportSection(models.Model):
    """One part of a drafted report: a checklist group (or the ledger, or supervision) with the
    facts of the year's record frozen when drafted, the text drafted from them and the text the
    secretary made of it. A submitted report keeps all three, so raters read the edits beside
    the facts they started from."""

    report = models.ForeignKey(
        DutyReport, on_delete=models.CASCADE, related_name="sections", verbose_name=_("年底述职")
    )
    # A checklist group's value (responsibility.models.Group) or a part of the record of its own
    # (assessment.report_drafts.SectionKey).
    key = models.CharField(_("部分"), max_length=40)
    title = models.CharField(_("标题"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    facts = models.JSONField(_("记录事实"), default=dict, blank=True)
    draft_text = models.TextField(_("生成草稿"), blank=True)
    text = models.TextField(_("述职内容"), blank=True)

    class Meta:
        ordering = ["report", "sort_order", "pk"]
        verbose_name = _("述职报告部分")
        verbose_name_plural = _("述职报告部分")
        constraints = [
            models.UniqueConstraint(fields=["report", "key"], name="report_section_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.report} · {self.title}"

    @property
    def is_edited(self) -> bool:
        return self.text.strip() != self.draft_text.strip()


class Vote(models.Model):
    """One rater's vote on a duty report; changeable until the meeting closes, one per rater."""

    report = models.ForeignKey(
        DutyReport, on_delete=models.CASCADE, related_name="votes", verbose_name=_("年底述职")
    )
    rater = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("评议人")
    )
    choice = models.CharField(_("评议等次"), max_length=20, choices=Grade.choices)
    cast_at = models.DateTimeField(_("投票时间"), default=timezone.now)

    class Meta:
        verbose_name = _("评议票")
        verbose_name_plural = _("评议票")
        constraints = [
            models.UniqueConstraint(fields=["report", "rater"], name="vote_one_per_rater"),
        ]

    def __str__(self) -> str:
        return f"{self.report}: {self.get_choice_display()}"


class ReviewComment(models.Model):
    """A reviewer's comment (点评意见) at the review meeting; may become a rectification."""

    report = models.ForeignKey(
        DutyReport, on_delete=models.CASCADE, related_name="comments", verbose_name=_("年底述职")
    )
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("点评人")
    )
    text = models.TextField(_("点评意见"))
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("点评意见")
        verbose_name_plural = _("点评意见")

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def organisation(self) -> Organisation:
        return self.report.organisation
