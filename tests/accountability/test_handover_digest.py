"""Hand-overs in the daily digest (#18): work handed to the reviewers and still waiting the next
morning is listed under 【待您处理】 in the digest of the reviewers who take it over (the same
people the inbox told), never of the person who handed it over, until someone acts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accountability import reminders
from accountability.models import DigestItem, Notification, Rectification
from assessment import services as assessment
from responsibility.models import ReopenRequest, User
from tests.accountability.test_worklist import closed_obligation, submitted_review
from tests.assessment.conftest import assessed_world  # noqa: F401
from tests.factories import World

pytestmark = pytest.mark.django_db

Stage = DigestItem.Stage


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def waiting_for(user: User) -> set[str]:
    return {
        item.object_key.split(":")[0]
        for item in DigestItem.objects.filter(digest__recipient=user, stage=Stage.WAITING)
    }


def test_it_lists_a_score_to_confirm_for_the_scorers_colleague_only(
    assessed_world: World,  # noqa: F811
) -> None:
    world = assessed_world
    review = submitted_review(world)

    reminders.run(tomorrow(), deliver=False)

    assert waiting_for(world.wc_reviewer2) == {"review"}
    assert waiting_for(world.wc_reviewer) == set()  # never one's own score (four-eyes)
    assert waiting_for(world.unit_a_reviewer) == set()  # the committee's colleague confirms
    item = DigestItem.objects.get(digest__recipient=world.wc_reviewer2, stage=Stage.WAITING)
    assert item.url == review.get_absolute_url()
    assert item.organisation == world.branch_a
    body = Notification.objects.get(digest=item.digest).body
    assert "【待您处理】" in body
    assert f"{world.branch_a.name}：季度评分待复核" in body


def test_it_lists_a_ledger_proposal_for_the_other_reviewer(
    assessed_world: World,  # noqa: F811
) -> None:
    world = assessed_world
    assessment.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=world.year,
        kind="bonus",
        points=Decimal(2),
        reason="获评先进党支部",
    )
    reminders.run(tomorrow(), deliver=False)
    assert waiting_for(world.wc_reviewer2) == {"ledger"}
    assert waiting_for(world.wc_reviewer) == set()


def test_it_lists_rectifications_and_reopen_requests_for_the_nearest_reviewers(
    active_world: World,
) -> None:
    world = active_world
    Rectification.objects.create(
        year=world.year,
        organisation=world.branch_a,
        source_type="manual",
        problem="党费收缴不及时",
        measures="建立台账",
        deadline=datetime.date(2026, 12, 1),
        state=Rectification.State.SUBMITTED,
        submitted_at=timezone.now(),
    )
    ReopenRequest.objects.create(
        obligation=closed_obligation(world),
        organisation=world.branch_a,
        requested_by=world.officer_a,
        reason="会议记录漏传",
    )

    reminders.run(tomorrow(), deliver=False)

    assert waiting_for(world.unit_a_reviewer) == {"rectification", "reopen"}
    assert waiting_for(world.officer_a) == set()
    assert waiting_for(world.officer_b) == set()


def test_it_waits_a_day_and_stops_once_someone_acts(
    assessed_world: World,  # noqa: F811
) -> None:
    world = assessed_world
    review = submitted_review(world)

    rules = reminders.Rules()
    key = f"review:{review.pk}"
    reminders.run(timezone.localdate(), deliver=False)  # the inbox told them today already
    assert waiting_for(world.wc_reviewer2) == set()
    assert key in {i.object_key for i in list(reminders.collect_handovers(tomorrow(), rules))}

    assessment.review_transition(actor=world.wc_reviewer2, review=review, action="confirm")
    assert key not in {i.object_key for i in list(reminders.collect_handovers(tomorrow(), rules))}
    reminders.run(tomorrow(), deliver=False)
    assert waiting_for(world.wc_reviewer2) == set()


def test_it_keeps_the_handover_queries_flat(
    assessed_world: World,  # noqa: F811
    django_assert_num_queries,
) -> None:
    world = assessed_world
    submitted_review(world)
    rules = reminders.Rules()
    with django_assert_num_queries(5):
        one = list(reminders.collect_handovers(tomorrow(), rules))
    ReopenRequest.objects.create(
        obligation=closed_obligation(world),
        organisation=world.branch_a,
        requested_by=world.officer_a,
        reason="会议记录漏传",
    )
    with django_assert_num_queries(5):
        two = list(reminders.collect_handovers(tomorrow(), rules))
    assert len(two) == len(one) + 1
