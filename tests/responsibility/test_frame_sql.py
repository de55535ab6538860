"""The reads behind every page, written as fixed SQL, answer what their ORM forms answer."""

import datetime

import pytest
from django.db.models import Q
from django.utils import timezone

from accountability.models import Notification
from accountability.selectors import unread_count
from responsibility import scope, services
from responsibility.models import Post, Year
from responsibility.selectors import current_year
from tests.factories import UserFactory, make_world, post


def orm_posts(user) -> list[Post]:
    today = timezone.localdate()
    return list(
        Post.objects.filter(user=user, start_date__lte=today)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("organisation__tier")
        .order_by("organisation__path", "kind", "pk")
    )


def as_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.django_db
def test_current_posts_match_the_orm_with_organisation_and_tier_loaded(
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

    expected = orm_posts(person)
    posts = scope.current_posts(person)

    assert [p.pk for p in posts] == [p.pk for p in expected]
    assert len(posts) == 3  # neither the ended nor the future post
    for got, want in zip(posts, expected, strict=True):
        assert as_values(got) == as_values(want)
        assert isinstance(got.start_date, datetime.date)
        assert as_values(got.organisation) == as_values(want.organisation)
        assert as_values(got.organisation.tier) == as_values(want.organisation.tier)
        assert got._state.adding is False
    with django_assert_num_queries(0):  # organisation and tier come loaded
        assert all(p.organisation.tier.name and p.organisation.path for p in posts)
    assert scope.current_posts(UserFactory()) == []


@pytest.mark.django_db
def test_current_year_is_the_active_one_else_the_newest() -> None:
    assert current_year() is None
    services.year_create(actor=None, year=2025)
    services.year_create(actor=None, year=2027)
    newest = current_year()
    assert newest.year == 2027
    assert as_values(newest) == as_values(Year.objects.get(year=2027))
    active = Year.objects.get(year=2025)
    Year.objects.filter(pk=active.pk).update(status=Year.Status.ACTIVE)
    found = current_year()
    assert found.year == 2025
    assert found.status == Year.Status.ACTIVE
    assert isinstance(found.entry_grace_days, int)


@pytest.mark.django_db
def test_unread_count_counts_only_the_persons_unread_messages() -> None:
    reader, other = UserFactory(), UserFactory()
    assert unread_count(reader) == 0
    for n in range(3):
        Notification.objects.create(recipient=reader, title=f"提醒{n}")
    Notification.objects.create(recipient=reader, title="已读", read_at=timezone.now())
    Notification.objects.create(recipient=other, title="别人的")
    assert unread_count(reader) == 3
    assert unread_count(reader) == reader.notifications.filter(read_at__isnull=True).count()


@pytest.mark.django_db
def test_the_backend_loads_the_person_as_the_orm_does(client) -> None:
    from responsibility.backends import ModelBackend
    from responsibility.models import User

    person = UserFactory(first_name="张", last_name="三")
    person.last_login = timezone.now()
    person.save()
    backend = ModelBackend()
    loaded = backend.get_user(person.pk)
    assert as_values(loaded) == as_values(User.objects.get(pk=person.pk))
    assert loaded.get_session_auth_hash() == person.get_session_auth_hash()
    assert backend.get_user(person.pk + 1000) is None
    User.objects.filter(pk=person.pk).update(is_active=False)
    assert backend.get_user(person.pk) is None

    # Through a real sign-in: the session names this backend and the next request finds him.
    User.objects.filter(pk=person.pk).update(is_active=True)
    client.force_login(User.objects.get(pk=person.pk))
    response = client.get("/")
    assert response.wsgi_request.user.pk == person.pk
