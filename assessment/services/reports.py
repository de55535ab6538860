"""Writes of the year-end duty report and its review meeting: raters, votes, comments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import files, handovers, scope, work_versions
from responsibility.models import Evidence, Organisation, User, Year
from responsibility.services import (
    ConcurrentEditError,
    audit_record,
    evidence_check,
    evidence_upload,
)

from .. import stale
from ..models import (
    DutyReport,
    Grade,
    ReviewComment,
    Vote,
)
from .reviews import _check_not_own
from .schemes import AssessmentError, results_mark_stale

# --- year-end duty report and review meeting ---------------------------------------------------


@files.atomic()
def report_save(
    *,
    actor: User,
    organisation: Organisation,
    year: Year,
    text: str,
    version: int | None,
    attachments: Iterable[Evidence] = (),
    uploads: Sequence[UploadedFile] = (),
    submit: bool = False,
    today: datetime.date | None = None,
) -> DutyReport:
    """Save (or submit) the report; `uploads` are stored as attachments only once the checks
    and the compare-and-swap have passed, in the same transaction."""
    report, _created = DutyReport.objects.get_or_create(organisation=organisation, year=year)
    if report.submitted_at is not None:
        raise AssessmentError(_("述职报告已提交，不能再修改。"))
    if submit:
        from ..selectors import scheme_for  # selectors import this module

        deadline = scheme_for(year).report_deadline
        today = today or timezone.localdate()
        if deadline is not None and today > deadline:
            raise AssessmentError(
                _("已超过述职报告提交截止日期（%(d)s）。") % {"d": deadline.isoformat()}
            )
        if not text.strip():
            raise AssessmentError(_("提交前请填写述职报告内容。"))
    for upload in uploads:
        evidence_check(upload)
    expected = report.version if version is None else version
    values: dict[str, Any] = {"text": text}
    if submit:
        values.update(submitted_at=timezone.now(), submitted_by=actor)
    updated = DutyReport.objects.filter(pk=report.pk, version=expected).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConcurrentEditError
    work_versions.bump(DutyReport)
    report.refresh_from_db()
    added = [
        evidence_upload(actor=actor, organisation=organisation, upload=upload) for upload in uploads
    ]
    added += attachments
    if added:
        report.attachments.add(*added)
    audit_record(
        actor=actor,
        action="report.submit" if submit else "report.save",
        obj=report,
        organisation=organisation,
        changes={"length": len(text), "attachments": [f.original_name for f in added]},
    )
    if submit:
        handovers.announce("report_submitted", obj=report, actor=actor)
    return report


@transaction.atomic
def report_raters_set(*, actor: User, report: DutyReport, raters: Iterable[User]) -> DutyReport:
    _check_not_own(actor, report.organisation)
    if report.meeting_closed_at is not None:
        raise AssessmentError(_("评议已结束。"))
    people = list(raters)
    report.raters.set(people)
    work_versions.bump(DutyReport)
    audit_record(
        actor=actor,
        action="report.raters",
        obj=report,
        organisation=report.organisation,
        changes={"raters": [p.username for p in people]},
    )
    return report


@transaction.atomic
def vote_cast(*, actor: User, report: DutyReport, choice: str) -> Vote:
    """One vote per rater: a second vote replaces the first until the meeting closes."""
    if report.meeting_closed_at is not None:
        raise AssessmentError(_("评议已结束，不能再投票。"))
    if report.submitted_at is None:
        raise AssessmentError(_("述职报告尚未提交，暂不能评议。"))
    if not scope.can(actor, "rate", report):
        raise AssessmentError(_("您不是该组织述职评议的评议人。"))
    own = scope.filter_for(actor, Vote.objects.filter(report=report), action="own")
    before = own.values_list("choice", flat=True)
    previous = before.first()
    vote, _created = Vote.objects.update_or_create(
        report=report, rater=actor, defaults={"choice": Grade(choice), "cast_at": timezone.now()}
    )
    work_versions.bump(Vote)
    # Anonymous in results: the audit keeps that a vote was cast, not what it was.
    audit_record(actor=actor, action="vote.cast", obj=report, organisation=report.organisation)
    if previous != vote.choice:
        # No detail: who voted, and what, stays out of the mark as it stays out of the tally.
        results_mark_stale(
            actor=actor,
            year=report.year,
            organisation=report.organisation,
            change=stale.Change.VOTE,
        )
    return vote


@transaction.atomic
def meeting_close(*, actor: User, report: DutyReport) -> DutyReport:
    _check_not_own(actor, report.organisation)
    if report.meeting_closed_at is not None:
        raise AssessmentError(_("评议已结束。"))
    report.meeting_closed_at = timezone.now()
    report.save(update_fields=["meeting_closed_at"])
    work_versions.bump(DutyReport)
    audit_record(
        actor=actor, action="report.close_meeting", obj=report, organisation=report.organisation
    )
    return report


@transaction.atomic
def comment_add(*, actor: User, report: DutyReport, text: str) -> ReviewComment:
    _check_not_own(actor, report.organisation)
    if not text.strip():
        raise AssessmentError(_("请填写点评意见。"))
    comment = ReviewComment.objects.create(report=report, author=actor, text=text)
    audit_record(
        actor=actor,
        action="report.comment",
        obj=comment,
        organisation=report.organisation,
        changes={"text": text},
    )
    return comment
