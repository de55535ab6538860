"""Writes of the quarterly reviews: rounds, scores, self-assessment and the review's
steps (submit, confirm, publish)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import dates, handovers, scope, work_versions
from responsibility.models import ChecklistItem, Organisation, User, Year
from responsibility.services import (
    ConcurrentEditError,
    audit_record,
)

from .. import stale
from ..models import (
    ItemScore,
    OrganisationReview,
    ReviewRound,
)
from .schemes import AssessmentError, results_mark_stale

# --- quarterly review rounds -------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor: User | None,
    year: Year,
    quarter: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> ReviewRound:
    if ReviewRound.objects.filter(year=year, quarter=quarter).exists():
        raise AssessmentError(_("该季度检查已存在。"))
    dates.check_round(opens_on, closes_on, year=year)
    if closes_on < opens_on:
        raise AssessmentError(_("截止日期不能早于开始日期。"))
    review_round = ReviewRound.objects.create(
        year=year, quarter=quarter, opens_on=opens_on, closes_on=closes_on
    )
    work_versions.bump(ReviewRound)
    audit_record(
        actor=actor,
        action="review_round.create",
        obj=review_round,
        changes={"quarter": quarter, "opens_on": str(opens_on), "closes_on": str(closes_on)},
    )
    return review_round


@transaction.atomic
def review_start(
    *, actor: User | None, review_round: ReviewRound, organisation: Organisation
) -> OrganisationReview:
    """Open an organisation's review for the round: one score row per checklist item, at full
    marks, so a reviewer only touches the items that lose points."""
    review, created = OrganisationReview.objects.get_or_create(
        round=review_round, organisation=organisation
    )
    if created:
        work_versions.bump(OrganisationReview)
        items = ChecklistItem.objects.filter(
            checklist__organisation=organisation, checklist__year=review_round.year
        )
        ItemScore.objects.bulk_create(
            [ItemScore(review=review, item=i, max_points=i.points, score=i.points) for i in items]
        )
        audit_record(actor=actor, action="review.start", obj=review, organisation=organisation)
    return review


def _check_not_own(actor: User, organisation: Organisation) -> None:
    """A reviewer never scores their own organisation (scope also enforces this)."""
    if not scope.can(actor, "review", organisation):
        raise AssessmentError(_("不能评价本人任职的组织。"))


@dataclass(frozen=True)
class ScoreInput:
    item_id: int
    score: Decimal
    reason: str


@transaction.atomic
def review_scores_save(
    *, actor: User, review: OrganisationReview, version: int, scores: Iterable[ScoreInput]
) -> OrganisationReview:
    _check_not_own(actor, review.organisation)
    if not review.is_editable:
        raise AssessmentError(_("该评分已提交，不能修改；如需修改请由复核人退回。"))
    existing = {s.item_id: s for s in review.scores.all()}
    changed: list[ItemScore] = []
    audit: dict[str, list[Any]] = {}
    for entry in scores:
        row = existing.get(entry.item_id)
        if row is None:
            raise AssessmentError(_("评分事项不属于该组织的清单。"))
        if not Decimal(0) <= entry.score <= row.max_points:
            raise AssessmentError(
                _("%(ref)s 的得分必须在 0 到 %(max)s 之间。")
                % {"ref": row.item.ref, "max": f"{row.max_points.normalize():f}"}
            )
        reason = entry.reason.strip()
        if entry.score < row.max_points and not reason:
            raise AssessmentError(_("%(ref)s 扣分必须填写理由。") % {"ref": row.item.ref})
        if entry.score == row.max_points:
            reason = ""
        if row.score != entry.score or row.reason != reason:
            audit[row.item.ref] = [
                f"{row.score.normalize():f} {row.reason}".strip(),
                f"{entry.score.normalize():f} {reason}".strip(),
            ]
            row.score, row.reason = entry.score, reason
            row.version += 1
            changed.append(row)
    updated = OrganisationReview.objects.filter(pk=review.pk, version=version).update(
        version=F("version") + 1, scored_by=actor
    )
    if updated != 1:
        raise ConcurrentEditError
    work_versions.bump(OrganisationReview)
    ItemScore.objects.bulk_update(changed, ["score", "reason", "version"])
    review.refresh_from_db()
    if audit:
        audit_record(
            actor=actor,
            action="review.score",
            obj=review,
            organisation=review.organisation,
            changes=audit,
        )
    return review


@transaction.atomic
def review_self_assess(*, actor: User, review: OrganisationReview, text: str) -> OrganisationReview:
    if not review.round.allow_self_assessment:
        raise AssessmentError(_("本次检查不要求自评。"))
    if not review.is_editable:
        raise AssessmentError(_("评分已提交，不能再修改自评。"))
    before = review.self_assessment
    review.self_assessment = text
    review.self_assessed_at = timezone.now()
    review.save(update_fields=["self_assessment", "self_assessed_at"])
    audit_record(
        actor=actor,
        action="review.self_assess",
        obj=review,
        organisation=review.organisation,
        changes={"self_assessment": [before, text]},
    )
    return review


TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft", "returned"), "submitted"),
    "return": (("submitted", "confirmed"), "returned"),
    "confirm": (("submitted",), "confirmed"),
    "publish": (("confirmed",), "published"),
}


def review_refusal(actor: User, review: OrganisationReview, action: str) -> str | None:
    """Why `actor` may not take `action` (a TRANSITIONS key) on the review now, or None.

    The one rule behind both the scoring page's buttons and `review_transition`, so a button
    is offered only to someone the service will let press it: the reviewer in scope, in a
    status the action leaves from, and for confirming or returning a second reviewer."""
    if not scope.can(actor, "review", review.organisation):
        return _("不能评价本人任职的组织。")
    allowed_from, _target = TRANSITIONS[action]
    if review.status not in allowed_from:
        return _("当前状态为“%(status)s”，不能执行该操作。") % {
            "status": review.get_status_display()
        }
    if action in ("confirm", "return") and not scope.can(actor, "second", review):
        return _("复核须由评分人以外的审核人进行。")
    return None


def review_may(actor: User, review: OrganisationReview, action: str) -> bool:
    return review_refusal(actor, review, action) is None


@transaction.atomic
def review_transition(
    *, actor: User, review: OrganisationReview, action: str, comment: str = ""
) -> OrganisationReview:
    """Move a review through its workflow. Confirming or returning needs a second reviewer."""
    refusal = review_refusal(actor, review, action)
    if refusal is not None:
        raise AssessmentError(refusal)
    _allowed_from, target = TRANSITIONS[action]
    if action == "return" and not comment.strip():
        raise AssessmentError(_("退回时必须填写意见。"))
    before = review.status
    fields = ["status", "version"]
    review.status = target
    review.version += 1
    if action == "submit":
        review.submitted_at = timezone.now()
        review.scored_by = actor if review.scored_by_id is None else review.scored_by
        fields += ["submitted_at", "scored_by"]
    elif action == "return":
        review.return_comment = comment
        fields.append("return_comment")
    elif action == "confirm":
        review.confirmed_by = actor
        fields.append("confirmed_by")
    elif action == "publish":
        review.published_at = timezone.now()
        fields.append("published_at")
    review.save(update_fields=fields)
    work_versions.bump(OrganisationReview)
    audit_record(
        actor=actor,
        action=f"review.{action}",
        obj=review,
        organisation=review.organisation,
        changes={"status": [before, target], **({"comment": comment} if comment else {})},
    )
    if action == "submit":
        handovers.announce("review_submitted", obj=review, actor=actor)
    if action == "publish":
        # A published review is final (nothing moves it out of "published"), so its
        # publication is the only moment a quarterly score reaches the results.
        results_mark_stale(
            actor=actor,
            year=review.round.year,
            organisation=review.organisation,
            change=stale.Change.REVIEW,
            detail=str(review.round),
        )
    return review
