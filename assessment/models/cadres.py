"""Party-affairs cadres (专兼职党务干部): trainings, attendance, rotations."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Organisation, Post, User


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
    """A job rotation (岗位交流) of a party-affairs cadre, kept for appointment decisions.

    Recorded through `services.rotation_record`, a rotation ends one of the person's posts and
    starts another; the two links name them. The text fields keep what the rotation said at the
    time (and all that rotations recorded before the links say)."""

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="rotations", verbose_name=_("人员")
    )
    moved_on = models.DateField(_("交流日期"))
    from_post = models.CharField(_("原岗位"), max_length=200)
    to_post = models.CharField(_("新岗位"), max_length=200)
    from_post_link = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rotations_out",
        verbose_name=_("结束的职务"),
    )
    to_post_link = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rotations_in",
        verbose_name=_("开始的职务"),
    )
    note = models.CharField(_("备注"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("登记人")
    )

    class Meta:
        ordering = ["-moved_on", "-pk"]
        verbose_name = _("岗位交流")
        verbose_name_plural = _("岗位交流")

    def __str__(self) -> str:
        return f"{self.person} {self.moved_on} {self.from_post} → {self.to_post}"
