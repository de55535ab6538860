"""Assessment (考核评价): schemes, quarterly reviews, ledger, year-end reports, votes, results."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import ChecklistItem, Evidence, Organisation, User, Year


class Grade(models.TextChoices):
    """Grades, best first (domain.md §5); the order matters for caps and quotas."""

    GOOD = "good", _("好")
    FAIRLY_GOOD = "fairly_good", _("较好")
    AVERAGE = "average", _("一般")
    POOR = "poor", _("差")


GRADE_ORDER = [Grade.GOOD, Grade.FAIRLY_GOOD, Grade.AVERAGE, Grade.POOR]


def worse_grade(a: str, b: str) -> str:
    return a if GRADE_ORDER.index(a) >= GRADE_ORDER.index(b) else b


def pct_field(verbose: str, default: str) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=5, decimal_places=2, default=Decimal(default))


class Scheme(models.Model):
    """A year's assessment rules; every number is configuration with the domain's default."""

    year = models.OneToOneField(
        Year, on_delete=models.CASCADE, related_name="scheme", verbose_name=_("年度")
    )
    weight_process = pct_field(_("过程监督权重（%）"), "30")
    weight_quarterly = pct_field(_("季度检查权重（%）"), "30")
    weight_year_end = pct_field(_("年底述职权重（%）"), "40")
    good_min = pct_field(_("“好”最低分"), "90")
    fairly_good_min = pct_field(_("“较好”最低分"), "80")
    average_min = pct_field(_("“一般”最低分"), "60")
    good_quota_percent = models.DecimalField(
        _("“好”等次比例上限（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("留空表示不限。按同层级排名超出比例的降为“较好”。"),
    )
    vote_good = pct_field(_("“好”票折算分"), "100")
    vote_fairly_good = pct_field(_("“较好”票折算分"), "80")
    vote_average = pct_field(_("“一般”票折算分"), "60")
    vote_poor = pct_field(_("“差”票折算分"), "40")
    late_deduction_percent = pct_field(
        _("逾期完成扣减比例（%）"), "50"
    )  # share of an obligation's points lost when it was done late
    no_evidence_deduction_percent = pct_field(_("无佐证材料扣减比例（%）"), "20")
    accountability_cap = models.CharField(
        _("被问责时最高等次"), max_length=20, choices=Grade.choices, default=Grade.AVERAGE
    )
    report_deadline = models.DateField(_("述职报告截止日期"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_process__gte=0, weight_quarterly__gte=0, weight_year_end__gte=0)
                & Q(weight_process__lte=100, weight_quarterly__lte=100, weight_year_end__lte=100),
                name="scheme_weights_in_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    good_min__gte=F("fairly_good_min"), fairly_good_min__gte=F("average_min")
                ),
                name="scheme_grade_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 考核方案"

    @property
    def weights_total(self) -> Decimal:
        return self.weight_process + self.weight_quarterly + self.weight_year_end

    def vote_value(self, choice: str) -> Decimal:
        return {
            Grade.GOOD: self.vote_good,
            Grade.FAIRLY_GOOD: self.vote_fairly_good,
            Grade.AVERAGE: self.vote_average,
            Grade.POOR: self.vote_poor,
        }[Grade(choice)]

    def grade_for(self, score: Decimal) -> str:
        if score >= self.good_min:
            return Grade.GOOD
        if score >= self.fairly_good_min:
            return Grade.FAIRLY_GOOD
        if score >= self.average_min:
            return Grade.AVERAGE
        return Grade.POOR


class ReviewRound(models.Model):
    """A quarterly review (季度检查) of one year."""

    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="review_rounds", verbose_name=_("年度")
    )
    quarter = models.PositiveSmallIntegerField(
        _("季度"),
        choices=[(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))],
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
            # accountability.worklist (待复核): the oldest scores waiting for confirmation.
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
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["year", "organisation__path"]
        verbose_name = _("年底述职")
        verbose_name_plural = _("年底述职")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="report_unique_org_year"),
        ]
        indexes = [
            # accountability.worklist (述职待评议, 待投票): submitted reports whose meeting is open.
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


class GradeCap(models.Model):
    """A ceiling on an organisation's grade for a year (负面清单), e.g. after accountability."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="grade_caps", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="grade_caps", verbose_name=_("年度")
    )
    max_grade = models.CharField(_("最高等次"), max_length=20, choices=Grade.choices)
    reason = models.CharField(_("原因"), max_length=500)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("设定人"),
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("等次限制")
        verbose_name_plural = _("等次限制")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "source"], name="cap_unique_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} ≤ {self.get_max_grade_display()}"


