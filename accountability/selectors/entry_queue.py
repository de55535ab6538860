"""The work queue's kinds of the per-entry review (履责记实逐条审核, issue #20.2): entries a
reviewer returned, for whoever fills them in, and returned entries resubmitted, for the
reviewers in scope. Both are few at any time (the partial index obl_review_pending_idx)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responsibility import scope
from responsibility.models import EntryReview, Obligation, User, Year

from .worklist import Kind, Row

ReviewState = Obligation.ReviewState
_ACTIVE = Q(year__status=Year.Status.ACTIVE)


def _returned(user: User) -> Q:
    return (
        scope.scope_for(user).person_filter("work_on", Obligation)
        & Q(review_state=ReviewState.RETURNED)
        & _ACTIVE
    )


def _resubmitted(user: User) -> Q:
    return scope.joined(user, "review") & Q(review_state=ReviewState.RESUBMITTED) & _ACTIVE


def _returned_row(obligation: Obligation) -> Row:
    return Row(
        label=f"{obligation.item.ref} {obligation.item.content[:30]}（{obligation.period_label}）",
        organisation=obligation.organisation.name,
        url=obligation.get_absolute_url() + "#returned",
        due=obligation.reopened_until,
        note=_("退回原因：%(reason)s") % {"reason": obligation.review_note[:60]},
    )


def _resubmitted_row(obligation: Obligation) -> Row:
    return Row(
        label=f"{obligation.item.ref} {obligation.item.content[:30]}（{obligation.period_label}）",
        organisation=obligation.organisation.name,
        url=reverse("entry_review", args=[obligation.pk]),
        since=obligation.updated_at,
        note=_("退回后已重新提交"),
    )


KINDS: list[Kind] = [
    Kind(
        "returned",
        gettext_lazy("退回待修改的记实"),
        gettext_lazy("修改"),
        None,
        Obligation,
        _returned,
        ("reopened_until", "pk"),
        ("organisation", "item"),
        _returned_row,
        also_reads=(Year,),
    ),
    Kind(
        "resubmitted",
        gettext_lazy("重新提交待审核的记实"),
        gettext_lazy("审核"),
        "review",
        Obligation,
        _resubmitted,
        ("updated_at", "pk"),
        ("organisation", "item"),
        _resubmitted_row,
        also_reads=(EntryReview, Year),
    ),
]
