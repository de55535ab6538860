"""Writes of the year-end duty report and its review meeting: raters, votes, comments."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
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
    DutyReportSection,
    Grade,
    ReviewComment,
    Vote,
)
from ..report_drafts import DraftSection
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
    sections: Mapping[int, str] | None = None,
) -> DutyReport:
    """Save (or submit) the report; `uploads` are stored as attachments only once the checks
    and the compare-and-swap have passed, in the same transaction. `sections` are the
    secretary's texts of a drafted report's sections, by section id; their facts and drafted
    texts stay as drafted."""
    report, _created = DutyReport.objects.get_or_create(organisation=organisation, year=year)
    if report.submitted_at is not None:
        raise AssessmentError(_("述职报告已提交，不能再修改。"))
    edited = list(report.sections.all()) if sections is not None else []
    for section in edited:
        # Browsers send CRLF; the drafted text has LF, and an untouched section must stay
        # untouched (is_edited), or drafting again would keep it instead of refreshing it.
        typed = (sections or {}).get(section.pk, section.text)
        section.text = typed.replace("\r\n", "\n")
    if submit:
        from ..selectors import scheme_for  # selectors import this module

        deadline = scheme_for(year).report_deadline
        today = today or timezone.localdate()
        if deadline is not None and today > deadline:
            raise AssessmentError(
                _("已超过述职报告提交截止日期（%(d)s）。") % {"d": deadline.isoformat()}
            )
        if not text.strip() and not any(section.text.strip() for section in edited):
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
    if edited:
        DutyReportSection.objects.bulk_update(edited, ["text"])
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
        changes={
            "length": len(text),
            "attachments": [f.original_name for f in added],
            "sections_edited": [s.title for s in edited if s.is_edited],
        },
    )
    if submit:
        handovers.announce("report_submitted", obj=report, actor=actor)
    return report


@transaction.atomic
def report_draft(
    *,
    actor: User | None,
    organisation: Organisation,
    year: Year,
    version: int | None,
    today: datetime.date | None = None,
) -> DutyReport:
    """Draft the report's sections from the year's record (issue #20.4): the facts as they
    stand today, frozen on the report, and a text from them. Drafting again refreshes the facts
    and the drafted texts, and keeps every text the secretary has edited."""
    from ..selectors import report_draft_sections  # selectors import this module

    report, _created = DutyReport.objects.get_or_create(organisation=organisation, year=year)
    report.organisation, report.year = organisation, year  # the audit entry names them
    if report.submitted_at is not None:
        raise AssessmentError(_("述职报告已提交，不能重新生成草稿。"))
    expected = report.version if version is None else version
    updated = DutyReport.objects.filter(pk=report.pk, version=expected).update(
        version=F("version") + 1, drafted_at=timezone.now()
    )
    if updated != 1:
        raise ConcurrentEditError
    work_versions.bump(DutyReport)
    drafted = report_draft_sections(organisation, year, today or timezone.localdate())
    kept = report_sections_write(report=report, drafted=drafted)
    report.refresh_from_db(fields=["version", "drafted_at"])
    audit_record(
        actor=actor,
        action="report.draft",
        obj=report,
        organisation=organisation,
        changes={"sections": [d.title for d in drafted], "kept_edits": kept},
    )
    return report


def report_sections_write(*, report: DutyReport, drafted: Sequence[DraftSection]) -> list[str]:
    """Replace the report's sections by `drafted`, keeping the text of each section the
    secretary edited; returns the titles of the kept texts. Three queries for any size.
    Callers hold the report's compare-and-swap (report_draft) or own the report (the demo)."""
    previous = {s.key: s for s in report.sections.all()}
    kept: list[str] = []
    rows = []
    for section in drafted:
        draft_text = section.text
        text = draft_text
        before = previous.get(section.key)
        if before is not None and before.is_edited:
            text = before.text
            kept.append(section.title)
        rows.append(
            DutyReportSection(
                report=report,
                key=section.key,
                title=section.title,
                sort_order=section.sort_order,
                facts=section.facts,
                draft_text=draft_text,
                text=text,
            )
        )
    # A section the record no longer yields keeps what the secretary wrote in it, without facts.
    drafted_keys = {section.key for section in drafted}
    for before in previous.values():
        if before.key not in drafted_keys and before.is_edited:
            kept.append(before.title)
            rows.append(
                DutyReportSection(
                    report=report,
                    key=before.key,
                    title=before.title,
                    sort_order=before.sort_order,
                    text=before.text,
                )
            )
    rows.sort(key=lambda row: row.sort_order)
    report.sections.all().delete()
    DutyReportSection.objects.bulk_create(rows)
    return kept


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
