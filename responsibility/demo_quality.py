"""The small demo's records as quality flags (质量提示, issue #20.3) meet them: meetings counted
against the roster (each completion has its own evidence file from `demo._attach_demo_evidence`),
and in the officer's branch (and its neighbour) one example of each pattern the checks notice;
then the flags.

Idempotent like the rest of `seed_demo`: a second run leaves the same records and flags (and
keeps a reviewer's dismissals)."""

from __future__ import annotations

import datetime

from django.db.models.functions import Coalesce
from django.utils import timezone

from . import services
from .models import MeetingRecord, Obligation, Organisation, Post, Year
from .quality.checks import roster

MINUTES = [
    "会议由支部书记张伟主持，传达学习上级党组织近期会议精神，研究本月党员教育和党费收缴工作，"
    "确定由组织委员牵头整理学习记录，会后将会议精神传达到全体党员。",
    "会议由组织委员主持，听取各党小组学习情况汇报，讨论两名入党积极分子的培养联系人，"
    "并对下月主题党日活动和志愿服务作出安排，要求党员按时参加。",
    "会议集体学习《中国共产党纪律处分条例》有关章节，开展警示教育，党员结合预算编制岗位"
    "查找廉政风险点，形成问题清单三条，明确整改责任人和完成时限。",
    "会议研究了半年工作总结，逐项对照责任清单检查完成情况，对未完成的谈心谈话事项"
    "明确了时间安排，决定下月召开组织生活会前完成征求意见。",
    "会议围绕党建与业务融合开展讨论，结合国库集中支付改革提出三项具体措施，"
    "要求青年党员在窗口服务中亮身份、作表率，季度末报送落实情况。",
]


def _rosters(year: Year) -> None:
    """Expected: the organisation's roster on the meeting day; attended: all or all but one."""
    # Meetings recorded by name (demo_attendance) count their lines already.
    meetings = list(
        MeetingRecord.objects.filter(obligation__year=year, attendance__isnull=True)
        .select_related("obligation")
        .annotate(people=Coalesce(roster(), 0))
    )
    for meeting in meetings:
        # Filed late or not, the meeting itself was held within its period.
        period = meeting.obligation
        meeting.held_on = min(max(meeting.held_on, period.period_start), period.period_end)
        if meeting.people > 0:
            meeting.expected_count = meeting.people
            meeting.attended_count = meeting.people - (meeting.pk % 2 if meeting.people > 2 else 0)
    MeetingRecord.objects.bulk_update(
        meetings, ["held_on", "expected_count", "attended_count"], 500
    )


def _examples(year: Year, today: datetime.date) -> None:
    branch = Organisation.objects.filter(code="CZT-ZB1").first()
    neighbour = Organisation.objects.filter(code="CZT-ZB2").first()
    if branch is None or neighbour is None:
        return
    records = MeetingRecord.objects.filter(
        obligation__organisation=branch, obligation__year=year
    ).select_related("obligation")
    # One item's meetings (the monthly committee meeting has the most), month after month.
    items = [m.obligation.item_id for m in records]
    if not items:
        return
    item = max(set(items), key=items.count)
    meetings = sorted(
        (m for m in records if m.obligation.item_id == item),
        key=lambda m: m.obligation.period_start,
    )
    if len(meetings) >= 6:
        for n, meeting in enumerate(meetings[:5]):
            meeting.minutes = f"{meeting.obligation.period_label}，" + MINUTES[n]
        # Minutes copied from the previous meeting, only the period changed.
        meetings[3].minutes = meetings[2].minutes.replace(
            meetings[2].obligation.period_label, meetings[3].obligation.period_label
        )
        # A meeting dated before its period (last month's meeting counted again).
        early = meetings[1]
        early.held_on = max(early.obligation.period_start - datetime.timedelta(days=6), year.start)
        MeetingRecord.objects.bulk_update(meetings[:6], ["minutes", "held_on"])
        # One file proving two months' meetings.
        shared = meetings[5].obligation.evidence.first()
        if shared is not None:
            meetings[4].obligation.evidence.add(shared)
    # More attendees than the neighbour has people (the officer's branch records its meetings
    # by name, which the roster bounds).
    claimed = (
        MeetingRecord.objects.filter(
            obligation__organisation=neighbour, obligation__year=year, attendance__isnull=True
        )
        .order_by("obligation__period_start", "pk")
        .first()
    )
    if claimed is not None:
        claimed.expected_count += 4
        claimed.attended_count = claimed.expected_count - 1
        claimed.save(update_fields=["expected_count", "attended_count"])
    # The neighbour typed a whole past deadline in on its last evening, backdated.
    secretary = (
        Post.objects.filter(organisation=neighbour, kind=Post.Kind.SECRETARY)
        .values_list("user_id", flat=True)
        .first()
    )
    due = (
        Obligation.objects.filter(organisation=neighbour, year=year, due_date__lt=today)
        .order_by("-due_date")
        .values_list("due_date", flat=True)
        .first()
    )
    if secretary is None or due is None:
        return
    evening = datetime.datetime.combine(
        due - datetime.timedelta(days=1), datetime.time(21, 40), timezone.get_current_timezone()
    )
    for obligation in Obligation.objects.filter(organisation=neighbour, year=year, due_date=due):
        completed = obligation.period_start + datetime.timedelta(days=2)
        if completed > due - datetime.timedelta(days=15):
            continue
        Obligation.objects.filter(pk=obligation.pk).update(
            status=Obligation.Status.DONE,
            completed_on=completed,
            is_late=False,
            updated_by_id=secretary,
            updated_at=evening,
        )


def seed_quality(year: Year, today: datetime.date | None = None) -> int:
    """Make the records believable, plant the examples, compute the flags: how many."""
    today = today or timezone.localdate()
    _rosters(year)
    _examples(year, today)
    return services.quality_flags_compute(year=year).found
