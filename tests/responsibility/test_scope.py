import datetime
import re
import typing

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from assessment.selectors import results_table
from responsibility import scope
from responsibility.models import Organisation, Post, Tier, User
from tests.factories import PERSONAS, UserFactory, World, org, post


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


ACTIONS = typing.get_args(scope.Action)


def discipline_staff(world: World) -> User:
    """An officer of unit A's 机关纪委: the register's other kind of keeper."""
    committee = org("A-JGJW", Tier.Kind.DISCIPLINE_COMMITTEE, world.unit_a, "甲厅机关纪委")
    person = UserFactory(username="jw-a")
    post(person, committee, Post.Kind.SECRETARY)
    return person


def people(world: World) -> dict[str, User | AnonymousUser]:
    personas: dict[str, User | AnonymousUser] = {
        name: world.persona(name) or AnonymousUser() for name in PERSONAS
    }
    personas["discipline_staff"] = discipline_staff(world)
    return personas


@pytest.mark.django_db
class TestMayAny:
    def test_it_answers_as_the_filter_would_for_every_persona_and_action(
        self, world: World, django_assert_num_queries
    ) -> None:
        for name, person in people(world).items():
            user_scope = scope.scope_for(person)
            for action in ACTIONS:
                expected = scope.organisations_for(person, action).exists()
                with django_assert_num_queries(0):
                    answer = user_scope.may_any(action)
                assert answer == expected, (name, action)

    def test_it_counts_a_reviewer_post_with_nothing_left_below_it(self, world: World) -> None:
        # Deliberately read from the posts: only the tree knows that unit A's 机关党委 reviewer
        # is an officer of every branch below it, so they keep their pages (with empty choices).
        for branch in (world.branch_a, world.branch_a2):
            post(world.unit_a_reviewer, branch, Post.Kind.COMMITTEE_MEMBER)
        scope.forget(world.unit_a_reviewer)
        assert not scope.organisations_for(world.unit_a_reviewer, "review").exists()
        assert scope.scope_for(world.unit_a_reviewer).may_any("review")

    def test_it_refuses_with_403_and_hides_the_register_with_404(self, world: World) -> None:
        scope.require_any(world.unit_a_reviewer, "review")
        scope.require_any(world.liaison, "supervise")
        with pytest.raises(PermissionDenied):
            scope.require_any(world.officer_a, "review")
        with pytest.raises(PermissionDenied):
            scope.require_any(world.member, "fill")
        with pytest.raises(Http404):
            scope.require_any(world.unit_a_reviewer, "register")
        scope.require_any(world.wc_reviewer, "register")
        scope.require_any(world.admin, "register")


@pytest.mark.django_db
class TestRegister:
    def test_it_gives_the_working_committee_its_subtree(self, world: World) -> None:
        covered = set(scope.organisations_for(world.wc_reviewer, "register"))
        assert covered == set(Organisation.objects.filter(path__startswith=world.committee.path))

    def test_it_gives_discipline_staff_their_own_unit_only(self, world: World) -> None:
        staff = discipline_staff(world)
        covered = scope.organisations_for(staff, "register")
        assert set(covered.values_list("unit_id", flat=True)) == {world.unit_a.pk}
        assert set(covered) == set(Organisation.objects.filter(unit=world.unit_a))

    def test_it_gives_everyone_else_nothing(self, world: World) -> None:
        for name in ("unit_a_reviewer", "officer_a", "officer_b", "liaison", "member"):
            person = getattr(world, name)
            assert not scope.organisations_for(person, "register").exists(), name
            assert not scope.can(person, "register", world.branch_a), name

    def test_it_agrees_with_the_filter_one_organisation_at_a_time(self, world: World) -> None:
        for name, person in people(world).items():
            covered = set(scope.organisations_for(person, "register"))
            for organisation in Organisation.objects.all():
                answer = scope.can(person, "register", organisation)
                assert answer == (organisation in covered), (name, organisation.code)

    def test_it_does_not_exist_outside_ones_part(self, world: World) -> None:
        staff = discipline_staff(world)
        scope.check(staff, "register", world.branch_a)
        with pytest.raises(Http404):
            scope.check(staff, "register", world.branch_b)


