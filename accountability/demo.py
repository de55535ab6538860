"""Demo supervision data on top of the core demo (called by `manage.py seed_demo`).

Idempotent: a second run finds the demo findings and adds nothing. Everything goes through the
services, so the audit trail and the inbox look as they would in use; the emails those services
queue are dropped, because a demo should not mail anyone.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessment.models import DutyReport, OrganisationReview
from responsibility import services as core
from responsibility.demo import DEMO_PASSWORD, DemoContext
from responsibility.demo_province import root_key, vacuum_analyze
from responsibility.models import Obligation, Organisation, Post, User

from . import reminders, services
from .models import (
    AccountabilityCase,
    Dispatch,
    Finding,
    LiaisonMeeting,
    Notice,
    Notification,
    OutboxMessage,
    Rectification,
)
from .sources import Source

FINDINGS = [
    # organisation code, days ago, severity, problem
    (
        "CZT-ZB2",
        40,
        Finding.Severity.MAJOR,
        "“三会一课”会议记录不规范，部分支委会缺少议题和表决情况。",
    ),
    ("CZT-ZB3", 30, Finding.Severity.MINOR, "主题党日活动形式单一，与业务工作结合不紧。"),
    ("JYT-ZB2", 25, Finding.Severity.SEVERE, "党费收缴不及时，连续两个月未按规定收缴。"),
    ("CZT-ZB4", 20, Finding.Severity.MAJOR, "谈心谈话开展不全覆盖，部分党员全年未谈。"),
]
DISCIPLINE_USER = ("discipline", "钱正", "CZT-JGJW")


def _source(finding: Finding, year_context: DemoContext) -> Source:
    return Source(
        type=Rectification.SourceType.FINDING,
        id=finding.pk,
        organisation=finding.organisation,
        year=year_context.year,
        label=f"督查发现（{finding.found_on:%Y-%m-%d}，{finding.get_severity_display()}）",
        url=finding.get_absolute_url(),
        problem=finding.problem,
    )


def _manual(context: DemoContext) -> Source:
    return Source(
        type=Rectification.SourceType.MANUAL,
        id=None,
        organisation=None,
        year=context.year,
        label="",
        url="",
        problem="",
    )


def _officer(organisation: Organisation) -> User | None:
    post = (
        Post.objects.filter(organisation=organisation, kind__in=Post.OFFICER_KINDS)
        .select_related("user")
        .order_by("kind", "pk")
        .first()
    )
    return post.user if post else None


def _work(rectification: Rectification, actor: User, text: str, measures: str) -> Rectification:
    services.rectification_progress_add(
        actor=actor,
        rectification=rectification,
        version=rectification.version,
        text=text,
        measures=measures,
    )
    return Rectification.objects.get(pk=rectification.pk)


def _submit(rectification: Rectification, actor: User, today: datetime.date) -> Rectification:
    services.rectification_submit(
        actor=actor, rectification=rectification, version=rectification.version, today=today
    )
    return Rectification.objects.get(pk=rectification.pk)


def _discipline_staff(context: DemoContext) -> User:
    username, full_name, code = DISCIPLINE_USER
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "password": make_password(DEMO_PASSWORD),
            "email": f"{username}@example.gov.cn",
        },
    )
    organisation = context.organisations[code]
    if not Post.objects.filter(user=user, organisation=organisation).exists():
        core.post_create(
            actor=None,
            user=user,
            organisation=organisation,
            kind=Post.Kind.SECRETARY,
            start_date=datetime.date(2024, 1, 1),
        )
    return user


def _morning(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


@transaction.atomic
def seed(context: DemoContext) -> None:
    today = timezone.localdate()
    orgs, users = context.organisations, context.users
    context.users["discipline"] = _discipline_staff(context)
    # The 机关纪委 sits in the 机关党委's review meeting (assessment's demo left it voting).
    for report in DutyReport.objects.filter(
        organisation=orgs["CZT-JGDW"], year=context.year, meeting_closed_at__isnull=True
    ):
        report.raters.add(context.users["discipline"])
    _seed_communication(context)
    if Finding.objects.filter(problem=FINDINGS[0][3]).exists():
        _count(context)
        return
    liaison, reviewer = users["liaison"], users["unit_reviewer"]
    admin, wc = users["admin"], users["reviewer"]
    outbox_before = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    findings = []
    for code, days_ago, severity, problem in FINDINGS:
        found_on = today - datetime.timedelta(days=days_ago)
        findings.append(
            services.finding_create(
                actor=liaison if code.startswith(("CZT", "JYT")) else reviewer,
                organisation=orgs[code],
                found_on=found_on,
                problem=problem,
                severity=severity,
                today=today,
            )
        )

    def assign(
        source: Source,
        organisation: Organisation,
        problem: str,
        deadline_days: int,
        assigned_days_ago: int = 0,
        actor: User = reviewer,
    ) -> Rectification:
        assigned = today - datetime.timedelta(days=assigned_days_ago)
        rectification = services.rectification_create(
            actor=actor,
            source=source,
            organisation=organisation,
            problem=problem or source.problem,
            deadline=today + datetime.timedelta(days=deadline_days),
            responsible_person=_officer(organisation),
            today=assigned,
        )
        if assigned_days_ago:
            # Assigned in the past: its date is that day's, so it is never due before assigned.
            at = _morning(assigned)
            Rectification.objects.filter(pk=rectification.pk).update(created_at=at)
            rectification.created_at = at
        return rectification

    # 待整改, due tomorrow: the first sweep reminds the branch.
    # Assigned by the unit's reviewer: a liaison officer records findings, never assigns (§8a).
    assign(_source(findings[0], context), orgs["CZT-ZB2"], "", 1)
    # 整改中.
    working = assign(_source(findings[1], context), orgs["CZT-ZB3"], "", 20)
    _work(
        working,
        _officer(orgs["CZT-ZB3"]) or admin,
        "已制定主题党日年度计划。",
        "结合业务开展主题党日，每季度一次专题。",
    )
    # 待复查: the 教育厅 branch waits for its 机关党委 to verify.
    submitted = assign(_source(findings[2], context), orgs["JYT-ZB2"], "", 15, actor=wc)
    officer_jyt = _officer(orgs["JYT-ZB2"]) or admin
    submitted = _work(
        submitted, officer_jyt, "已补缴两个月党费并公示。", "建立党费收缴台账，每月核对。"
    )
    submitted = _submit(submitted, officer_jyt, today)
    Rectification.objects.filter(pk=submitted.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=2)
    )
    # 已销号.
    officer = users["officer"]
    closed = assign(_manual(context), orgs["CZT-ZB1"], "支部委员会会议记录未及时归档。", 10, 20)
    closed = _work(closed, officer, "会议记录已全部归档。", "指定专人负责会议记录归档。")
    closed = _submit(closed, officer, today)
    services.rectification_verify(
        actor=reviewer,
        rectification=closed,
        version=closed.version,
        approve=True,
        note="整改到位。",
    )
    # Returned once, back in 整改中.
    returned = assign(_manual(context), orgs["CZT-ZB1"], "党员发展材料不完整。", 12, 10)
    returned = _work(returned, officer, "已补充部分材料。", "逐项核对党员发展材料清单。")
    returned = _submit(returned, officer, today)
    services.rectification_verify(
        actor=reviewer,
        rectification=returned,
        version=returned.version,
        approve=False,
        note="缺少入党积极分子考察记录，请补充后再提交。",
    )
    # 逾期: from an overdue obligation; three days late, so the first sweep escalates it.
    overdue_obligation = (
        Obligation.objects.filter(
            organisation=orgs["CZT-ZB4"],
            status__in=[Obligation.Status.NOT_STARTED, Obligation.Status.IN_PROGRESS],
            due_date__lt=today,
        )
        .select_related("item")
        .order_by("due_date")
        .first()
    )
    if overdue_obligation is not None:
        source = Source(
            type=Rectification.SourceType.OBLIGATION,
            id=overdue_obligation.pk,
            organisation=overdue_obligation.organisation,
            year=overdue_obligation.year,
            label=f"逾期任务：{overdue_obligation.item.ref} {overdue_obligation.period_label}",
            url=overdue_obligation.get_absolute_url(),
            problem=f"{overdue_obligation.item.content}（{overdue_obligation.period_label}）未按期完成。",
        )
        assign(source, orgs["CZT-ZB4"], "", -3, 30)
    # 逾期 since yesterday: the first sweep reminds the branch.
    late = assign(_source(findings[3], context), orgs["CZT-ZB4"], "", -1, 25)
    _work(
        late, _officer(orgs["CZT-ZB4"]) or admin, "正在逐一约谈。", "制定谈心谈话计划，书记带头谈。"
    )
    assign(_manual(context), orgs["JTT-ZB2"], "支部书记讲党课未按计划开展。", 25, actor=wc)

    services.case_create(
        actor=admin,
        data=services.CaseInput(
            year=context.year,
            target_type=AccountabilityCase.TargetType.ORGANISATION,
            organisation=orgs["CZT-ZB4"],
            person=None,
            form=AccountabilityCase.Form.CIRCULATE,
            reason="谈心谈话制度落实不力，经督查发现后整改逾期。",
            decided_on=today,
            findings=[findings[3]],
            rectifications=list(Rectification.objects.filter(organisation=orgs["CZT-ZB4"])),
        ),
    )
    services.notify(
        recipients=[users["officer"], users["unit_reviewer"], wc, liaison],
        title="欢迎使用督查整改功能",
        body="整改台账、督查发现和督促提醒已启用。每日督促提醒汇总发送到站内信和邮箱。",
        url="/supervision/rectifications/",
        email=False,
    )
    # The services queued emails for these demo events; nobody should receive them.
    OutboxMessage.objects.filter(pk__gt=outbox_before).delete()
    _count(context)


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


def _seed_communication(context: DemoContext) -> None:
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
            officer = _officer(orgs[code])
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


def finish(context: DemoContext) -> None:
    """After every app's seed has committed (and its hand-overs have told the next person):
    today's reminder sweep, so 督促留痕 and the inboxes show what it sent. A demo mails nobody:
    the emails the services queued while seeding are dropped."""
    result = reminders.run(timezone.localdate(), deliver=False)
    OutboxMessage.objects.filter(created_at__gte=context.started_at).delete()
    # Scores confirmed since they were handed over are old news: their messages have been read.
    handled = [
        review.get_absolute_url()
        for review in OrganisationReview.objects.exclude(
            status=OrganisationReview.Status.SUBMITTED
        ).only("pk")
    ]
    Notification.objects.filter(
        created_at__gte=context.started_at, url__in=handled, read_at__isnull=True
    ).update(read_at=timezone.now())
    context.counts["reminder digests"] = result.digests


def _count(context: DemoContext) -> None:
    context.counts["users"] = User.objects.count()
    context.counts["findings"] = Finding.objects.count()
    context.counts["rectifications"] = Rectification.objects.count()
    context.counts["accountability cases"] = AccountabilityCase.objects.count()
    context.counts["notices"] = Notice.objects.count()
    context.counts["dispatches"] = Dispatch.objects.count()
    context.counts["liaison meetings"] = LiaisonMeeting.objects.count()


# --- province scale (bench/README.md) ----------------------------------------------------------

PROVINCE_PROBLEMS = [finding[3] for finding in FINDINGS]
PROVINCE_MEASURES = "逐项对照问题清单整改，明确责任人和完成时限，建立长效机制。"


def seed_province(context: DemoContext, today: datetime.date | None = None) -> None:
    """About 2,000 rectifications for the benchmark province, in bulk: a thousand supervision
    findings each with its rectification, and a thousand opened on quarterly-review deductions;
    two in five closed, the rest pending, in progress or awaiting verification, with deadlines
    around today so the ledger and the reminder sweep have overdue and due-soon work.

    Runs after the assessment seed (its item scores are sources). States and dates follow the
    row order, so a rerun on the same province gives the same ledger.
    """
    from assessment.models import ItemScore

    today = today or timezone.localdate()
    now = timezone.now()
    year, users = context.year, context.users
    assigner = users["reviewer"]
    secretaries = dict(
        Post.objects.filter(kind=Post.Kind.SECRETARY, end_date__isnull=True).values_list(
            "organisation_id", "user_id"
        )
    )
    # Per province (one per working committee: `seed_demo --multiplier K` builds K), every
    # other branch up to a thousand has a finding, and the first thousand deductions by id
    # become rectifications: each copy's ledger looks like the single province's.
    branches: dict[str, list[int]] = {}
    for pk, path in (
        Organisation.objects.filter(tier__kind="branch", checklists__year=year)
        .order_by("path")
        .values_list("pk", "path")
    ):
        branches.setdefault(root_key(path), []).append(pk)
    with transaction.atomic():
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    organisation_id=organisation_id,
                    found_on=today - datetime.timedelta(days=5 + index % 180),
                    problem=PROVINCE_PROBLEMS[index % len(PROVINCE_PROBLEMS)],
                    severity=list(Finding.Severity)[index % 3],
                    recorded_by=assigner,
                    recorded_at=now,
                )
                for index, organisation_id in enumerate(
                    pk for copy in branches.values() for pk in copy[::2][:1000]
                )
            ],
            batch_size=2000,
        )
        sources = [
            (
                Rectification.SourceType.FINDING,
                f.pk,
                f"督查发现（{f.found_on}）",
                f.organisation_id,
                f.problem,
            )
            for f in findings
        ]
        deductions: dict[str, list[tuple[int, int, str, str]]] = {}
        for pk, organisation_id, path, ref, reason in (
            ItemScore.objects.filter(review__round__year=year)
            .exclude(reason="")
            .order_by("pk")
            .values_list(
                "pk", "review__organisation_id", "review__organisation__path", "item__ref", "reason"
            )
            .iterator(chunk_size=5000)
        ):
            taken = deductions.setdefault(root_key(path), [])
            if len(taken) < 1000:
                taken.append((pk, organisation_id, ref, reason))
        sources += [
            (
                Rectification.SourceType.ITEM_SCORE,
                pk,
                f"季度检查扣分：{ref}",
                organisation_id,
                reason,
            )
            for copy in deductions.values()
            for pk, organisation_id, ref, reason in copy
        ]
        rectifications = [
            _province_rectification(index, source, year, secretaries, assigner, today, now)
            for index, source in enumerate(sources)
        ]
        Rectification.objects.bulk_create(rectifications, batch_size=2000)
    vacuum_analyze([Finding, Rectification])
    context.counts.update({"findings": len(findings), "rectifications": len(rectifications)})


def _province_rectification(index, source, year, secretaries, assigner, today, now):
    source_type, source_id, label, organisation_id, problem = source
    state = [
        Rectification.State.CLOSED,
        Rectification.State.CLOSED,
        Rectification.State.IN_PROGRESS,
        Rectification.State.PENDING,
        Rectification.State.SUBMITTED,
    ][index % 5]
    # Open ones fall due between 20 days ago (overdue) and 40 days ahead.
    deadline = today + datetime.timedelta(days=(index * 7) % 61 - 20)
    finished = state in (Rectification.State.CLOSED, Rectification.State.SUBMITTED)
    if finished:
        deadline = today - datetime.timedelta(days=10 + index % 60)
    return Rectification(
        year=year,
        organisation_id=organisation_id,
        responsible_person_id=secretaries.get(organisation_id),
        source_type=source_type,
        source_id=source_id,
        source_label=label,
        problem=problem,
        measures=PROVINCE_MEASURES if state != Rectification.State.PENDING else "",
        deadline=deadline,
        state=state,
        is_late=finished and index % 7 == 0,
        submitted_at=now if finished else None,
        verification_note="整改到位。" if state == Rectification.State.CLOSED else "",
        closed_at=now if state == Rectification.State.CLOSED else None,
        closed_by=assigner if state == Rectification.State.CLOSED else None,
        created_by=assigner,
        created_at=now - datetime.timedelta(days=30 + index % 60),
    )
