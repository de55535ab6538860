"""Versions of the kinds of pending work that the work queue (我的待办) lists."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkVersion(models.Model):
    """How many times the rows of one model (its label, e.g. ``assessment.dutyreport``) have
    changed through the services. The work queue keeps each person's sections in the process's
    own memory under these numbers: one query reads them all, and a change made through any
    worker misses every worker's copy at once (responsibility/work_versions.py)."""

    label = models.CharField(_("模型"), max_length=100, primary_key=True)
    version = models.BigIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("待办版本")
        verbose_name_plural = _("待办版本")

    def __str__(self) -> str:
        return f"{self.label} {self.version}"
