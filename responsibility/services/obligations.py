"""Writes of an obligation's fill-in: what was done, occurrences, reopening and the
evidence files attached to it."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, TypeVar

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import dates, files, queue, tasks, work_versions
from ..errors import FieldRefused, ServiceError
from ..models import (
    ChecklistItem,
    Evidence,
    MeetingAttendance,
    MeetingRecord,
    Obligation,
    Organisation,
    PersonalObligation,
    User,
    Year,
)
from ..models.checklists import Frequency
from ..selectors.attendance import roster
from .entry_reviews import review_state_after_fill
from .organisations import ConcurrentEditError, audit_record, diff

# Detected type → the file-name extensions it may carry.
ALLOWED_EVIDENCE = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
    "image/bmp": {"bmp"},
    "application/msword": {"doc", "wps"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.ms-excel": {"xls", "et"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.ms-powerpoint": {"ppt", "dps"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "application/vnd.oasis.opendocument.presentation": {"odp"},
}


# What is filled in: an organisation's obligation or a person's own; the rules are the same.
Entry = TypeVar("Entry", Obligation, PersonalObligation)


class EntryClosedError(ServiceError):
    pass


class EvidenceRejected(ServiceError):
    pass


# --- fill-in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    held_on: datetime.date
    topic: str
    expected_count: int
    attended_count: int
    minutes: str


def _obligation_snapshot(obligation: Obligation) -> dict[str, Any]:
    return {
        "status": obligation.status,
        "completed_on": obligation.completed_on,
        "description": obligation.description,
        "na_reason": obligation.na_reason,
        "is_late": obligation.is_late,
        "review_state": obligation.review_state,
    }


def _meeting_against_roster(obligation: Obligation, meeting: MeetingInput) -> MeetingInput:
    """Named attendance decides a meeting's counts (services.meeting_attendance_record);
    without it, a count typed by hand may not exceed the roster on the meeting date."""
    record = MeetingRecord.objects.filter(obligation=obligation).first()
    statuses = list(record.attendance.values_list("status", flat=True)) if record else []
    if record is not None and statuses:
        if meeting.held_on != record.held_on:
            raise FieldRefused(_("已按名册登记出席情况，不能修改会议日期。"), field="held_on")
        attended = statuses.count(MeetingAttendance.Status.PRESENT)
        return dataclasses.replace(meeting, expected_count=len(statuses), attended_count=attended)
    due = len(roster(obligation.organisation_id, meeting.held_on))
    if meeting.expected_count > due:
        raise FieldRefused(
            _("应到人数（%(count)d）超过本组织会议当日的党员名册人数（%(due)d 人）。")
            % {"count": meeting.expected_count, "due": due},
            field="expected_count",
        )
    return meeting


@files.atomic()
def obligation_fill(
    *,
    actor: User,
    obligation: Obligation,
    version: int,
    status: str,
    completed_on: datetime.date | None,
    description: str,
    na_reason: str = "",
    meeting: MeetingInput | None = None,
    evidence: Iterable[Evidence] = (),
    uploads: Sequence[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Obligation:
    """Record what was done. Refuses a stale version, a closed entry, or a meeting without quorum.

    A completion dated, or recorded, after the due date sets the permanent late mark
    (domain.md §5): supervision sees the record, so a back-dated entry is still late.
    `uploads` are stored as new evidence in the same transaction, once every refusal check has
    passed: a refused, conflicting or failed fill-in leaves no file and no evidence row behind
    (responsibility.files).
    """
    today = today or timezone.localdate()
    year = obligation.year
    entry_check(
        obligation, status=status, completed_on=completed_on, na_reason=na_reason, today=today
    )
    if meeting is not None:
        dates.check_meeting_record(meeting.held_on, year=year, today=today)
        meeting = _meeting_against_roster(obligation, meeting)
    if (
        meeting is not None
        and status == Obligation.Status.DONE
        and not (meeting.attended_count * 2 > meeting.expected_count)
    ):
        raise ServiceError(_("实到人数未超过应到人数的一半，会议不符合法定人数要求。"))
    # Stored before the compare-and-swap, so the obligation's row is not locked while files are
    # written (to a bucket, this takes a while); a conflict rolls back and deletes them.
    attached = [
        evidence_upload(actor=actor, organisation=obligation.organisation, upload=upload)
        for upload in uploads
    ]

    before = _obligation_snapshot(obligation)
    if status != Obligation.Status.DONE:
        completed_on = None
    # A returned entry resubmitted after the due date is not late for that: the reviewer
    # reopened it (services.entry_reviews); a completion dated late still is.
    returned = obligation.review_state == Obligation.ReviewState.RETURNED
    late = late_mark(
        obligation, status=status, completed_on=completed_on, today=today, excused=returned
    )
    review_state = review_state_after_fill(obligation, status)
    entry_save(
        obligation,
        version=version,
        actor=actor,
        status=status,
        completed_on=completed_on,
        description=description,
        na_reason=na_reason,
        is_late=late,
        review_state=review_state,
    )
    if review_state != before["review_state"]:
        work_versions.bump(Obligation)  # the queue's returned and resubmitted entries
    changes = diff(before, _obligation_snapshot(obligation))
    if meeting is not None:
        record, created = MeetingRecord.objects.update_or_create(
            obligation=obligation,
            defaults={name: getattr(meeting, name) for name in MeetingRecord.EDITABLE_FIELDS},
        )
        changes["meeting"] = [
            None if created else "…",
            f"{record.held_on} {record.topic} {record.attended_count}/{record.expected_count}",
        ]
    attached += [e for e in evidence if e.organisation_id == obligation.organisation_id]
    if attached:
        obligation.evidence.add(*attached)
        changes["evidence"] = [None, [e.original_name for e in attached]]
    audit_record(
        actor=actor,
        action="obligation.fill",
        obj=obligation,
        organisation=obligation.organisation,
        changes=changes,
    )
    # Quality flags touching it are checked again once the save is committed (issue #20.3).
    queue.enqueue_on_commit(tasks.refresh_quality_flags, [obligation.pk])
    return obligation


@transaction.atomic
def obligation_reopen(
    *, actor: User, obligation: Obligation, reason: str, today: datetime.date | None = None
) -> Obligation:
    """A reviewer reopens entry after the deadline, for the year's grace period, with a reason."""
    return entry_reopen(actor=actor, entry=obligation, reason=reason, today=today)


