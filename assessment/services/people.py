"""Writes of the person-level assessment's inputs (issue #19.3): the 待更新 mark on published
person results, the caps on a person's grade (written by accountability's case services) and
the reviewers' ratings in the year-end 述职."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import scope
from responsibility.models import Organisation, Post, User, Year
from responsibility.services import ConcurrentEditError, audit_record

from .. import stale
from ..models import DutyReport, Grade, PersonGradeCap, PersonRating, PersonResult
from .schemes import AssessmentError


@transaction.atomic
def person_results_mark_stale(
    *,
    actor: User | None,
    year: Year,
    change: stale.Change,
    person_ids: Collection[int] | None = None,
    detail: str = "",
) -> int:
    """Mark the year's current published person results (these people's, or all) 待更新. An
    unpublished result needs no mark: computing updates it in place."""
    now = timezone.now()
    reason = stale.reason(change, now, detail)
    results = PersonResult.objects.filter(year=year, is_current=True, published_at__isnull=False)
    if person_ids is not None:
        results = results.filter(person_id__in=list(person_ids))
    rows = list(results.select_for_update().only("pk", "stale_since", "stale_reasons"))
    for row in rows:
        row.stale_since = row.stale_since or now
        row.stale_reasons = stale.add(row.stale_reasons or [], reason)
    PersonResult.objects.bulk_update(rows, ["stale_since", "stale_reasons"], batch_size=2000)
    if rows:
        changes: dict[str, Any] = {"stale": change.value, "count": len(rows)}
        if detail and change not in stale.CONFIDENTIAL:
            changes["detail"] = detail
        audit_record(actor=actor, action="person_results.stale", obj=year, changes=changes)
    return len(rows)


@transaction.atomic
def person_grade_cap_add(
    *,
    actor: User | None,
    person: User,
    organisation: Organisation,
    year: Year,
    max_grade: str,
    reason: str,
    source: str,
) -> PersonGradeCap:
    """Cap a person's grade for a year (an accountability case against them). One cap per
    source: calling again updates it. A new or changed cap marks their published result."""
    before = (
        PersonGradeCap.objects.filter(person=person, year=year, source=source)
        .values_list("max_grade", "organisation_id")
        .first()
    )
    cap, _created = PersonGradeCap.objects.update_or_create(
        person=person,
        year=year,
        source=source,
        defaults={
            "organisation": organisation,
            "max_grade": max_grade,
            "reason": reason,
            "created_by": actor,
        },
    )
    # The register is confidential: the entry names no organisation (as case_create's).
    audit_record(
        actor=actor,
        action="person_grade_cap.add",
        obj=cap,
        changes={"max_grade": max_grade, "reason": reason, "source": source},
    )
    if before is None or before[0] != max_grade:
        person_results_mark_stale(
            actor=actor,
            year=year,
            person_ids=[person.pk],
            change=stale.Change.CAP,
            detail=_("不高于“%(grade)s”，%(reason)s")
            % {"grade": Grade(max_grade).label, "reason": reason},
        )
    return cap


@transaction.atomic
def person_grade_cap_remove(*, actor: User | None, person: User, year: Year, source: str) -> None:
    for cap in PersonGradeCap.objects.filter(person=person, year=year, source=source):
        audit_record(actor=actor, action="person_grade_cap.remove", obj=cap)
        person_results_mark_stale(
            actor=actor,
            year=year,
            person_ids=[person.pk],
            change=stale.Change.CAP,
            detail=_("移除：不高于“%(grade)s”，%(reason)s")
            % {"grade": cap.get_max_grade_display(), "reason": cap.reason},
        )
        cap.delete()


def rating_open(report: DutyReport) -> bool:
    """The year-end 述职's rating period: the report is submitted and its meeting not closed."""
    return report.submitted_at is not None and report.meeting_closed_at is None


@transaction.atomic
def person_rating_save(
    *,
    actor: User,
    report: DutyReport,
    person: User,
    execution: int,
    supervision: int,
    version: int | None = None,
) -> PersonRating:
    """A reviewer rates an officer of the reported organisation (执行力度, 监督力度, 0–100);
    rating again replaces their own rating (compare-and-swap on its `version`)."""
    if not rating_open(report):
        raise AssessmentError(_("述职评议尚未开始或已结束，不能测评。"))
    if not scope.can(actor, "rate_person", report):
        raise AssessmentError(_("只有该组织的审核人可以测评。"))
    year = report.year
    officer = Post.objects.filter(
        user=person,
        organisation_id=report.organisation_id,
        kind__in=Post.OFFICER_KINDS,
        start_date__lte=year.end,
    ).exclude(end_date__lt=year.start)
    if not officer.exists():
        raise AssessmentError(_("被测评人须在本年度任该组织的书记、委员或党务干部。"))
    for value in (execution, supervision):
        if not 0 <= value <= 100:
            raise AssessmentError(_("测评分须在 0 到 100 之间。"))
    existing = scope.filter_for(
        actor, PersonRating.objects.filter(report=report, person=person), action="own"
    ).first()
    if existing is None:
        rating = PersonRating.objects.create(
            report=report,
            person=person,
            rater=actor,
            execution=execution,
            supervision=supervision,
        )
        before: dict[str, Any] = {}
    else:
        if version is not None and version != existing.version:
            raise ConcurrentEditError
        updated = PersonRating.objects.filter(pk=existing.pk, version=existing.version).update(
            execution=execution,
            supervision=supervision,
            rated_at=timezone.now(),
            version=F("version") + 1,
        )
        if updated != 1:
            raise ConcurrentEditError
        before = {"execution": existing.execution, "supervision": existing.supervision}
        rating = PersonRating.objects.get(pk=existing.pk)
    # A ballot: the trail keeps that a rating was given, never its values (domain.md §8a).
    audit_record(
        actor=actor,
        action="person_rating.save",
        obj=report,
        organisation=report.organisation,
        changes={"person": person.username, "again": bool(before)},
    )
    person_results_mark_stale(
        actor=actor, year=report.year, person_ids=[person.pk], change=stale.Change.RATING
    )
    return rating
