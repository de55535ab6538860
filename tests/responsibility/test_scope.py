import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from responsibility import scope
from responsibility.models import Organisation, Post
from tests.factories import World, post


def visible_codes(user) -> set[str]:
    return set(scope.organisations_for(user).values_list("code", flat=True))


@pytest.mark.django_db
class TestScope:
    def test_it_lets_an_officer_see_only_their_branch(self, world: World) -> None:
        assert visible_codes(world.officer_a) == {"A-ZB1"}

    def test_it_lets_a_unit_reviewer_see_the_organ_committee_subtree(self, world: World) -> None:
        assert visible_codes(world.unit_a_reviewer) == {"A-JGDW", "A-ZB1", "A-ZB2"}

    def test_it_never_lets_a_reviewer_review_their_own_organisation(self, world: World) -> None:
        assert not scope.can(world.unit_a_reviewer, "review", world.organ_a)
        assert scope.can(world.unit_a_reviewer, "review", world.branch_a)
        assert not scope.can(world.wc_reviewer, "review", world.committee)
        assert scope.can(world.wc_reviewer, "review", world.organ_a)

    def test_it_excludes_reviewing_where_the_reviewer_is_also_an_officer(
        self, world: World
    ) -> None:
        post(world.unit_a_reviewer, world.branch_a2, Post.Kind.COMMITTEE_MEMBER)
        scope.forget(world.unit_a_reviewer)
        assert not scope.can(world.unit_a_reviewer, "review", world.branch_a2)
        assert scope.can(world.unit_a_reviewer, "fill", world.branch_a2)
        reviewable = scope.organisations_for(world.unit_a_reviewer, "review")
        assert set(reviewable.values_list("code", flat=True)) == {"A-ZB1"}

    def test_it_lets_the_liaison_supervise_the_assigned_unit_only(self, world: World) -> None:
        assert scope.can(world.liaison, "supervise", world.branch_a)
        assert not scope.can(world.liaison, "supervise", world.branch_b)
        assert not scope.can(world.liaison, "fill", world.branch_a)
        assert not scope.can(world.liaison, "review", world.branch_a)

    def test_it_gives_a_member_results_but_no_fill(self, world: World) -> None:
        assert scope.can(world.member, "view_results", world.branch_a)
        assert not scope.can(world.member, "fill", world.branch_a)

    def test_it_gives_officer_b_nothing_of_unit_a(self, world: World) -> None:
        unit_a = Organisation.objects.filter(path__startswith=world.unit_a.path)
        for organisation in unit_a:
            for action in ("view", "fill", "review", "supervise", "export"):
                assert not scope.can(world.officer_b, action, organisation)

    def test_it_ignores_ended_posts(self, world: World) -> None:
        ended = Post.objects.get(user=world.officer_a)
        ended.end_date = datetime.date(2024, 6, 30)
        ended.save(update_fields=["end_date"])
        scope.forget(world.officer_a)
        assert visible_codes(world.officer_a) == set()

    def test_it_computes_the_scope_with_one_query(self, world: World) -> None:
        scope.forget(world.wc_reviewer)
        with CaptureQueriesContext(connection) as queries:
            scope.scope_for(world.wc_reviewer)
            scope.scope_for(world.wc_reviewer)
            scope.can(world.wc_reviewer, "review", world.branch_b)
        assert len(queries) == 1

    def test_it_finds_a_subtree_with_one_prefix_query(self, world: World) -> None:
        with CaptureQueriesContext(connection) as queries:
            codes = list(
                Organisation.objects.filter(path__startswith=world.organ_a.path).values_list(
                    "code", flat=True
                )
            )
        assert sorted(codes) == ["A-JGDW", "A-ZB1", "A-ZB2"]
        assert len(queries) == 1
        assert "LIKE" in queries[0]["sql"].upper()


@pytest.mark.django_db
def test_it_keeps_unit_and_path_consistent(world: World) -> None:
    assert world.branch_a.unit_id == world.unit_a.pk
    assert world.branch_a.path == f"{world.organ_a.path}{world.branch_a.pk}/"
    assert world.branch_a.depth == 3
    assert world.unit_a.unit_id == world.unit_a.pk
    assert world.committee.unit_id is None
