"""The work queue kept in memory (responsibility/work_versions.py): a section is served from the
process's cache until a service changes a model it reads, and then never again. Each kind of
pending work is walked through the services that put it in a queue and take it out, with the
cache on, viewing the queue between steps."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from accountability import services as accountability
from accountability.models import Rectification
from accountability.selectors import entry_queue, worklist
from assessment import services as assessment
from responsibility import services
from responsibility.models import Opinion, Post, User, WorkVersion
from tests.accountability.support import rectification_of
from tests.accountability.test_worklist import closed_obligation
from tests.assessment.conftest import assessed_world, started_review  # noqa: F401
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queue_cache(settings):
    settings.WORK_QUEUE_CACHE_SECONDS = 60


def kinds(user: User) -> set[str]:
    """The sections of the person's queue, read as a page does: a fresh person row each time."""
    person = User.objects.get(pk=user.pk)
    return {section.key for section in worklist.work_queue(person).sections}


def test_it_serves_a_kept_section_until_its_model_changes(
    assessed_world: World,  # noqa: F811
    monkeypatch,
) -> None:
    world = assessed_world
    computed: list[str] = []
    section = worklist.Kind.section

    def counting(kind: worklist.Kind, user: User):
        computed.append(kind.key)
        return section(kind, user)

    monkeypatch.setattr(worklist.Kind, "section", counting)
    kinds(world.wc_reviewer2)
    assert len(computed) == len(worklist.KINDS) + len(entry_queue.KINDS)
    computed.clear()
    kinds(world.wc_reviewer2)
    assert computed == []  # all kept

    review = started_review(world)
    assessment.review_transition(actor=world.wc_reviewer, review=review, action="submit")
    assert "confirm" in kinds(world.wc_reviewer2)
    assert computed == ["confirm"]  # only the section that reads reviews
    assert WorkVersion.objects.get(label="assessment.organisationreview").version >= 1


def test_a_score_to_confirm_comes_and_goes(assessed_world: World) -> None:  # noqa: F811
    world = assessed_world
    second = world.wc_reviewer2
    assert "confirm" not in kinds(second)
    review = started_review(world)
    review = assessment.review_transition(actor=world.wc_reviewer, review=review, action="submit")
    assert "confirm" in kinds(second)
    assessment.review_transition(actor=second, review=review, action="confirm")
    assert "confirm" not in kinds(second)


def test_a_ledger_proposal_comes_and_goes(assessed_world: World) -> None:  # noqa: F811
    world = assessed_world
    second = world.wc_reviewer2
    assert "approve" not in kinds(second)
    entry = assessment.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=world.year,
        kind="bonus",
        points=Decimal(2),
        reason="获评先进党支部",
    )
    assert "approve" in kinds(second)
    assessment.ledger_decide(actor=second, entry=entry, approve=False)
    assert "approve" not in kinds(second)


def test_a_reopen_request_comes_and_goes(active_world: World) -> None:
    world = active_world
    reviewer = world.unit_a_reviewer
    assert "reopen" not in kinds(reviewer)
    request = services.reopen_request_create(
        actor=world.officer_a, obligation=closed_obligation(world), reason="会议记录漏传"
    )
    assert "reopen" in kinds(reviewer)
    services.reopen_request_decide(
        actor=reviewer, request=request, grant=False, reason="已超过年度补录期限"
    )
    assert "reopen" not in kinds(reviewer)


def test_a_rectification_moves_from_the_branch_to_its_reviewer_and_back(
    active_world: World,
) -> None:
    world = active_world
    officer, reviewer = world.officer_a, world.unit_a_reviewer
    assert "rectify" not in kinds(officer)
    assert "recheck" not in kinds(reviewer)
    rectification = rectification_of(world, state=Rectification.State.IN_PROGRESS)
    assert "rectify" in kinds(officer)
    accountability.rectification_submit(
        actor=officer, rectification=rectification, version=rectification.version
    )
    assert "recheck" in kinds(reviewer)
    assert "rectify" not in kinds(officer)
    rectification.refresh_from_db()
    accountability.rectification_verify(
        actor=reviewer,
        rectification=rectification,
        version=rectification.version,
        approve=False,
        note="整改材料不全",
    )
    assert "recheck" not in kinds(reviewer)
    assert "rectify" in kinds(officer)


