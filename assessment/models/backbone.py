"""The pool of business backbones (业务骨干) proposed for party-affairs posts (issue #19.4).

A reviewer proposes a young party member of an organisation they review as a candidate for a
party-affairs post (domain.md §8, 岗位交流: 选拔优秀年轻业务骨干到党务岗位); the candidacy is then
either selected into a post (which the rotation service starts) or withdrawn, each with its
date and reason."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from responsibility.models import Organisation, Post, User


class BackboneCandidate(models.Model):
    class State(models.TextChoices):
        PROPOSED = "proposed", _("已推荐")
        SELECTED = "selected", _("已选入党务岗位")
        WITHDRAWN = "withdrawn", _("已撤回")

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="backbone_candidacies", verbose_name=_("人员")
    )
    # The organisation of the post the person was proposed from: the scope decides on it.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="backbone_candidates",
        verbose_name=_("所在组织"),
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    reason = models.CharField(_("推荐理由"), max_length=500)
    proposed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("推荐人")
    )
    proposed_on = models.DateField(_("推荐日期"), default=timezone.localdate)
    decided_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("办理人"),
    )
    decided_on = models.DateField(_("办理日期"), null=True, blank=True)
    decision_reason = models.CharField(_("办理说明"), max_length=500, blank=True)
    post = models.ForeignKey(
        Post,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("选入的党务岗位"),
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["organisation__path", "-proposed_on", "-pk"]
        verbose_name = _("业务骨干人选")
        verbose_name_plural = _("业务骨干人选")
        constraints = [
            # A person is in the pool once at a time; a withdrawn or selected candidacy is history.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state="proposed"),
                name="backbone_one_open_candidacy",
                violation_error_message=_("此人已在业务骨干人选中。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_state_display()}"
