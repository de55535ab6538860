"""The shared core: people, the organisation tree, posts and the audit trail."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .. import audit_labels


class User(AbstractUser):
    """A person who signs in. Chinese names are kept whole in `full_name`."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    # Moved on by the services that may change what every page reads about the person, so the
    # per-process copies keyed on them (scope.current_posts, accountability's unread_count) are
    # read again in every worker: this row is loaded on every request anyway.
    posts_version = models.PositiveIntegerField(default=0, editable=False)
    inbox_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username


class Tier(models.Model):
    """A level of the tree. Labels are data because localities word them differently."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("工委")
        UNIT = "unit", _("单位")
        PARTY_GROUP = "party_group", _("党组（党委）")
        ORGAN_COMMITTEE = "organ_committee", _("机关党委")
        DISCIPLINE_COMMITTEE = "discipline_committee", _("机关纪委")
        GENERAL_BRANCH = "general_branch", _("党总支")
        BRANCH = "branch", _("党支部")

    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    responsibility = models.CharField(_("责任类型"), max_length=50, blank=True)
    supervises_subtree = models.BooleanField(
        _("工作人员督导下级"),
        default=False,
        help_text=_("该层级组织的工作人员可检查、评分其下级组织（如工委、机关党委）。"),
    )
    has_checklist = models.BooleanField(_("有责任清单"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("层级")
        verbose_name_plural = _("层级")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A node of the tree; `path` ("/1/4/17/") makes a subtree one indexed prefix query."""

    code = models.CharField(_("组织编码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, verbose_name=_("层级"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级组织"),
    )
    unit = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("所属单位"),
        help_text=_("自动维护：本组织所在的单位。"),
    )
    path = models.CharField(_("路径"), max_length=255, editable=False, db_index=False)
    depth = models.PositiveSmallIntegerField(_("深度"), default=0, editable=False)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        indexes = [
            # scope.organisations_for and selectors.subtree filter on a path prefix.
            models.Index(fields=["path"], name="org_path_idx", opclasses=["varchar_pattern_ops"]),
            # Lists are ordered by path; the pattern index above cannot serve ORDER BY under a
            # non-C collation, so a first page of 50 would otherwise sort the whole province.
            models.Index(fields=["path"], name="org_path_order_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation_detail", args=[self.pk])

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]


class Post(models.Model):
    """A person's post in an organisation, with dates so history is kept."""

    class Kind(models.TextChoices):
        SECRETARY = "secretary", _("书记")
        DEPUTY_SECRETARY = "deputy_secretary", _("副书记")
        COMMITTEE_MEMBER = "committee_member", _("委员")
        DISCIPLINE_MEMBER = "discipline_member", _("纪检委员")
        CADRE_FULL_TIME = "cadre_full_time", _("专职党务干部")
        CADRE_PART_TIME = "cadre_part_time", _("兼职党务干部")
        LIAISON = "liaison", _("联络员")
        MEMBER = "member", _("党员")

    # In Kind's order because pages list them (the cadre records' filter); the set answers `in`.
    OFFICER_KINDS_IN_ORDER = (
        Kind.SECRETARY,
        Kind.DEPUTY_SECRETARY,
        Kind.COMMITTEE_MEMBER,
        Kind.DISCIPLINE_MEMBER,
        Kind.CADRE_FULL_TIME,
        Kind.CADRE_PART_TIME,
    )
    OFFICER_KINDS = frozenset(OFFICER_KINDS_IN_ORDER)
    # Who leads an organisation: assigns its obligations, sees all of its work, and hears of
    # what its assignees let go overdue (scope's "lead", the reminder sweep).
    LEAD_KINDS = frozenset({Kind.SECRETARY, Kind.DEPUTY_SECRETARY})

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="posts", verbose_name=_("人员")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="posts", verbose_name=_("组织")
    )
    kind = models.CharField(_("职务"), max_length=30, choices=Kind.choices)
    start_date = models.DateField(_("任职开始"), default=datetime.date.today)
    end_date = models.DateField(_("任职结束"), null=True, blank=True)
    # 分工 (组织、宣传、纪检…): the division of duties among a 机关党委's or a branch's secretary,
    # deputies and members, recorded as data; their personal duties may follow it (§8b).
    division = models.CharField(_("分工"), max_length=50, blank=True)

    class Meta:
        ordering = ["organisation__path", "kind", "start_date"]
        verbose_name = _("职务")
        verbose_name_plural = _("职务")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="post_end_after_start",
                violation_error_message=_("任职结束日期不能早于开始日期。"),
            ),
        ]
        indexes = [
            # scope.current_posts: a user's posts, then filtered by date.
            models.Index(fields=["user", "end_date"], name="post_user_end_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_kind_display()}"

    @property
    def is_officer(self) -> bool:
        return self.kind in self.OFFICER_KINDS

    def is_current(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class AuditEntry(models.Model):
    """Who changed what, when: written by services in the same transaction as the change."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=60)
    object_type = models.CharField(_("对象类型"), max_length=60)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织"),
    )
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        indexes = [
            # selectors.history_for: one object's history, newest first.
            models.Index(fields=["object_type", "object_id", "-at"], name="audit_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return audit_labels.action_label(self.action)

    @property
    def change_rows(self) -> list[tuple[str, str, str | None]]:
        return audit_labels.change_rows(self.changes or {}, self.action)