def test_an_opinion_comes_and_goes(active_world: World) -> None:
    world = active_world
    reviewer = world.unit_a_reviewer
    assert "acknowledge" not in kinds(reviewer)
    opinion = services.opinion_submit(
        actor=world.officer_a, organisation=world.branch_a, year=world.year, content="建议增加培训"
    )
    assert "acknowledge" in kinds(reviewer)
    services.opinion_acknowledge(
        actor=reviewer, opinion=Opinion.objects.get(pk=opinion.pk), reply="已收悉"
    )
    assert "acknowledge" not in kinds(reviewer)


def test_a_report_to_rate_comes_with_the_raters_and_goes_with_the_vote(
    assessed_world: World,  # noqa: F811
) -> None:
    world = assessed_world
    rater = world.wc_reviewer2
    report = assessment.report_save(
        actor=world.officer_a,
        organisation=world.branch_a,
        year=world.year,
        text="述职报告正文",
        version=None,
        submit=True,
        today=datetime.date(2026, 12, 20),
    )
    assert "rate" not in kinds(rater)
    assessment.report_raters_set(actor=world.wc_reviewer, report=report, raters=[rater])
    assert "rate" in kinds(rater)
    assessment.vote_cast(actor=rater, report=report, choice="good")
    assert "rate" not in kinds(rater)
    assert "meet" in kinds(world.wc_reviewer)
    assessment.meeting_close(actor=world.wc_reviewer, report=report)
    assert "meet" not in kinds(world.wc_reviewer)


@pytest.mark.usefixtures("in_june")
def test_rounds_to_score_follow_the_rounds_and_the_reviews(active_world: World) -> None:
    world = active_world
    reviewer = world.wc_reviewer
    assert "score" not in kinds(reviewer)
    assessment.round_create(
        actor=world.admin,
        year=world.year,
        quarter=2,
        opens_on=datetime.date(2026, 6, 10),
        closes_on=datetime.date(2026, 7, 10),
    )
    assert "score" in kinds(reviewer)


def test_a_new_post_is_seen_at_once(active_world: World) -> None:
    """The person's posts_version is part of every key: a reviewer who gains a post over
    branch A's unit sees its pending work on the next view."""
    world = active_world
    services.opinion_submit(
        actor=world.officer_a, organisation=world.branch_a, year=world.year, content="建议"
    )
    newcomer = world.member
    assert "acknowledge" not in kinds(newcomer)
    services.post_create(
        actor=world.admin,
        user=newcomer,
        organisation=world.organ_a,
        kind=Post.Kind.DEPUTY_SECRETARY,
        start_date=datetime.date(2026, 1, 1),
    )
    assert "acknowledge" in kinds(newcomer)


def test_a_change_outside_the_services_shows_once_the_kept_copy_expires(
    active_world: World,
) -> None:
    """The README's promise for WORK_QUEUE_CACHE_SECONDS: a row written around the services
    (the admin site, raw SQL) moves no version, so the kept section is served until it expires,
    and not after."""
    import time_machine

    world = active_world
    reviewer = world.unit_a_reviewer
    start = datetime.datetime(2026, 6, 15, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        assert "acknowledge" not in kinds(reviewer)
        Opinion.objects.create(
            organisation=world.branch_a, year=world.year, content="建议", submitted_by=None
        )
        assert "acknowledge" not in kinds(reviewer)  # kept: no service moved a version
        traveller.shift(datetime.timedelta(seconds=61))
        assert "acknowledge" in kinds(reviewer)