@transaction.atomic
def obligation_detach_evidence(*, actor: User, obligation: Obligation, evidence: Evidence) -> None:
    entry_detach_evidence(actor=actor, entry=obligation, evidence=evidence)


# --- what every entry shares: an organisation's obligation or a person's own (PersonalObligation)


def entry_check(
    entry: Entry,
    *,
    status: str,
    completed_on: datetime.date | None,
    na_reason: str,
    today: datetime.date,
) -> None:
    """Refuse a fill-in of a closed year or entry, a completion without its date, a "not
    applicable" without its reason, or a completion dated outside what the year allows."""
    year = entry.year
    if year.is_closed:
        raise EntryClosedError(_("该年度已结束，不能再填报。"))
    if not entry.entry_open(year.entry_grace_days, today):
        raise EntryClosedError(
            _("填报已截止（截止日期加宽限期已过）。如需补报，请联系审核人重新开放。")
        )
    if status == Obligation.Status.DONE and completed_on is None:
        raise ServiceError(_("状态为已完成时必须填写完成日期。"))
    if status == Obligation.Status.NOT_APPLICABLE and not na_reason.strip():
        raise ServiceError(_("选择“不适用”时必须说明原因。"))
    if completed_on is not None:
        dates.check_completion(completed_on, year=year, today=today)