@pytest.mark.django_db
class TestDiscipline:
    """A unit's 机关纪委 (监督责任, issue #20.6): its officers read their unit, record findings
    and assign rectifications there, never in the 机关纪委 itself nor in another unit."""

    def test_it_supervises_and_assigns_in_its_own_unit(self, world: World) -> None:
        staff = discipline_staff(world)
        own = Organisation.objects.get(code="A-JGJW")
        unit_a = set(Organisation.objects.filter(unit=world.unit_a))
        for action in ("supervise", "assign"):
            assert set(scope.organisations_for(staff, action)) == unit_a - {own}, action
        assert set(scope.organisations_for(staff, "view")) == unit_a
        assert not scope.organisations_for(staff, "review").exists()

    def test_it_agrees_with_the_filter_for_every_action(self, world: World) -> None:
        for name, person in people(world).items():
            for action in ACTIONS:
                if action == "view_evidence":
                    continue  # asked of files, not organisations
                covered = set(scope.organisations_for(person, action))
                for organisation in Organisation.objects.all():
                    answer = scope.can(person, action, organisation)
                    assert answer == (organisation in covered), (name, action, organisation.code)


@pytest.mark.django_db
class TestCacheKey:
    def test_it_names_what_the_action_covers(self, world: World) -> None:
        committee = scope.scope_for(world.wc_reviewer).cache_key("review")
        unit = scope.scope_for(world.unit_a_reviewer).cache_key("review")
        assert committee != unit
        assert scope.scope_for(world.admin).cache_key("review") == "all"
        assert scope.scope_for(world.officer_a).cache_key("review") != committee

    def test_it_is_shared_by_people_with_the_same_rule(self, world: World) -> None:
        colleague = UserFactory(username="colleague")
        post(colleague, world.committee, Post.Kind.SECRETARY)
        assert scope.scope_for(colleague).cache_key("review") == scope.scope_for(
            world.wc_reviewer
        ).cache_key("review")

    def test_it_does_not_depend_on_the_order_of_paths(self) -> None:
        one = scope.Scope(
            officer_ids=frozenset({4, 9}),
            review_paths=("/1/4/", "/1/9/"),
            liaison_paths=("/1/2/", "/1/3/"),
            register_paths=("/1/", "/7/"),
        )
        other = scope.Scope(
            officer_ids=frozenset({9, 4}),
            review_paths=("/1/9/", "/1/4/"),
            liaison_paths=("/1/3/", "/1/2/"),
            register_paths=("/7/", "/1/"),
        )
        for action in ACTIONS:
            assert one.cache_key(action) == other.cache_key(action), action
        assert one.cache_key("review") == "below=/1/4/,/1/9/;unless=4,9"


@pytest.mark.django_db
@pytest.mark.parametrize("condition", [scope.within, scope.joined])
def test_it_restricts_related_rows_like_organisations_for(world: World, condition) -> None:
    for name, person in people(world).items():
        for action in ACTIONS:
            rows = set(Post.objects.filter(condition(person, action)))
            expected = set(
                Post.objects.filter(organisation__in=scope.organisations_for(person, action))
            )
            assert rows == expected, (name, action)
    assert condition(world.admin, "review") == Q()


@pytest.mark.django_db
def test_a_post_inside_a_reviewed_subtree_is_named_by_the_subtree_alone(world: World) -> None:
    """A reviewer's own organisation heads the subtree they review: the path prefix covers it,
    so the condition reads the organisation's path only and the database can start from the
    organisations (annual results across several provinces: #22). The answer is the same."""
    for user in (world.wc_reviewer, world.unit_a_reviewer):
        visible = scope.scope_for(user).organisation_filter("view")
        assert ("pk__in", frozenset()) in visible.children  # matches nothing: left out of SQL
        sql = str(results_table(user, world.year).query)
        assert not re.search(r'"assessment_annualresult"\."organisation_id" IN \([\d, ]+\) OR', sql)
    # A post outside the reviewed subtree still counts by its id.
    post(world.unit_a_reviewer, world.branch_b, Post.Kind.MEMBER)
    scope.forget(world.unit_a_reviewer)
    visible = scope.scope_for(world.unit_a_reviewer).organisation_filter("view")
    assert ("pk__in", frozenset({world.branch_b.pk})) in visible.children
    assert visible_codes(world.unit_a_reviewer) == {"A-JGDW", "A-ZB1", "A-ZB2", "B-ZB1"}
