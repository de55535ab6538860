"""Demo named attendance (#20.1): the officer persona's branch records its meetings by roster,
with a few absences and leaves, most made up (补课) and the latest one still open for the member
persona, so 我的会议, the roster page and the reminders have something to show."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from .models import MeetingAttendance, MeetingRecord, Organisation, User, Year
from .selectors.attendance import roster

REASONS = ["因公出差", "参加业务培训", "单位值班"]
LEAVE_REASONS = ["病假", "事假（家中有事）", "休年假"]
MAKEUP_HOW = [
    "自学会议精神并撰写学习心得，向支部书记汇报",
    "参加第二党支部同主题学习会",
    "由支部书记单独传达会议精神",
]


@transaction.atomic
def build_attendance(
    year: Year, branch: Organisation, member: User, today: datetime.date | None = None
) -> int:
    """Lines for every meeting record of `branch` this year; the counts follow the lines. The
    latest meeting leaves `member` absent with the 补课 open. Returns the lines written."""
    today = today or timezone.localdate()
    if MeetingAttendance.objects.filter(
        organisation=branch, meeting__obligation__year=year
    ).exists():
        return 0
    meetings = list(
        MeetingRecord.objects.filter(
            obligation__organisation=branch, obligation__year=year
        ).order_by("held_on", "pk")
    )
    rng = random.Random(year.year * 7)  # noqa: S311 - demo data, not security
    lines: list[MeetingAttendance] = []
    now = timezone.now()
    for index, meeting in enumerate(meetings):
        people = roster(branch, meeting.held_on)
        if not people:
            continue
        latest = index == len(meetings) - 1
        away: dict[int, str] = {}
        if latest:
            away[member.pk] = MeetingAttendance.Status.ABSENT
        elif len(people) > 3 and rng.random() < 0.5:
            away[rng.choice(people).pk] = rng.choice(
                [MeetingAttendance.Status.ABSENT, MeetingAttendance.Status.LEAVE]
            )
        for person in people:
            status = away.get(person.pk, MeetingAttendance.Status.PRESENT)
            line = MeetingAttendance(
                meeting=meeting, organisation=branch, person=person, status=status
            )
            if status != MeetingAttendance.Status.PRESENT:
                line.reason = rng.choice(
                    REASONS if status == MeetingAttendance.Status.ABSENT else LEAVE_REASONS
                )
                line.makeup_due = meeting.held_on + datetime.timedelta(days=30)
                made_up = meeting.held_on + datetime.timedelta(days=rng.randint(3, 15))
                if not latest and made_up <= today:
                    line.makeup_on = made_up
                    line.makeup_how = rng.choice(MAKEUP_HOW)
                    line.makeup_done_at = now
                    line.makeup_by = person
            lines.append(line)
        meeting.expected_count = len(people)
        meeting.attended_count = len(people) - len(away)
    MeetingAttendance.objects.bulk_create(lines)
    MeetingRecord.objects.bulk_update(meetings, ["expected_count", "attended_count"])
    return len(lines)
