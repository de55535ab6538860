"""Objects the accountability tests and permission rows open, built through the services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from accountability import services, sources
from accountability.models import (
    AccountabilityCase,
    Dispatch,
    Finding,
    LiaisonMeeting,
    Notice,
    Notification,
    Rectification,
)
from assessment.models import (
    DutyReport,
    ItemScore,
    OrganisationReview,
    ReviewComment,
    ReviewRound,
)
from responsibility.models import ChecklistItem, Obligation, Organisation, User
from tests.factories import PDF_BYTES, World

# Far enough never to fall due in the tests, within a deadline's three years (responsibility.dates).
FAR = datetime.date(2028, 12, 31)


def finding_of(world: World, organisation: Organisation | None = None) -> Finding:
    return services.finding_create(
        actor=world.liaison,
        organisation=organisation or world.branch_a,
        found_on=datetime.date(2026, 3, 1),
        problem="三会一课记录不完整",
        severity=Finding.Severity.MAJOR,
        today=datetime.date(2026, 3, 2),
    )


def manual_source(world: World, organisation: Organisation) -> sources.Source:
    return sources.Source(
        type=Rectification.SourceType.MANUAL,
        id=None,
        organisation=None,
        year=world.year,
        label="",
        url="",
        problem="",
    )


def rectification_of(
    world: World,
    organisation: Organisation | None = None,
    *,
    state: str = Rectification.State.PENDING,
    deadline: datetime.date = FAR,
    person: User | None = None,
    today: datetime.date | None = None,
) -> Rectification:
    """A manual rectification of branch A (by default), walked to `state`."""
    organisation = organisation or world.branch_a
    reviewer = world.unit_a_reviewer if organisation.unit_id == world.unit_a.pk else world.admin
    rectification = services.rectification_create(
        actor=reviewer,
        source=manual_source(world, organisation),
        organisation=organisation,
        problem="支部委员会会议记录缺失",
        deadline=deadline,
        responsible_person=person,
        today=today or min(deadline, datetime.date(2026, 1, 5)),
    )
    if state == Rectification.State.PENDING:
        return rectification
    services.rectification_progress_add(
        actor=world.officer_a,
        rectification=rectification,
        version=rectification.version,
        text="已补齐会议记录",
        measures="建立会议记录台账",
    )
    if state == Rectification.State.IN_PROGRESS:
        return rectification
    services.rectification_submit(
        actor=world.officer_a,
        rectification=rectification,
        version=rectification.version,
        today=today or datetime.date(2026, 1, 6),
    )
    if state == Rectification.State.SUBMITTED:
        return rectification
    services.rectification_verify(
        actor=reviewer,
        rectification=rectification,
        version=Rectification.objects.get(pk=rectification.pk).version,
        approve=True,
        note="整改到位。",
    )
    return rectification


def overdue_obligation_of(organisation: Organisation) -> Obligation:
    return Obligation.objects.filter(organisation=organisation).order_by("due_date", "pk").first()


def comment_of(world: World, organisation: Organisation | None = None) -> ReviewComment:
    report = DutyReport.objects.create(organisation=organisation or world.branch_a, year=world.year)
    return ReviewComment.objects.create(
        report=report, author=world.unit_a_reviewer, text="支部书记抓党建责任落实不够有力"
    )


def deduction_of(world: World, organisation: Organisation | None = None) -> ItemScore:
    organisation = organisation or world.branch_a
    review_round, _ = ReviewRound.objects.get_or_create(
        year=world.year,
        quarter=1,
        defaults={"opens_on": datetime.date(2026, 4, 1), "closes_on": datetime.date(2026, 4, 20)},
    )
    review = OrganisationReview.objects.create(round=review_round, organisation=organisation)
    item = ChecklistItem.objects.filter(checklist__organisation=organisation).first()
    return ItemScore.objects.create(
        review=review,
        item=item,
        max_points=item.points,
        score=item.points - Decimal("0.5"),
        reason="少开1次支部委员会",
    )


def case_of(world: World, *, document: bool = False) -> AccountabilityCase:
    upload = SimpleUploadedFile("决定书.pdf", PDF_BYTES) if document else None
    return services.case_create(
        actor=world.admin,
        data=services.CaseInput(
            year=world.year,
            target_type=AccountabilityCase.TargetType.ORGANISATION,
            organisation=world.branch_a,
            person=None,
            form=AccountabilityCase.Form.CIRCULATE,
            reason="落实主体责任不力",
            decided_on=datetime.date(2026, 5, 1),
        ),
        upload=upload,
    )


def notification_of(user: User) -> Notification:
    return services.notify(recipients=[user], title="测试消息", body="内容", url="/work/")[0]


def notice_of(world: World, *, attachment: bool = False) -> Notice:
    uploads = [SimpleUploadedFile("通知.pdf", PDF_BYTES)] if attachment else []
    return services.notice_publish(
        actor=world.unit_a_reviewer,
        title="关于开展主题党日活动的通知",
        body="请各支部按要求开展。",
        organisations=[world.branch_a],
        uploads=uploads,
    )


def dispatch_of(world: World, organisations: list[Organisation] | None = None) -> Dispatch:
    return services.dispatch_create(
        actor=world.unit_a_reviewer,
        organisations=organisations or [world.branch_a],
        year=world.year,
        title="报送上半年党建工作总结",
        due_date=world.year.end,
    )


def meeting_of(world: World) -> LiaisonMeeting:
    return services.meeting_create(
        actor=world.liaison,
        organisation=world.organ_a,
        held_on=datetime.date(2026, 3, 1),
        attendees="各支部联络员",
        agenda="传达工委部署",
        decisions="各支部报送学习计划\n开展一次联合主题党日",
    )