def entry_save(
    entry: Entry,
    *,
    version: int,
    actor: User,
    status: str,
    completed_on: datetime.date | None,
    description: str,
    na_reason: str,
    is_late: bool,
    **more: Any,
) -> None:
    """Store a fill-in if nobody saved the entry since `version` was read (compare-and-swap),
    then read it again; ConcurrentEditError otherwise. The reason for "not applicable" is
    kept only with that status."""
    updated = (
        type(entry)
        ._default_manager.filter(pk=entry.pk, version=version)
        .update(
            status=status,
            completed_on=completed_on,
            description=description,
            na_reason=na_reason if status == Obligation.Status.NOT_APPLICABLE else "",
            is_late=is_late,
            updated_by=actor,
            updated_at=timezone.now(),
            version=F("version") + 1,
            **more,
        )
    )
    if updated != 1:
        raise ConcurrentEditError
    entry.refresh_from_db()


def late_mark(
    entry: Entry,
    *,
    status: str,
    completed_on: datetime.date | None,
    today: datetime.date,
    excused: bool = False,
) -> bool:
    """The permanent late mark after a fill-in (domain.md §5): a completion dated, or recorded,
    after the due date; once set it stays. `excused`: recorded late because a reviewer returned
    it, which is not the officer's lateness (a completion dated late still is)."""
    return entry.is_late or (
        status == Obligation.Status.DONE
        and completed_on is not None
        and (completed_on > entry.due_date or (today > entry.due_date and not excused))
    )


def entry_reopen(
    *, actor: User, entry: Entry, reason: str, today: datetime.date | None = None
) -> Entry:
    """Reopen entry after the deadline, for the year's grace period, with a reason. The caller
    decides who may (scope "review" on the entry's organisation)."""
    if not reason.strip():
        raise ServiceError(_("重新开放填报必须说明原因。"))
    if entry.year.is_closed:
        raise ServiceError(_("该年度已结束，不能重新开放。"))
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=max(entry.year.entry_grace_days, 1))
    before = entry.reopened_until
    type(entry)._default_manager.filter(pk=entry.pk).update(
        reopened_until=until, version=F("version") + 1
    )
    entry.refresh_from_db()
    audit_record(
        actor=actor,
        action="personal_obligation.reopen"
        if isinstance(entry, PersonalObligation)
        else "obligation.reopen",
        obj=entry,
        organisation=entry.organisation,
        changes={
            "reopened_until": [str(before) if before else None, str(until)],
            "reason": [None, reason],  # [old, new] like every other change: pages show pairs
        },
    )
    return entry


def entry_detach_evidence(*, actor: User, entry: Entry, evidence: Evidence) -> None:
    entry.evidence.remove(evidence)
    audit_record(
        actor=actor,
        action="personal_obligation.detach_evidence"
        if isinstance(entry, PersonalObligation)
        else "obligation.detach_evidence",
        obj=entry,
        organisation=entry.organisation,
        changes={"evidence": [evidence.original_name, None]},
    )


