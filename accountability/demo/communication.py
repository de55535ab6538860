"""The demo's communication: notices (some unread), dispatched tasks and a liaison meeting."""

from __future__ import annotations

import datetime

from django.utils import timezone

from responsibility.demo import DemoContext

from .. import services
from ..models import Dispatch, LiaisonMeeting, Notice, OutboxMessage
from .rectifications import officer_of

NOTICES = [
    # title, body, branch codes, read by the branch's officer
    (
        "关于开展“七一”主题党日活动的通知",
        "请各支部结合业务工作，于6月底前开展主题党日活动，并将活动记录上传至责任清单。",
        ["CZT-ZB1", "CZT-ZB2", "CZT-ZB3", "CZT-ZB4"],
        ["CZT-ZB1"],
    ),
    (
        "关于报送上半年党建工作总结的通知",
        "请各支部认真总结上半年落实机关党建工作责任情况，按时报送。",
        ["CZT-ZB1", "CZT-ZB2"],
        [],
    ),
]
DISPATCH_TITLE = "报送支部党建联络员会议议定事项落实情况"
# Short tasks from the working committee, due in 1 and 5 days whatever the date (the last day of
# the year at the latest): My work's 5-day card and the first reminder sweep always have them.
SHORT_DISPATCHES = [
    ("报送本支部党员教育培训情况统计表", 1, ["CZT-ZB1", "CZT-ZB2"]),
    ("推荐年度优秀共产党员、优秀党务工作者人选", 5, ["CZT-ZB1", "JYT-ZB1", "JYT-ZB2"]),
]
MEETING_AGENDA = "传达省委省级机关工委关于机关党建工作的决策部署；通报各支部责任清单落实进度。"


def seed_communication(context: DemoContext) -> None:
    """Notices (some unread), a dispatched task and a liaison meeting; each made once."""
    orgs, users = context.organisations, context.users
    reviewer, liaison = users["unit_reviewer"], users["liaison"]
    outbox_before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for title, body, codes, read_by in NOTICES:
        if Notice.objects.filter(title=title).exists():
            continue
        notice = services.notice_publish(
            actor=reviewer, title=title, body=body, organisations=[orgs[c] for c in codes]
        )
        for code in read_by:
            officer = officer_of(orgs[code])
            if officer is not None:
                services.notice_read(actor=officer, notice=notice)
    year = context.year
    if (
        year.status == year.Status.ACTIVE
        and timezone.localdate() <= year.end  # a due date must lie ahead, within the year
        and not Dispatch.objects.filter(title=DISPATCH_TITLE).exists()
    ):
        due = max(min(timezone.localdate() + datetime.timedelta(days=14), year.end), year.start)
        services.dispatch_create(
            actor=reviewer,
            organisations=[orgs["CZT-ZB1"], orgs["CZT-ZB2"], orgs["CZT-ZB3"]],
            year=year,
            title=DISPATCH_TITLE,
            due_date=due,
        )
    for title, days, codes in SHORT_DISPATCHES:
        if (
            year.status != year.Status.ACTIVE
            or timezone.localdate() > year.end
            or Dispatch.objects.filter(title=title).exists()
        ):
            continue
        services.dispatch_create(
            actor=users["reviewer"],
            organisations=[orgs[code] for code in codes],
            year=year,
            title=title,
            due_date=min(timezone.localdate() + datetime.timedelta(days=days), year.end),
        )
    if not LiaisonMeeting.objects.filter(agenda=MEETING_AGENDA).exists():
        services.meeting_create(
            actor=liaison,
            organisation=orgs["CZT-JGDW"],
            held_on=timezone.localdate() - datetime.timedelta(days=10),
            attendees="机关党委副书记、各支部党建联络员",
            agenda=MEETING_AGENDA,
            decisions="各支部报送联络员会议议定事项落实情况\n下月开展一次联合主题党日活动",
        )
    # The services queued emails for these demo events; nobody should receive them.
    OutboxMessage.objects.filter(pk__gt=outbox_before).delete()
