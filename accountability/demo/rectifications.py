"""The demo's supervision: findings, and rectifications in every state of their ledger."""

from __future__ import annotations

import datetime

from django.utils import timezone

from responsibility.demo import DemoContext
from responsibility.models import Obligation, Organisation, Post, User

from .. import services
from ..models import AccountabilityCase, Finding, OutboxMessage, Rectification
from ..sources import Source

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


def officer_of(organisation: Organisation) -> User | None:
    """The organisation's first officer: who fills in and answers for it in the demo."""
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


def _morning(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))


def seed_rectifications(context: DemoContext) -> None:
    """Findings and rectifications in every state, an accountability case and a welcome
    message, each through its service."""
    today = timezone.localdate()
    orgs, users = context.organisations, context.users
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
            responsible_person=officer_of(organisation),
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
        officer_of(orgs["CZT-ZB3"]) or admin,
        "已制定主题党日年度计划。",
        "结合业务开展主题党日，每季度一次专题。",
    )
    # 待复查: the 教育厅 branch waits for its 机关党委 to verify.
    submitted = assign(_source(findings[2], context), orgs["JYT-ZB2"], "", 15, actor=wc)
    officer_jyt = officer_of(orgs["JYT-ZB2"]) or admin
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
        late,
        officer_of(orgs["CZT-ZB4"]) or admin,
        "正在逐一约谈。",
        "制定谈心谈话计划，书记带头谈。",
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
    # A case against a person (诫勉): it caps that person's own result (issue #19.3), whose page
    # shows the reason only to the register's audience.
    admonished = officer_of(orgs["CZT-ZB4"])
    if admonished is not None:
        services.case_create(
            actor=admin,
            data=services.CaseInput(
                year=context.year,
                target_type=AccountabilityCase.TargetType.PERSON,
                organisation=orgs["CZT-ZB4"],
                person=admonished,
                form=AccountabilityCase.Form.ADMONISH,
                reason="督促谈心谈话整改不力，整改逾期。",
                decided_on=today,
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
