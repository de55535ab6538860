"""Reads of named attendance: a meeting's roster, its lines, a person's meetings and 补课."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from .. import scope
from ..models import MeetingAttendance, MeetingRecord, Organisation, Post, User
from .organisations import current_post_filter

PERSON_MEETINGS_SHOWN = 200  # about six years of a branch's monthly meetings and lectures


def roster(organisation: Organisation | int, on: datetime.date) -> list[User]:
    """Everyone holding a post (党员 or any officer post) in the organisation on the meeting
    date, once each, by name: those due at its meeting. One query."""
    return list(
        User.objects.filter(
            pk__in=Post.objects.filter(current_post_filter(today=on))
            .filter(organisation=organisation)
            .values("user_id")
        ).order_by("full_name", "username")
    )


def meeting_lines(meeting: MeetingRecord) -> list[MeetingAttendance]:
    """A meeting's named attendance, by name: one query."""
    return list(
        meeting.attendance.select_related("person", "makeup_evidence").order_by(
            "person__full_name", "person__username"
        )
    )


@dataclass(frozen=True)
class AttendanceRow:
    """One line of the attendance form: a roster member and what is recorded for them."""

    person: User
    line: MeetingAttendance | None

    @property
    def status(self) -> str:
        return self.line.status if self.line else ""

    @property
    def reason(self) -> str:
        return self.line.reason if self.line else ""


def attendance_rows(meeting: MeetingRecord) -> list[AttendanceRow]:
    """The roster on the meeting date beside what is recorded for each. A line of someone no
    longer on that roster (a post corrected since) is not offered: the next save removes it
    (services.meeting_attendance_record). Two queries."""
    lines = {line.person_id: line for line in meeting_lines(meeting)}
    people = roster(meeting.obligation.organisation_id, meeting.held_on)
    return [AttendanceRow(person, lines.get(person.pk)) for person in people]


def attendance_queryset() -> QuerySet[MeetingAttendance]:
    """What `scope.get_for_user` needs for one line (its organisation, the meeting)."""
    return MeetingAttendance.objects.select_related(
        "organisation", "person", "meeting__obligation__item", "meeting__obligation__year"
    )


def person_meetings(viewer: User, person: User) -> list[MeetingAttendance]:
    """The meetings a person was due at, newest first, with their 补课. Another person sees only
    the lines of organisations they view (a reviewer of one of the person's posts must not read
    another unit's meetings through them). One query."""
    rows = attendance_queryset().filter(person=person)
    if not scope.can(viewer, "own", person):
        rows = rows.filter(scope.within(viewer, "view"))
    return list(rows.order_by("-meeting__held_on", "-pk")[:PERSON_MEETINGS_SHOWN])
