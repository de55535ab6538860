"""Named attendance (留痕不唯痕, #20.1): a meeting's roster on its date, each present, absent with
a reason or on leave; counts and quorum from the roster; the 补课 an absentee owes, chased by the
reminders and completed by them or their officers; a person's own meetings; the sign-in sheet."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accountability import reminders
from accountability.models import DigestItem
from responsibility import services
from responsibility.models import (
    AuditEntry,
    MeetingAttendance,
    MeetingRecord,
    Obligation,
    Post,
    User,
)
from tests.factories import PDF_BYTES, UserFactory, World, post
from tests.responsibility.attendance_support import HELD_ON, june_meeting

TODAY = datetime.date(2026, 6, 15)
PRESENT, ABSENT, LEAVE = "present", "absent", "leave"


@pytest.fixture
def branch(active_world: World) -> World:
    """Branch A with five on its roster: its secretary (officer_a), its member and three more
    members (zhang, li, wang); a 委员 joins only after the meeting."""
    for username, name in (("zhang", "张三"), ("li", "李四"), ("wang", "王五")):
        post(
            UserFactory(username=username, full_name=name), active_world.branch_a, Post.Kind.MEMBER
        )
    late = UserFactory(username="late", full_name="赵六")
    services.post_create(
        actor=None,
        user=late,
        organisation=active_world.branch_a,
        kind=Post.Kind.COMMITTEE_MEMBER,
        start_date=datetime.date(2026, 6, 14),
    )
    return active_world


def person(username: str) -> User:
    return User.objects.get(username=username)


def start_meeting(world: World) -> Obligation:
    """The June committee meeting saved in progress with its date and topic (no counts)."""
    obligation = june_meeting(world)
    services.obligation_fill(
        actor=world.officer_a,
        obligation=obligation,
        version=obligation.version,
        status=Obligation.Status.IN_PROGRESS,
        completed_on=None,
        description="",
        meeting=services.MeetingInput(HELD_ON, "六月支委会", 0, 0, "传达上级会议精神。"),
    )
    return june_meeting(world)


def lines(world: World, **statuses: str) -> list[services.AttendanceLine]:
    """Everyone on branch A's roster present unless `statuses` says otherwise."""
    usernames = ["officer_a", "member", "zhang", "li", "wang"]
    return [
        services.AttendanceLine(
            person_id=person(name).pk,
            status=statuses.get(name, PRESENT),
            reason="" if statuses.get(name, PRESENT) == PRESENT else "出差",
        )
        for name in usernames
    ]


def record(world: World, obligation: Obligation, **statuses: str) -> MeetingRecord:
    return services.meeting_attendance_record(
        actor=world.officer_a,
        obligation=obligation,
        version=obligation.version,
        lines=lines(world, **statuses),
        makeup_due=datetime.date(2026, 7, 12),
    )


