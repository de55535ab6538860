import datetime

import pytest

from assessment import services
from assessment.models import ReviewRound
from tests.factories import UserFactory, World, post


@pytest.fixture
def assessed_world(active_world: World) -> World:
    """The active world with a second working-committee reviewer and a Q2 review round."""
    world = active_world
    world.wc_reviewer2 = UserFactory(username="wc_reviewer2")
    post(world.wc_reviewer2, world.committee, "committee_member")
    world.round = services.round_create(
        actor=world.admin,
        year=world.year,
        quarter=2,
        opens_on=datetime.date(2026, 6, 20),
        closes_on=datetime.date(2026, 7, 20),
    )
    return world


def publish_scored_review(world: World, reason: str) -> None:
    """Score one item of branch A's review with a deduction, submit, confirm and publish."""
    review = started_review(world)
    row = review.scores.select_related("item").get(item__ref="ZB-3-02")
    services.review_scores_save(
        actor=world.wc_reviewer,
        review=review,
        version=review.version,
        scores=[services.ScoreInput(row.item_id, row.max_points - 1, reason)],
    )
    for action, actor in (
        ("submit", world.wc_reviewer),
        ("confirm", world.wc_reviewer2),
        ("publish", world.wc_reviewer2),
    ):
        services.review_transition(actor=actor, review=review, action=action)


def started_review(world: World, organisation=None):
    return services.review_start(
        actor=world.wc_reviewer,
        review_round=ReviewRound.objects.get(pk=world.round.pk),
        organisation=organisation or world.branch_a,
    )
