"""Writes of the business-backbone pool (业务骨干人选, issue #19.4): propose a young party member
of an organisation one reviews, then select them into a party-affairs post or withdraw them.
The views check the scope (the organisation's "review" right) before calling these."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility.models import Organisation, Post, User
from responsibility.selectors import current_post_filter
from responsibility.services import ConcurrentEditError, ServiceError, audit_record, post_create

from ..models import BackboneCandidate
from .cadres import rotation_record


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


@transaction.atomic
def backbone_propose(
    *,
    actor: User,
    person: User,
    organisation: Organisation,
    reason: str,
    today: datetime.date | None = None,
) -> BackboneCandidate:
    today = today or timezone.localdate()
    limit = settings.BACKBONE_MAX_AGE
    if person.birth_date is None:
        raise ServiceError(_("此人未登记出生日期，无法确认是否在 %(n)d 周岁以下。") % {"n": limit})
    if age_on(person.birth_date, today) > limit:
        raise ServiceError(_("此人已超过 %(n)d 周岁，不能推荐为业务骨干人选。") % {"n": limit})
    holds = (
        Post.objects.filter(user=person, organisation=organisation)
        .filter(current_post_filter(today=today))
        .exists()
    )
    if not holds:
        raise ServiceError(_("此人在所选组织没有现任职务。"))
    if not reason.strip():
        raise ServiceError(_("请填写推荐理由。"))
    try:
        with transaction.atomic():
            candidate = BackboneCandidate.objects.create(
                person=person,
                organisation=organisation,
                reason=reason,
                proposed_by=actor,
                proposed_on=today,
            )
    except IntegrityError:
        raise ServiceError(_("此人已在业务骨干人选中。")) from None
    audit_record(
        actor=actor,
        action="backbone.propose",
        obj=candidate,
        organisation=organisation,
        changes={"person": person.username, "reason": reason},
    )
    return candidate


def _decide(
    *,
    actor: User,
    candidate: BackboneCandidate,
    version: int,
    state: str,
    on: datetime.date,
    reason: str,
    post: Post | None = None,
) -> None:
    if on > timezone.localdate():
        raise ServiceError(_("办理日期不能晚于今天。"))
    if on < candidate.proposed_on:
        raise ServiceError(_("办理日期不能早于推荐日期。"))
    updated = BackboneCandidate.objects.filter(
        pk=candidate.pk, version=version, state=BackboneCandidate.State.PROPOSED
    ).update(
        state=state,
        decided_by=actor,
        decided_on=on,
        decision_reason=reason,
        post=post,
        version=F("version") + 1,
    )
    if updated != 1:
        raise ConcurrentEditError
    candidate.refresh_from_db()


@transaction.atomic
def backbone_select(
    *,
    actor: User,
    candidate: BackboneCandidate,
    version: int,
    on: datetime.date,
    organisation: Organisation,
    kind: str,
    reason: str,
    from_post: Post | None = None,
) -> BackboneCandidate:
    """Selected into a party-affairs post: the post starts on `on`, through a rotation that
    ends `from_post` when one is given, else as an added post."""
    if kind not in Post.OFFICER_KINDS:
        raise ServiceError(_("请选择党务岗位（书记、委员或专兼职党务干部等）。"))
    if candidate.state != BackboneCandidate.State.PROPOSED:
        raise ConcurrentEditError
    if from_post is not None:
        rotation = rotation_record(
            actor=actor,
            person=candidate.person,
            moved_on=on,
            from_post=from_post,
            organisation=organisation,
            kind=kind,
            note=_("业务骨干选入党务岗位"),
        )
        post = rotation.to_post_link
    else:
        if on > timezone.localdate():
            raise ServiceError(_("办理日期不能晚于今天。"))
        post = post_create(
            actor=actor, user=candidate.person, organisation=organisation, kind=kind, start_date=on
        )
    _decide(
        actor=actor,
        candidate=candidate,
        version=version,
        state=BackboneCandidate.State.SELECTED,
        on=on,
        reason=reason,
        post=post,
    )
    audit_record(
        actor=actor,
        action="backbone.selected",
        obj=candidate,
        organisation=candidate.organisation,
        changes={
            "state": candidate.get_state_display(),
            "decided_on": on.isoformat(),
            "decision_reason": reason,
            "post": str(post),
        },
    )
    return candidate


@transaction.atomic
def backbone_withdraw(
    *, actor: User, candidate: BackboneCandidate, version: int, on: datetime.date, reason: str
) -> BackboneCandidate:
    if not reason.strip():
        raise ServiceError(_("请填写撤回理由。"))
    _decide(
        actor=actor,
        candidate=candidate,
        version=version,
        state=BackboneCandidate.State.WITHDRAWN,
        on=on,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="backbone.withdrawn",
        obj=candidate,
        organisation=candidate.organisation,
        changes={
            "state": candidate.get_state_display(),
            "decided_on": on.isoformat(),
            "decision_reason": reason,
        },
    )
    return candidate