# --- the roster and the counts -------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_derives_the_counts_and_the_quorum_from_the_roster(branch: World) -> None:
    obligation = start_meeting(branch)
    meeting = record(branch, obligation, member=ABSENT, li=LEAVE)
    assert (meeting.expected_count, meeting.attended_count) == (5, 3)
    assert meeting.has_quorum
    absent = MeetingAttendance.objects.get(person=branch.member)
    assert (absent.status, absent.reason, absent.makeup_due) == (
        ABSENT,
        "出差",
        datetime.date(2026, 7, 12),
    )
    assert absent.makeup_open
    # The 委员 appointed after the meeting is not due at it.
    assert not MeetingAttendance.objects.filter(person__username="late").exists()
    entry = AuditEntry.objects.get(action="meeting.attendance")
    assert entry.changes["attendance"] == [None, "出席 3 人，缺席 1 人，请假 1 人"]

    obligation = june_meeting(branch)
    meeting = record(branch, obligation, member=ABSENT, li=ABSENT, zhang=LEAVE)
    assert (meeting.expected_count, meeting.attended_count) == (5, 2)
    assert not meeting.has_quorum
    # A meeting without quorum cannot complete its obligation.
    obligation = june_meeting(branch)
    with pytest.raises(services.ServiceError, match="一半"):
        services.obligation_fill(
            actor=branch.officer_a,
            obligation=obligation,
            version=obligation.version,
            status=Obligation.Status.DONE,
            completed_on=HELD_ON,
            description="",
            meeting=services.MeetingInput(HELD_ON, "六月支委会", 5, 5, ""),
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_keeps_named_counts_over_typed_ones_and_the_meeting_date(branch: World) -> None:
    obligation = start_meeting(branch)
    record(branch, obligation, member=ABSENT)
    obligation = june_meeting(branch)
    services.obligation_fill(
        actor=branch.officer_a,
        obligation=obligation,
        version=obligation.version,
        status=Obligation.Status.DONE,
        completed_on=HELD_ON,
        description="召开",
        meeting=services.MeetingInput(HELD_ON, "六月支委会", 50, 50, ""),
    )
    meeting = MeetingRecord.objects.get(obligation=obligation)
    assert (meeting.expected_count, meeting.attended_count) == (5, 4)
    obligation = june_meeting(branch)
    with pytest.raises(services.ServiceError, match="不能修改会议日期") as refused:
        services.obligation_fill(
            actor=branch.officer_a,
            obligation=obligation,
            version=obligation.version,
            status=Obligation.Status.DONE,
            completed_on=HELD_ON,
            description="召开",
            meeting=services.MeetingInput(datetime.date(2026, 6, 1), "六月支委会", 0, 0, ""),
        )
    assert refused.value.field == "held_on"  # type: ignore[attr-defined]
    # Marking someone absent now would break the quorum of a completed meeting.
    with pytest.raises(services.ServiceError, match="法定人数"):
        record(branch, june_meeting(branch), member=ABSENT, li=ABSENT, zhang=ABSENT)
    assert MeetingRecord.objects.get(obligation=obligation).attended_count == 4


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_refuses_counts_and_names_beyond_the_roster(branch: World) -> None:
    obligation = june_meeting(branch)
    with pytest.raises(services.ServiceError, match="名册人数（5 人）") as refused:
        services.obligation_fill(
            actor=branch.officer_a,
            obligation=obligation,
            version=obligation.version,
            status=Obligation.Status.DONE,
            completed_on=HELD_ON,
            description="",
            meeting=services.MeetingInput(HELD_ON, "六月支委会", 10, 6, ""),
        )
    assert refused.value.field == "expected_count"  # type: ignore[attr-defined]
    obligation = start_meeting(branch)
    stranger = services.AttendanceLine(person_id=branch.officer_b.pk, status=PRESENT)
    with pytest.raises(services.ServiceError, match="不在本组织会议当日"):
        services.meeting_attendance_record(
            actor=branch.officer_a,
            obligation=obligation,
            version=obligation.version,
            lines=[*lines(branch), stranger],
        )
    with pytest.raises(services.ServiceError, match="还有 1 人未登记"):
        services.meeting_attendance_record(
            actor=branch.officer_a,
            obligation=obligation,
            version=obligation.version,
            lines=lines(branch)[:-1],
        )
    unexplained = [*lines(branch)[:-1], services.AttendanceLine(person("wang").pk, ABSENT, " ")]
    with pytest.raises(services.ServiceError, match="王五缺席，请填写原因"):
        services.meeting_attendance_record(
            actor=branch.officer_a,
            obligation=obligation,
            version=obligation.version,
            lines=unexplained,
        )
    assert not MeetingAttendance.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_detects_a_concurrent_attendance_edit(branch: World) -> None:
    obligation = start_meeting(branch)
    stale = obligation.version
    record(branch, obligation, member=ABSENT)
    with pytest.raises(services.ConcurrentEditError):
        services.meeting_attendance_record(
            actor=branch.officer_a, obligation=obligation, version=stale, lines=lines(branch)
        )
    assert MeetingAttendance.objects.get(person=branch.member).status == ABSENT


# --- the roster page ---------------------------------------------------------------------------


def roster_data(obligation: Obligation, **statuses: tuple[str, str]) -> dict[str, str]:
    data = {"version": str(obligation.version), "makeup_due": "2026-07-12"}
    for name in ("officer_a", "member", "zhang", "li", "wang"):
        status, reason = statuses.get(name, (PRESENT, ""))
        data[f"status_{person(name).pk}"] = status
        data[f"reason_{person(name).pk}"] = reason
    return data


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_the_roster_page_records_attendance_and_keeps_what_was_typed(
    branch: World, as_user
) -> None:
    obligation = start_meeting(branch)
    client = as_user(branch.officer_a)
    url = reverse("meeting_attendance", args=[obligation.pk])
    page = client.get(url).content.decode()
    assert page.count('data-person="') == 5
    assert "赵六" not in page

    refused = client.post(
        url, roster_data(obligation, member=(ABSENT, ""), li=(LEAVE, "<b>病假</b>"))
    )
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "缺席或请假时请填写原因。" in text
    assert "&lt;b&gt;病假&lt;/b&gt;" in text  # kept, escaped
    assert not MeetingAttendance.objects.exists()

    saved = client.post(url, roster_data(obligation, member=(ABSENT, "出差"), li=(LEAVE, "病假")))
    assert saved.status_code == 302
    meeting = MeetingRecord.objects.get(obligation=obligation)
    assert (meeting.expected_count, meeting.attended_count) == (5, 3)
    detail = client.get(obligation.get_absolute_url()).content.decode()
    assert "待补课（期限 2026-07-12）" in detail
    assert 'name="expected_count"' not in detail  # counts come from the roster now

    stale = client.post(url, roster_data(obligation, member=(PRESENT, "")))
    assert "该记录已被他人修改" in stale.content.decode()
    assert MeetingAttendance.objects.get(person=branch.member).status == ABSENT


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_a_record_without_named_attendance_keeps_its_counts(branch: World, as_user) -> None:
    obligation = june_meeting(branch)
    services.obligation_fill(
        actor=branch.officer_a,
        obligation=obligation,
        version=obligation.version,
        status=Obligation.Status.DONE,
        completed_on=HELD_ON,
        description="召开",
        meeting=services.MeetingInput(HELD_ON, "六月支委会", 5, 4, ""),
    )
    text = as_user(branch.unit_a_reviewer).get(obligation.get_absolute_url()).content.decode()
    assert "实到 4 人 / 应到 5 人" in text
    assert "未按名册登记出席情况（人数为手工填写）" in text


# --- 补课 ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_the_absentee_makes_up_the_meeting_on_their_own_page(branch: World, as_user) -> None:
    obligation = start_meeting(branch)
    record(branch, obligation, member=ABSENT)
    line = MeetingAttendance.objects.get(person=branch.member)
    client = as_user(branch.member)
    mine = client.get(reverse("person_meetings", args=[branch.member.pk])).content.decode()
    assert "我的会议" in mine
    assert "待补课 1 次" in mine
    assert reverse("makeup_complete", args=[line.pk]) in mine

    url = reverse("makeup_complete", args=[line.pk])
    early = client.post(url, {"version": "0", "makeup_on": "2026-06-01", "makeup_how": "自学"})
    assert "补课日期不能早于会议日期。" in early.content.decode()
    upload = SimpleUploadedFile("心得.pdf", PDF_BYTES, content_type="application/pdf")
    done = client.post(
        url,
        {
            "version": "0",
            "makeup_on": "2026-06-14",
            "makeup_how": "自学会议精神并撰写心得",
            "file": upload,
        },
    )
    assert done.status_code == 302
    line.refresh_from_db()
    assert line.makeup_on == datetime.date(2026, 6, 14)
    assert line.makeup_by == branch.member
    assert line.makeup_evidence is not None
    assert line.makeup_evidence.original_name == "心得.pdf"
    assert not line.makeup_open
    entry = AuditEntry.objects.get(action="meeting.makeup")
    assert entry.changes["makeup_how"] == [None, "自学会议精神并撰写心得"]
    again = client.post(url, {"version": "0", "makeup_on": "2026-06-15", "makeup_how": "再次"})
    assert "该记录已被他人修改" in again.content.decode()
    # Another branch's secretary does not find it; a colleague member neither.
    assert as_user(branch.officer_b).get(url).status_code == 404
    assert as_user(person("zhang")).get(url).status_code == 404
    assert as_user(branch.officer_a).get(url).status_code == 200


@pytest.mark.django_db
def test_the_reminders_chase_an_open_makeup(branch: World) -> None:
    """Due in five days: the absentee hears; overdue since yesterday: the secretary too; made
    up: nobody."""
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 6, 15, 2, tzinfo=datetime.UTC), tick=False):
        obligation = start_meeting(branch)
        record(branch, obligation, member=ABSENT)
    line = MeetingAttendance.objects.get(person=branch.member)
    due = line.makeup_due
    assert due is not None

    def told(day: datetime.date) -> dict[str, set[str]]:
        planned = reminders.plan(reminders.collect(day))
        return {
            recipient.user.username: {i.stage for i in recipient.items}
            for recipient in planned.recipients.values()
            if any(i.object_key == f"makeup:{line.pk}" for i in recipient.items)
        }

    assert told(due - datetime.timedelta(days=5)) == {"member": {DigestItem.Stage.DUE}}
    overdue = told(due + datetime.timedelta(days=1))
    assert set(overdue) == {"member", "officer_a"}
    assert told(due + datetime.timedelta(days=30)) == {}  # never escalated upward
    MeetingAttendance.objects.filter(pk=line.pk).update(
        makeup_on=due,
        makeup_how="自学",
        makeup_done_at=datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC),
    )
    assert told(due + datetime.timedelta(days=1)) == {}


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_a_reviewer_of_another_unit_sees_no_meetings_of_a_person_through_them(
    branch: World, as_user
) -> None:
    obligation = start_meeting(branch)
    record(branch, obligation, member=ABSENT)
    # The member also holds a post in unit B's branch, whose reviewers may open their record.
    post(branch.member, branch.branch_b, Post.Kind.MEMBER)
    reviewer_b = UserFactory(username="reviewer_b")
    post(reviewer_b, branch.organ_b, Post.Kind.DEPUTY_SECRETARY)
    url = reverse("person_meetings", args=[branch.member.pk])
    text = as_user(reviewer_b).get(url).content.decode()
    assert "六月支委会" not in text
    assert "暂无按名册登记的会议" in text
    assert "六月支委会" in as_user(branch.unit_a_reviewer).get(url).content.decode()


