"""Writes of named attendance (留痕不唯痕): a meeting's roster marked present, absent or on
leave, its counts derived from those lines, and each absentee's 补课."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import files
from ..errors import FieldRefused, ServiceError
from ..models import MeetingAttendance, MeetingRecord, Obligation, User
from ..selectors.attendance import roster
from .obligations import EntryClosedError, evidence_upload
from .organisations import ConcurrentEditError, audit_record

MAKEUP_DAYS = 30  # default deadline of a 补课 after the meeting; the form lets officers change it

Status = MeetingAttendance.Status


@dataclass(frozen=True)
class AttendanceLine:
    person_id: int
    status: str
    reason: str = ""


def _summary(lines: Sequence[AttendanceLine] | Sequence[MeetingAttendance]) -> str:
    counts = dict.fromkeys(Status.values, 0)
    for line in lines:
        counts[line.status] += 1
    return _("出席 %(present)d 人，缺席 %(absent)d 人，请假 %(leave)d 人") % counts


def quorate(expected: int, attended: int) -> bool:
    """More than half of those due attended (支部工作条例)."""
    return attended * 2 > expected


def _check_lines(
    meeting: MeetingRecord, lines: Sequence[AttendanceLine], makeup_due: datetime.date
) -> dict[int, User]:
    people = {
        person.pk: person for person in roster(meeting.obligation.organisation_id, meeting.held_on)
    }
    seen: set[int] = set()
    for line in lines:
        if line.person_id not in people:
            raise ServiceError(
                _("名单中有人不在本组织会议当日（%(date)s）的党员名册中，不能计入应到人数。")
                % {"date": meeting.held_on.isoformat()}
            )
        if line.person_id in seen:
            raise ServiceError(_("同一人只能登记一次出席情况。"))
        seen.add(line.person_id)
        if line.status not in Status.values:
            raise ServiceError(_("出席情况只能是出席、缺席或请假。"))
        if line.status != Status.PRESENT and not line.reason.strip():
            raise ServiceError(
                _("%(name)s%(status)s，请填写原因。")
                % {
                    "name": people[line.person_id].display_name,
                    "status": Status(line.status).label,
                }
            )
    missing = [person.display_name for pk, person in people.items() if pk not in seen]
    if missing:
        raise ServiceError(
            _("名册中还有 %(n)d 人未登记出席情况：%(names)s。")
            % {"n": len(missing), "names": "、".join(missing)}
        )
    if any(line.status != Status.PRESENT for line in lines) and makeup_due < meeting.held_on:
        raise FieldRefused(_("补课期限不能早于会议日期。"), field="makeup_due")
    return people


@files.atomic()
def meeting_attendance_record(
    *,
    actor: User,
    obligation: Obligation,
    version: int,
    lines: Sequence[AttendanceLine],
    makeup_due: datetime.date | None = None,
    today: datetime.date | None = None,
) -> MeetingRecord:
    """Mark every member of the roster on the meeting date; the meeting's 应到/实到 become the
    roster and those present, so no count beyond the roster can be recorded. Absentees and
    those on leave owe a 补课 by `makeup_due`; a 补课 already made up is kept. A meeting whose
    obligation is done must stay quorate. The obligation's version guards concurrent edits."""
    today = today or timezone.localdate()
    meeting = MeetingRecord.objects.filter(obligation=obligation).first()
    if meeting is None:
        raise ServiceError(_("请先填写会议日期和议题并保存，再登记出席情况。"))
    meeting.obligation = obligation
    if obligation.year.is_closed:
        raise EntryClosedError(_("该年度已结束，不能再填报。"))
    if not obligation.entry_open(obligation.year.entry_grace_days, today):
        raise EntryClosedError(
            _("填报已截止（截止日期加宽限期已过）。如需补报，请联系审核人重新开放。")
        )
    if makeup_due is None:
        makeup_due = meeting.held_on + datetime.timedelta(days=MAKEUP_DAYS)
    _check_lines(meeting, lines, makeup_due)
    expected = len(lines)
    attended = sum(1 for line in lines if line.status == Status.PRESENT)
    if obligation.status == Obligation.Status.DONE and not quorate(expected, attended):
        raise ServiceError(
            _("出席 %(attended)d 人，未超过应到 %(expected)d 人的一半，会议不符合法定人数要求。")
            % {"attended": attended, "expected": expected}
        )
    updated = Obligation.objects.filter(pk=obligation.pk, version=version).update(
        version=F("version") + 1, updated_by=actor, updated_at=timezone.now()
    )
    if updated != 1:
        raise ConcurrentEditError
    existing = {line.person_id: line for line in meeting.attendance.all()}
    before = _summary(list(existing.values())) if existing else None
    create: list[MeetingAttendance] = []
    change: list[MeetingAttendance] = []
    for line in lines:
        row = existing.get(line.person_id)
        if row is None:
            row = MeetingAttendance(
                meeting=meeting,
                organisation_id=obligation.organisation_id,
                person_id=line.person_id,
            )
            create.append(row)
        else:
            change.append(row)
        was_absent = row.status in (Status.ABSENT, Status.LEAVE)
        row.status = line.status
        if line.status == Status.PRESENT:
            row.reason = ""
            row.makeup_due = row.makeup_on = row.makeup_done_at = None
            row.makeup_how = ""
            row.makeup_evidence = row.makeup_by = None
        else:
            row.reason = line.reason.strip()
            if not (was_absent and row.makeup_due):
                row.makeup_due = makeup_due
    # Lines of people no longer on the roster of that date (a post corrected since) go.
    MeetingAttendance.objects.filter(meeting=meeting).exclude(
        person_id__in=[line.person_id for line in lines]
    ).delete()
    MeetingAttendance.objects.bulk_create(create)
    MeetingAttendance.objects.bulk_update(
        change,
        [
            "status",
            "reason",
            "makeup_due",
            "makeup_on",
            "makeup_how",
            "makeup_evidence",
            "makeup_done_at",
            "makeup_by",
        ],
    )
    MeetingAttendance.objects.filter(pk__in=[row.pk for row in change]).update(
        version=F("version") + 1
    )
    MeetingRecord.objects.filter(pk=meeting.pk).update(
        expected_count=expected, attended_count=attended
    )
    meeting.refresh_from_db()
    audit_record(
        actor=actor,
        action="meeting.attendance",
        obj=obligation,
        organisation=obligation.organisation,
        changes={
            "attendance": [before, _summary(lines)],
            "meeting": [None, f"{meeting.held_on} {meeting.topic} {attended}/{expected}"],
        },
    )
    return meeting


