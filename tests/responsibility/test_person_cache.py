"""The reads every page repeats: the person's current posts (kept per process under the
person's posts_version) and the current year."""

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core.cache import caches
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from responsibility import scope, services
from responsibility.models import Post, Tier, User, Year
from responsibility.selectors import current_year
from tests.factories import UserFactory, World, make_world, post


@pytest.fixture
def person_cache(settings):
    settings.PERSON_CACHE_SECONDS = 60
    return caches["person"]


def fresh(user: User) -> User:
    """The person as the next request loads them (Django's ModelBackend)."""
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_it_reads_only_current_posts_with_organisation_and_tier_loaded(
    django_assert_num_queries,
) -> None:
    world = make_world()
    person = world.unit_a_reviewer
    post(person, world.branch_b, Post.Kind.MEMBER)
    post(person, world.committee, Post.Kind.LIAISON)
    today = timezone.localdate()
    ended = post(person, world.branch_a2, Post.Kind.SECRETARY)
    Post.objects.filter(pk=ended.pk).update(end_date=today - datetime.timedelta(days=1))
    future = post(person, world.unit_b, Post.Kind.LIAISON)
    Post.objects.filter(pk=future.pk).update(start_date=today + datetime.timedelta(days=1))
    post(UserFactory(), world.branch_a, Post.Kind.MEMBER)  # someone else's

    with django_assert_num_queries(1):
        posts = scope.current_posts(person)
    assert len(posts) == 3  # neither the ended nor the future post
    assert [p.organisation.path for p in posts] == sorted(p.organisation.path for p in posts)
    with django_assert_num_queries(0):  # organisation and tier come loaded
        assert all(p.organisation.tier.name and p.organisation.path for p in posts)
    assert scope.current_posts(UserFactory()) == []


@pytest.mark.django_db
def test_it_serves_the_posts_from_the_process_cache_until_the_version_moves(
    person_cache, world: World, django_assert_num_queries
) -> None:
    request_one, request_two = fresh(world.officer_a), fresh(world.officer_a)
    with django_assert_num_queries(1):
        first = scope.current_posts(request_one)
    with django_assert_num_queries(0):
        again = scope.current_posts(request_two)
    assert [p.pk for p in again] == [p.pk for p in first]
    assert again[0].organisation.tier.name == first[0].organisation.tier.name

    post(world.officer_a, world.branch_a2, Post.Kind.MEMBER)
    request_three = fresh(world.officer_a)
    with django_assert_num_queries(1):
        assert len(scope.current_posts(request_three)) == len(first) + 1


@pytest.mark.django_db
def test_it_stops_granting_a_revoked_post_in_every_worker(
    person_cache, world: World, as_user
) -> None:
    """The service never touches any process's cache: the version it moves comes with the
    person's row, so a worker still holding the old copy simply never asks for it again."""
    officer = world.officer_a
    page = reverse("organisation_detail", args=[world.branch_a.pk])
    client = as_user(officer)
    assert client.get(page).status_code == 200
    old_key = f"posts:{officer.pk}:{fresh(officer).posts_version}:{timezone.localdate()}"
    assert person_cache.get(old_key)  # this worker's copy, with the post in it

    held = Post.objects.get(user=officer, organisation=world.branch_a)
    services.post_end(
        actor=None, post=held, end_date=timezone.localdate() - datetime.timedelta(days=1)
    )

    assert person_cache.get(old_key)  # still there, as in a worker the change never reached
    assert client.get(page).status_code == 404
    assert not scope.can(fresh(officer), "fill", world.branch_a)


@pytest.mark.django_db
def test_it_moves_everyones_posts_version_on_an_admin_edit_of_the_tree(
    person_cache, world: World
) -> None:
    before = dict(User.objects.values_list("pk", "posts_version"))
    request = RequestFactory().post("/admin/")
    request.user = world.admin
    tier = world.organ_a.tier
    tier.supervises_subtree = False
    site._registry[Tier].save_model(request, tier, form=None, change=True)
    after = dict(User.objects.values_list("pk", "posts_version"))
    assert all(after[pk] == version + 1 for pk, version in before.items())
    # The reviewer of unit A reviewed through that tier: no longer, at once.
    assert not scope.scope_for(fresh(world.unit_a_reviewer)).review_paths


@pytest.mark.django_db
def test_it_takes_the_active_year_else_the_newest(django_assert_num_queries) -> None:
    assert current_year() is None
    services.year_create(actor=None, year=2025)
    services.year_create(actor=None, year=2027)
    with django_assert_num_queries(1):
        newest = current_year()
    assert newest.year == 2027
    active = Year.objects.get(year=2025)
    Year.objects.filter(pk=active.pk).update(status=Year.Status.ACTIVE)
    found = current_year()
    assert found.year == 2025
    assert found.status == Year.Status.ACTIVE
    assert isinstance(found.entry_grace_days, int)