# --- the sign-in sheet -------------------------------------------------------------------------


def sign_in_sheet(rows: list[tuple]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "出席情况", "原因"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("签到表.xlsx", buffer.getvalue())


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_imports_a_sign_in_sheet_after_a_preview(branch: World, as_user) -> None:
    obligation = start_meeting(branch)
    client = as_user(branch.officer_a)
    url = reverse("meeting_attendance_import", args=[obligation.pk])
    bad = client.post(
        url,
        {
            "file": sign_in_sheet(
                [("officer_a", "出席", ""), ("officer_b", "", ""), ("li", "迟到", "")]
            )
        },
    )
    text = bad.content.decode()
    assert "第3行" in text
    assert "不在本组织会议当日（2026-06-12）的党员名册中" in text
    assert "应为“出席”“缺席”或“请假”" in text
    assert not MeetingAttendance.objects.exists()

    sheet = [
        ("officer_a", "", ""),
        ("zhang", "出席", ""),
        ("li", "签到", ""),
        ("wang", "请假", "病假"),
    ]
    preview = client.post(url, {"file": sign_in_sheet(sheet)})
    text = preview.content.decode()
    assert "名册 5 人，出席 3 人" in text
    assert "未签到" in text  # the member, absent from the sheet
    assert not MeetingAttendance.objects.exists()

    confirmed = client.post(url, {"action": "confirm"})
    assert confirmed.status_code == 302
    meeting = MeetingRecord.objects.get(obligation=obligation)
    assert (meeting.expected_count, meeting.attended_count) == (5, 3)
    assert MeetingAttendance.objects.get(person=branch.member).reason == "未签到"
    assert MeetingAttendance.objects.get(person__username="wang").status == LEAVE


# --- query counts ------------------------------------------------------------------------------


def more_meetings(world: World, count: int) -> None:
    """`count` more of branch A's meetings recorded with the member absent."""
    obligations = Obligation.objects.filter(
        organisation=world.branch_a, item__is_meeting=True
    ).exclude(meeting__isnull=False)[:count]
    for number, obligation in enumerate(obligations):
        meeting = MeetingRecord.objects.create(
            obligation=obligation,
            held_on=HELD_ON - datetime.timedelta(days=number + 1),
            topic=f"会议{number}",
            expected_count=5,
            attended_count=4,
        )
        for name in ("officer_a", "member", "zhang", "li", "wang"):
            absent = name == "member"
            MeetingAttendance.objects.create(
                meeting=meeting,
                organisation=world.branch_a,
                person=person(name),
                status=ABSENT if absent else PRESENT,
                reason="出差" if absent else "",
                makeup_due=HELD_ON if absent else None,
            )


# Session, user; the person; the person's lines (meetings, obligations, items and
# organisations joined); the open ones the viewer may make up; the posts behind both scopes
# and the unread count.
PERSON_MEETINGS_QUERIES = 8
# Session, user, posts; the obligation; its meeting; the lines; the roster; the year (base
# template); the unread count.
ROSTER_QUERIES = 9


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_the_meeting_pages_read_as_many_queries_for_many_meetings_as_for_one(
    branch: World, as_user, django_assert_num_queries
) -> None:
    obligation = start_meeting(branch)
    record(branch, obligation, member=ABSENT)
    client = as_user(branch.member)
    officer = as_user(branch.officer_a)
    mine = reverse("person_meetings", args=[branch.member.pk])
    roster = reverse("meeting_attendance", args=[obligation.pk])
    client.get(mine)
    officer.get(roster)
    with django_assert_num_queries(PERSON_MEETINGS_QUERIES):
        assert client.get(mine).status_code == 200
    with django_assert_num_queries(ROSTER_QUERIES):
        assert officer.get(roster).status_code == 200
    more_meetings(branch, 8)
    for number in range(6):
        post(UserFactory(username=f"extra{number}"), branch.branch_a, Post.Kind.MEMBER)
    with django_assert_num_queries(PERSON_MEETINGS_QUERIES):
        text = client.get(mine).content.decode()
    assert "待补课 9 次" in text
    with django_assert_num_queries(ROSTER_QUERIES):
        assert officer.get(roster).content.decode().count('data-person="') == 11


# --- demo --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_the_demo_records_the_officer_branch_meetings_by_roster(as_user) -> None:
    from responsibility import demo

    context = demo.seed_demo()
    member = context.users["member"]
    lines = MeetingAttendance.objects.filter(organisation__code=demo.OFFICER_BRANCH)
    assert lines.exists()
    for meeting in MeetingRecord.objects.filter(attendance__isnull=False).distinct():
        statuses = list(meeting.attendance.values_list("status", flat=True))
        assert meeting.expected_count == len(statuses)
        assert meeting.attended_count == statuses.count(PRESENT)
        assert meeting.has_quorum
    assert (
        lines.filter(person=member, makeup_done_at__isnull=True).exclude(status=PRESENT).count()
        == 1
    )
    assert lines.filter(makeup_done_at__isnull=False).exists()
    page = as_user(member).get(reverse("person_meetings", args=[member.pk])).content.decode()
    assert "待补课 1 次" in page
    assert (
        demo.build_attendance(context.year, context.organisations[demo.OFFICER_BRANCH], member) == 0
    )


@pytest.mark.django_db
def test_the_roster_page_is_read_only_once_entry_has_closed(active_world: World, as_user) -> None:
    import time_machine

    from tests.responsibility.attendance_support import absent_member_line

    line = absent_member_line(active_world)
    url = reverse("meeting_attendance", args=[line.meeting.obligation_id])
    with time_machine.travel(datetime.datetime(2026, 11, 2, 2, tzinfo=datetime.UTC), tick=False):
        text = as_user(active_world.officer_a).get(url).content.decode()
    assert "保存出席情况" not in text
    assert "导入签到表" not in text
    assert f"{active_world.member.display_name}：缺席（出差）" in text


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_saving_again_drops_a_line_of_someone_no_longer_on_the_roster(branch: World) -> None:
    obligation = start_meeting(branch)
    meeting = record(branch, obligation)
    MeetingAttendance.objects.create(
        meeting=meeting, organisation=branch.branch_a, person=branch.officer_b, status=PRESENT
    )
    meeting = record(branch, june_meeting(branch), member=ABSENT)
    assert not MeetingAttendance.objects.filter(person=branch.officer_b).exists()
    assert (meeting.expected_count, meeting.attended_count) == (5, 4)