@files.atomic()
def makeup_complete(
    *,
    actor: User,
    attendance: MeetingAttendance,
    version: int,
    makeup_on: datetime.date,
    makeup_how: str,
    upload: UploadedFile | None = None,
    today: datetime.date | None = None,
) -> MeetingAttendance:
    """Record an absentee's 补课: when, how, with a file if any. The absentee or the
    organisation's officers record it; the line's version guards concurrent edits."""
    today = today or timezone.localdate()
    if attendance.status == Status.PRESENT:
        raise ServiceError(_("出席会议的人员无需补课。"))
    if makeup_on < attendance.meeting.held_on:
        raise FieldRefused(_("补课日期不能早于会议日期。"), field="makeup_on")
    if makeup_on > today:
        raise FieldRefused(_("补课日期不能晚于今天。"), field="makeup_on")
    if not makeup_how.strip():
        raise FieldRefused(_("请填写补课方式。"), field="makeup_how")
    evidence = (
        evidence_upload(actor=actor, organisation=attendance.organisation, upload=upload)
        if upload is not None
        else attendance.makeup_evidence
    )
    before = {
        "makeup_on": attendance.makeup_on.isoformat() if attendance.makeup_on else None,
        "makeup_how": attendance.makeup_how or None,
    }
    updated = MeetingAttendance.objects.filter(pk=attendance.pk, version=version).update(
        makeup_on=makeup_on,
        makeup_how=makeup_how.strip(),
        makeup_evidence=evidence,
        makeup_done_at=timezone.now(),
        makeup_by=actor,
        version=F("version") + 1,
    )
    if updated != 1:
        raise ConcurrentEditError
    attendance.refresh_from_db()
    audit_record(
        actor=actor,
        action="meeting.makeup",
        obj=attendance,
        organisation=attendance.organisation,
        changes={
            "person": [None, attendance.person.display_name],
            "makeup_on": [before["makeup_on"], makeup_on.isoformat()],
            "makeup_how": [before["makeup_how"], attendance.makeup_how],
            **({"evidence": [None, evidence.original_name]} if upload and evidence else {}),
        },
    )
    return attendance