class AnnualResult(models.Model):
    """A computed annual result. Published versions are frozen; recomputing adds a version."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="results", verbose_name=_("组织")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="results", verbose_name=_("年度")
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    is_current = models.BooleanField(_("当前版本"), default=True)
    process_score = models.DecimalField(_("过程监督得分"), max_digits=6, decimal_places=2)
    quarter_scores = models.JSONField(_("季度得分"), default=dict)
    # Empty while there is no published review or no vote yet (left out of the composite).
    quarterly_score = models.DecimalField(
        _("季度检查得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    year_end_score = models.DecimalField(
        _("年底述职得分"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    ledger_points = models.DecimalField(_("加减分"), max_digits=6, decimal_places=2)
    composite = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices)
    grade_note = models.CharField(_("等次说明"), max_length=300, blank=True)
    rank_in_tier = models.PositiveIntegerField(_("层级内排名"), null=True, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    reason = models.CharField(_("重新计算原因"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    # 待更新: an input changed after publication (services.results_mark_stale); cleared when
    # a recompute replaces or confirms the result. Reasons are stale.reason() dicts, oldest first.
    stale_since = models.DateTimeField(_("待更新起始时间"), null=True, blank=True)
    stale_reasons = models.JSONField(_("待更新原因"), default=list, blank=True)

    class Meta:
        ordering = ["year", "rank_in_tier", "organisation__path"]
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "version"], name="result_unique_version"
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=Q(is_current=True),
                name="result_one_current",
            ),
            models.CheckConstraint(
                condition=Q(composite__gte=0) & Q(composite__lte=100),
                name="result_composite_range",
            ),
            # Only a published result can be out of date: an unpublished one is recomputed
            # in place.
            models.CheckConstraint(
                condition=Q(stale_since__isnull=True) | Q(published_at__isnull=False),
                name="result_stale_only_published",
            ),
        ]
        indexes = [
            # selectors.results_table: a year's current results by tier and rank.
            models.Index(fields=["year", "is_current"], name="result_year_current_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year} {self.composite}"

    def get_absolute_url(self) -> str:
        return reverse("result_detail", args=[self.pk])


class ExportJob(models.Model):
    """A results workbook built in the background, with progress, for large scopes."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    requested_by = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("申请人")
    )
    year = models.ForeignKey(
        Year, on_delete=models.CASCADE, related_name="+", verbose_name=_("年度")
    )
    organisation_ids = models.JSONField(_("组织范围"), default=list)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    rows = models.PositiveIntegerField(_("明细行数"), default=0)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    # Set when the task could not be sent (broker down): the job waits as PENDING and
    # assessment.tasks.resume_exports sends it again; cleared when a worker claims it.
    enqueue_failed_at = models.DateTimeField(_("入队失败时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="export_progress_lte_100"),
        ]

    def __str__(self) -> str:
        return f"{self.year} 导出 #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("export_job", args=[self.pk])

    # A RUNNING job whose worker died (killed, host lost) may be claimed again after this long;
    # a province's workbook takes seconds (bench/README.md, "export"), so it is generous.
    STALE_AFTER = datetime.timedelta(minutes=15)

    @classmethod
    def claimable(cls, now: datetime.datetime) -> Q:
        """Jobs a worker may start: waiting, or left running by a worker that died."""
        return Q(status=cls.Status.PENDING) | Q(
            status=cls.Status.RUNNING, started_at__lt=now - cls.STALE_AFTER
        )


class Training(models.Model):
    """A training session for party-affairs cadres (党务知识培训), held by an organisation."""

    organiser = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("主办组织")
    )
    held_on = models.DateField(_("培训日期"))
    topic = models.CharField(_("培训主题"), max_length=200)
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    is_party_knowledge = models.BooleanField(_("党务知识培训"), default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=200), name="training_hours_range"
            ),
        ]
        indexes = [
            # selectors.young_cadre_hours: a year's trainings.
            models.Index(fields=["held_on"], name="training_held_on_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"

    def get_absolute_url(self) -> str:
        return reverse("training_detail", args=[self.pk])

    @property
    def organisation(self) -> Organisation:
        return self.organiser


class TrainingAttendance(models.Model):
    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("培训")
    )
    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("参训人员")
    )
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)

    class Meta:
        ordering = ["training", "person__username"]
        verbose_name = _("参训记录")
        verbose_name_plural = _("参训记录")
        constraints = [
            models.UniqueConstraint(fields=["training", "person"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=200), name="attendance_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.training}"


class Rotation(models.Model):
    """A job rotation (岗位交流) of a party-affairs cadre, kept for appointment decisions."""

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="rotations", verbose_name=_("人员")
    )
    moved_on = models.DateField(_("交流日期"))
    from_post = models.CharField(_("原岗位"), max_length=200)
    to_post = models.CharField(_("新岗位"), max_length=200)
    note = models.CharField(_("备注"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )

    class Meta:
        ordering = ["-moved_on"]
        verbose_name = _("岗位交流")
        verbose_name_plural = _("岗位交流")

    def __str__(self) -> str:
        return f"{self.person} {self.moved_on} {self.from_post} → {self.to_post}"
