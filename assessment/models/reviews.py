"""Quarterly reviews (季度检查): rounds, an organisation's review and its item scores, and
the bonus/deduction ledger."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import ChecklistItem, Evidence, Organisation, User, Year

QUARTERS = [(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))]


class ReviewRound(models.Model):
    """A quarterly review (季度检查) of one year."""

    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="review_rounds", verbose_name=_("年度")
    )
    quarter = models.PositiveSmallIntegerField(
        _("季度"),
        choices=QUARTERS,
    )
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    allow_self_assessment = models.BooleanField(_("允许自评"), default=True)

    class Meta:
        ordering = ["year", "quarter"]
        verbose_name = _("季度检查")
        verbose_name_plural = _("季度检查")
        constraints = [
            models.UniqueConstraint(fields=["year", "quarter"], name="round_unique_quarter"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="round_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year.year}年{self.get_quarter_display()}检查"

    def get_absolute_url(self) -> str:
        return reverse("review_round_detail", args=[self.pk])


class OrganisationReview(models.Model):
    """One organisation in a round: draft → submitted → returned or confirmed → published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("评分中")
        SUBMITTED = "submitted", _("待复核")
        RETURNED = "returned", _("已退回")
        CONFIRMED = "confirmed", _("已确认")
        PUBLISHED = "published", _("已发布")

    round = models.ForeignKey(
        ReviewRound, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("季度检查")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("组织")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    self_assessment = models.TextField(_("自评情况"), blank=True)
    self_assessed_at = models.DateTimeField(_("自评时间"), null=True, blank=True)
    scored_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评分人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("复核人"),
    )
    return_comment = models.TextField(_("退回意见"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["round", "organisation__path"]
        verbose_name = _("组织季度评分")
        verbose_name_plural = _("组织季度评分")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organisation"], name="review_unique_round_org"
            ),
        ]
        indexes = [
            # accountability.selectors.worklist (待复核): the oldest scores waiting for
            # confirmation.
            models.Index(
                fields=["submitted_at", "id"],
                condition=models.Q(status="submitted"),
                name="review_submitted_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("review_score", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class ItemScore(models.Model):
    """A reviewer's score of one checklist item for a quarter, with the reason for any deduction."""

    review = models.ForeignKey(
        OrganisationReview,
        on_delete=models.CASCADE,
        related_name="scores",
        verbose_name=_("组织季度评分"),
    )
    item = models.ForeignKey(
        ChecklistItem, on_delete=models.CASCADE, related_name="scores", verbose_name=_("事项")
    )
    max_points = models.DecimalField(_("满分"), max_digits=5, decimal_places=2)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2)
    self_score = models.DecimalField(
        _("自评分"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reason = models.CharField(_("扣分理由"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["review", "item__sort_order"]
        verbose_name = _("事项得分")
        verbose_name_plural = _("事项得分")
        constraints = [
            models.UniqueConstraint(fields=["review", "item"], name="score_unique_item"),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=F("max_points")),
                name="score_within_points",
                violation_error_message=_("得分必须在 0 到该事项分值之间。"),
            ),
            models.CheckConstraint(
                condition=Q(score=F("max_points")) | ~Q(reason=""),
                name="score_deduction_has_reason",
                violation_error_message=_("扣分必须填写理由。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.ref}: {self.score}/{self.max_points}"


class LedgerEntry(models.Model):
    """A bonus or deduction (加减分) with its reason, approved by a second reviewer."""

    class Kind(models.TextChoices):
        BONUS = "bonus", _("加分")
        DEDUCTION = "deduction", _("减分")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已驳回")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="ledger", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="ledger", verbose_name=_("年度")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("理由"), max_length=500)
    evidence = models.ForeignKey(
        Evidence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("佐证材料"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("提出人")
    )
    proposed_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("加减分")
        verbose_name_plural = _("加减分")
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gt=0) & Q(points__lte=20), name="ledger_points_range"
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="ledger_second_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.get_kind_display()} {self.points}"

    @property
    def signed_points(self) -> Decimal:
        return self.points if self.kind == self.Kind.BONUS else -self.points
