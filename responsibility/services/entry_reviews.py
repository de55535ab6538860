"""Writes of the per-entry review (履责记实逐条审核, issue #20.2): a reviewer in scope accepts a
completed entry, or returns it with a reason.

Until this, an obligation counted as done on the officer's word until the quarterly score. A
return reopens the entry for the officer as a reviewer's reopening does (`obligation_reopen`:
the year's grace days from today, even after the deadline); the officer's resubmission
(`obligation_fill`) sets it waiting for review again. Each decision is a row of the entry's
history (`EntryReview`) and an audit entry, and the obligation keeps the latest as its
`review_state`, which the score form, the work queue and the digest read.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import work_versions
from ..errors import ServiceError
from ..models import EntryReview, Obligation, User
from .organisations import ConcurrentEditError, audit_record

ReviewState = Obligation.ReviewState


class EntryChangedError(ConcurrentEditError):
    """The entry changed since the reviewer opened it (a resubmission, another reviewer's
    decision): the decision is refused, so nobody accepts what they have not read."""


@transaction.atomic
def entry_review_decide(
    *,
    actor: User,
    obligation: Obligation,
    version: int,
    accept: bool,
    reason: str = "",
    sampled: bool = False,
    today: datetime.date | None = None,
) -> EntryReview:
    """Accept or return one completed entry, as of the `version` the reviewer read.

    Compare-and-swap on the obligation's version: an entry resubmitted, edited or decided by
    another reviewer since the page was opened is refused (EntryChangedError). A return
    reopens entry for the year's grace days from today (never shortening an earlier
    reopening) and puts the entry back in progress, so it counts as not done until the
    officer resubmits it."""
    reason = reason.strip()
    if not accept and not reason:
        raise ServiceError(_("退回必须说明原因。"))
    if len(reason) > 500:
        raise ServiceError(_("审核意见不能超过 500 字。"))
    if obligation.year.is_closed:
        raise ServiceError(_("该年度已结束，不能再审核。"))
    if not obligation.is_closed_out:
        raise ServiceError(_("该任务尚未完成，不能审核；填报人提交后再审核。"))
    today = today or timezone.localdate()
    before = {
        "review_state": obligation.review_state,
        "status": obligation.status,
        "reopened_until": obligation.reopened_until,
    }
    fields: dict[str, object] = {"version": F("version") + 1}
    changes: dict[str, list[object]] = {}
    if accept:
        fields |= {"review_state": ReviewState.ACCEPTED, "review_note": ""}
    else:
        until = today + datetime.timedelta(days=max(obligation.year.entry_grace_days, 1))
        if obligation.reopened_until is not None and obligation.reopened_until > until:
            until = obligation.reopened_until
        fields |= {
            "review_state": ReviewState.RETURNED,
            "review_note": reason,
            "status": Obligation.Status.IN_PROGRESS,
            "reopened_until": until,
        }
    updated = Obligation.objects.filter(
        pk=obligation.pk, version=version, status__in=Obligation.CLOSED_OUT_STATUSES
    ).update(**fields)
    if updated != 1:
        raise EntryChangedError
    obligation.refresh_from_db()
    review = EntryReview.objects.create(
        obligation=obligation,
        organisation=obligation.organisation,
        decision=EntryReview.Decision.ACCEPTED if accept else EntryReview.Decision.RETURNED,
        reason=reason,
        reviewed_by=actor,
        obligation_version=version,
        sampled=sampled,
    )
    work_versions.bump(Obligation, EntryReview)
    changes["review_state"] = [before["review_state"], obligation.review_state]
    if not accept:
        changes["status"] = [before["status"], obligation.status]
        changes["reopened_until"] = [
            _plain(before["reopened_until"]),
            _plain(obligation.reopened_until),
        ]
    if reason:
        changes["reason"] = [None, reason]
    audit_record(
        actor=actor,
        action="obligation.accept" if accept else "obligation.return",
        obj=obligation,
        organisation=obligation.organisation,
        changes=changes,
    )
    return review


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime.date) else value


def review_state_after_fill(obligation: Obligation, status: str) -> str:
    """What an officer's save does to the entry's review: a returned entry saved as done (or
    not applicable) is resubmitted; an accepted or resubmitted one that is edited waits for
    review afresh (what was accepted is no longer what is recorded); a returned entry saved
    as still in progress stays returned."""
    current = obligation.review_state
    if current == ReviewState.RETURNED:
        return (
            ReviewState.RESUBMITTED
            if status in Obligation.CLOSED_OUT_STATUSES
            else ReviewState.RETURNED
        )
    if current == ReviewState.ACCEPTED:
        return ReviewState.UNREVIEWED
    return current