@files.atomic()
def occurrence_record(
    *,
    actor: User,
    item: ChecklistItem,
    held_on: datetime.date,
    description: str,
    uploads: Sequence[UploadedFile] = (),
    evidence: Iterable[Evidence] = (),
    today: datetime.date | None = None,
) -> Obligation:
    """Record one occurrence of an as-needed duty (适时、根据工作需要) as a done obligation dated
    the day it happened, with its evidence.

    Such an item has no scheduled obligations (periods.periods), so nothing is open for the
    reminders to chase; process scoring counts the recorded occurrences like any done
    obligation (evidence counts, a late mark cannot arise: it is due the day it happens), and
    an item with none recorded is left out of the score rather than counted as missed.
    """
    today = today or timezone.localdate()
    year = item.checklist.year
    if item.frequency != Frequency.AS_NEEDED:
        raise ServiceError(_("该事项按固定频次生成任务，请在对应的任务中填报。"))
    if year.status != Year.Status.ACTIVE:
        raise EntryClosedError(_("该年度未启动或已结束，不能记录。"))
    dates.check_completion(held_on, year=year, today=today, field="held_on")
    if not description.strip():
        raise ServiceError(_("请填写开展情况。"))
    if Obligation.objects.filter(item=item, period_start=held_on, period_end=held_on).exists():
        raise ServiceError(
            _("%(date)s 已记录过一次，请在该次记录中补充。") % {"date": held_on.isoformat()}
        )
    obligation = Obligation.objects.create(
        item=item,
        organisation=item.checklist.organisation,
        year=year,
        period_start=held_on,
        period_end=held_on,
        period_label=_("%(m)d月%(d)d日") % {"m": held_on.month, "d": held_on.day},
        due_date=held_on,
        status=Obligation.Status.DONE,
        completed_on=held_on,
        description=description,
        updated_by=actor,
    )
    attached = [
        evidence_upload(actor=actor, organisation=obligation.organisation, upload=upload)
        for upload in uploads
    ]
    attached += [e for e in evidence if e.organisation_id == obligation.organisation_id]
    if attached:
        obligation.evidence.add(*attached)
    audit_record(
        actor=actor,
        action="obligation.occurrence",
        obj=obligation,
        organisation=obligation.organisation,
        changes={
            "completed_on": [None, held_on.isoformat()],
            "description": [None, description],
            **({"evidence": [None, [e.original_name for e in attached]]} if attached else {}),
        },
    )
    queue.enqueue_on_commit(tasks.refresh_quality_flags, [obligation.pk])
    return obligation


# --- evidence ----------------------------------------------------------------------------------


def evidence_check(upload: UploadedFile) -> str:
    """The detected content type, or EvidenceRejected with a reason a person can act on."""
    size = upload.size or 0  # Django's uploads always know their size; the stubs allow None
    if size == 0:
        raise EvidenceRejected(_("文件“%(name)s”是空文件。") % {"name": upload.name})
    limit = settings.EVIDENCE_MAX_BYTES
    if size > limit:
        raise EvidenceRejected(
            _("文件“%(name)s”超过大小上限 %(mb)d MB。")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if kind is None or kind.mime not in ALLOWED_EVIDENCE:
        raise EvidenceRejected(
            _("文件“%(name)s”的内容不是允许的类型（PDF、图片、Office 文档）。")
            % {"name": upload.name}
        )
    if extension not in ALLOWED_EVIDENCE[kind.mime]:
        raise EvidenceRejected(
            _("文件“%(name)s”的扩展名与实际内容（%(kind)s）不符。")
            % {"name": upload.name, "kind": kind.extension}
        )
    mime: str = kind.mime
    return mime


@files.atomic()
def evidence_upload(
    *,
    actor: User | None,
    organisation: Organisation,
    upload: UploadedFile,
    reviewers_only: bool = False,
) -> Evidence:
    """Store one file as evidence. Called inside the service that attaches it, so that a
    rollback there deletes the file too (responsibility.files). `reviewers_only` files are a
    reviewer's about the organisation: never offered to it for reuse, nor served to it."""
    content_type = evidence_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name or "file").name[:255]
    evidence = Evidence(
        organisation=organisation,
        original_name=name,
        content_type=content_type,
        size=upload.size or 0,  # known for every upload (evidence_check read it)
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        reviewers_only=reviewers_only,
    )
    # Stored under a neutral name; the original name is kept in the row and used on download.
    extension = PurePath(name).suffix.lower()
    files.save(evidence.file, f"{digest.hexdigest()[:16]}{extension}", upload)
    evidence.save()
    audit_record(
        actor=actor,
        action="evidence.upload",
        obj=evidence,
        organisation=organisation,
        changes={"name": name, "sha256": evidence.sha256, "size": evidence.size},
    )
    return evidence
