"""Quality flags (质量提示): what the nightly and on-save checks noticed about an obligation's
record, each naming its evidence, for reviewers to look into or dismiss with a reason
(issue #20.3; the checks and their thresholds are in `responsibility.quality`)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .checklists import Obligation, Year
from .organisations import Organisation, User
from .records import Evidence


class QualityFlag(models.Model):
    class Kind(models.TextChoices):
        SAME_FILE = "same_file", _("同一文件重复佐证")
        MEETING_DATE = "meeting_date", _("会议日期不在任务周期内")
        SIMILAR_TEXT = "similar_text", _("内容与其他记录高度相似")
        ATTENDANCE = "attendance", _("实到人数超过组织人数")
        BACKDATED = "backdated", _("截止前集中补录并倒填日期")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="quality_flags", verbose_name=_("任务")
    )
    # Denormalised from the obligation, as on Obligation itself: the scope filters on it.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="+", verbose_name=_("年度")
    )
    # The other record the flag names (the obligation the same file or text also proves, another
    # completion of the same sitting); `other_key` is its id or 0, so that the uniqueness below
    # holds without NULLs (which never compare equal in a unique constraint).
    other_obligation = models.ForeignKey(
        Obligation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("相关任务"),
    )
    other_key = models.PositiveBigIntegerField(_("相关任务编号"), default=0)
    evidence = models.ForeignKey(
        Evidence,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("佐证材料"),
    )
    detail = models.JSONField(_("说明"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    dismissed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("排除人"),
    )
    dismissed_at = models.DateTimeField(_("排除时间"), null=True, blank=True)
    dismissal_reason = models.CharField(_("排除原因"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["kind", "obligation_id", "other_key"]
        verbose_name = _("质量提示")
        verbose_name_plural = _("质量提示")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "obligation", "other_key"], name="quality_flag_unique"
            ),
            models.CheckConstraint(
                condition=Q(dismissed_at__isnull=True) | ~Q(dismissal_reason=""),
                name="quality_flag_dismissal_has_reason",
            ),
        ]
        indexes = [
            # selectors.quality.organisation_flags: an organisation's flags of a year, open first.
            models.Index(
                fields=["organisation", "year", "dismissed_at"], name="quality_flag_org_idx"
            ),
            # services.quality.quality_flags_compute: a year's flags, read once per run.
            models.Index(fields=["year", "kind"], name="quality_flag_year_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.obligation_id}"

    def get_absolute_url(self) -> str:
        return reverse("obligation_detail", args=[self.obligation_id]) + "#quality"

    @property
    def is_open(self) -> bool:
        return self.dismissed_at is None
