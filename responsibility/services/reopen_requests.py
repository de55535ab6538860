"""Writes for reopen requests (申请重新开放): an officer asks, a reviewer grants or refuses.

Entry closes at the due date plus the year's grace days; only a reviewer may reopen it, with a
recorded reason (domain.md §5). The request makes that a hand-over with a record instead of a
phone call: who asked, why, who decided, and why not.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import handovers, work_versions
from ..errors import ServiceError
from ..models import Obligation, ReopenRequest, User
from .obligations import obligation_reopen
from .organisations import ConcurrentEditError, audit_record


@transaction.atomic
def reopen_request_create(
    *, actor: User, obligation: Obligation, reason: str, today: datetime.date | None = None
) -> ReopenRequest:
    """The officer asks; the reviewers who may reopen are told after commit (handovers)."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("申请重新开放必须说明原因。"))
    if obligation.year.is_closed:
        raise ServiceError(_("该年度已结束，不能申请重新开放。"))
    if obligation.is_closed_out:
        raise ServiceError(_("该任务已完成，无需申请重新开放。"))
    if obligation.entry_open(obligation.year.entry_grace_days, today):
        raise ServiceError(_("该任务仍在填报期内，可直接填报。"))
    try:
        # The partial unique constraint, not a prior read, decides between two requests sent
        # at once (two officers of one branch, a double click).
        with transaction.atomic():
            request = ReopenRequest.objects.create(
                obligation=obligation,
                organisation=obligation.organisation,
                requested_by=actor,
                reason=reason,
            )
    except IntegrityError as exc:
        raise ServiceError(_("已有待处理的重新开放申请，请等待审核人处理。")) from exc
    work_versions.bump(ReopenRequest)
    audit_record(
        actor=actor,
        action="reopen_request.create",
        obj=request,
        organisation=obligation.organisation,
        changes={"obligation": [None, str(obligation)], "reason": [None, reason]},
    )
    handovers.announce("reopen_requested", obj=request, actor=actor)
    return request


@transaction.atomic
def reopen_request_decide(
    *,
    actor: User,
    request: ReopenRequest,
    grant: bool,
    reason: str = "",
    today: datetime.date | None = None,
) -> ReopenRequest:
    """A reviewer grants (the obligation reopens: `obligation_reopen`, with its own audit entry)
    or refuses with a reason. Compare-and-swap on the state: of two reviewers deciding at once,
    the second is told someone was first."""
    reason = reason.strip()
    if not grant and not reason:
        raise ServiceError(_("不同意重新开放必须说明原因。"))
    if request.state != ReopenRequest.State.PENDING:
        raise ServiceError(_("该申请已处理。"))
    state = ReopenRequest.State.GRANTED if grant else ReopenRequest.State.REFUSED
    now = timezone.now()
    updated = ReopenRequest.objects.filter(pk=request.pk, state=ReopenRequest.State.PENDING).update(
        state=state,
        decided_by=actor,
        decided_at=now,
        refusal_reason="" if grant else reason,
    )
    if updated != 1:
        raise ConcurrentEditError
    work_versions.bump(ReopenRequest)
    request.refresh_from_db()
    if grant:
        obligation_reopen(
            actor=actor,
            obligation=request.obligation,
            reason=reason or _("同意重新开放申请：%(reason)s") % {"reason": request.reason},
            today=today,
        )
    audit_record(
        actor=actor,
        action="reopen_request.grant" if grant else "reopen_request.refuse",
        obj=request,
        organisation=request.organisation,
        changes={
            "state": [ReopenRequest.State.PENDING, state],
            **({} if grant else {"refusal_reason": [None, reason]}),
        },
    )
    handovers.announce("reopen_decided", obj=request, actor=actor)
    return request
