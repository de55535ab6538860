"""Branch A's June committee meeting with named attendance: the pieces the attendance tests,
the permission matrix and the scope rules' test share."""

from __future__ import annotations

import datetime

from responsibility.models import MeetingAttendance, MeetingRecord, Obligation
from tests.factories import World

HELD_ON = datetime.date(2026, 6, 12)


def june_meeting(world: World, organisation=None) -> Obligation:
    """支部委员会会议, June (ZB-3-02), of branch A unless told otherwise."""
    return Obligation.objects.select_related("organisation", "item", "year").get(
        organisation=organisation or world.branch_a, item__ref="ZB-3-02", period_label="6月"
    )


def meeting_record(
    obligation: Obligation, *, expected: int = 0, attended: int = 0
) -> MeetingRecord:
    record, _created = MeetingRecord.objects.get_or_create(
        obligation=obligation,
        defaults={
            "held_on": HELD_ON,
            "topic": "六月支委会",
            "expected_count": expected,
            "attended_count": attended,
            "minutes": "传达上级会议精神。",
        },
    )
    return record


def absent_member_line(world: World) -> MeetingAttendance:
    """Branch A's June meeting: its secretary present, its member absent and owing a 补课.
    Written directly (the matrix runs on today's date, after June's entry has closed)."""
    record = meeting_record(june_meeting(world), expected=2, attended=1)
    MeetingAttendance.objects.get_or_create(
        meeting=record,
        person=world.officer_a,
        defaults={"organisation": world.branch_a, "status": "present"},
    )
    line, _created = MeetingAttendance.objects.get_or_create(
        meeting=record,
        person=world.member,
        defaults={
            "organisation": world.branch_a,
            "status": "absent",
            "reason": "出差",
            "makeup_due": HELD_ON + datetime.timedelta(days=30),
        },
    )
    return MeetingAttendance.objects.select_related("organisation").get(pk=line.pk)


def other_branch_line(world: World) -> MeetingAttendance:
    """Branch B's June meeting: its secretary on leave."""
    record = meeting_record(june_meeting(world, world.branch_b), expected=1, attended=0)
    line, _created = MeetingAttendance.objects.get_or_create(
        meeting=record,
        person=world.officer_b,
        defaults={
            "organisation": world.branch_b,
            "status": "leave",
            "reason": "病假",
            "makeup_due": HELD_ON + datetime.timedelta(days=30),
        },
    )
    return MeetingAttendance.objects.select_related("organisation").get(pk=line.pk)
