"""The accountability register (问责)."""

from __future__ import annotations

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Organisation, User, Year

from .findings import Finding, Rectification

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

    FORMS_FOR: ClassVar[dict[str, tuple[str, ...]]] = {
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
