"""The inbox badge: a person's unread count, kept per process under their inbox_version."""

import datetime
from io import StringIO

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.utils import timezone

from accountability import services
from accountability.models import Notification
from accountability.selectors import unread_count
from responsibility import scope
from responsibility.models import Obligation, User
from tests.factories import UserFactory, World


def fresh(user: User) -> User:
    """The person as the next request loads them."""
    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_it_counts_only_the_persons_unread_messages() -> None:
    reader, other = UserFactory(), UserFactory()
    assert unread_count(reader) == 0
    for n in range(3):
        Notification.objects.create(recipient=reader, title=f"提醒{n}")
    Notification.objects.create(recipient=reader, title="已读", read_at=timezone.now())
    Notification.objects.create(recipient=other, title="别人的")
    assert unread_count(reader) == 3


@pytest.mark.django_db
def test_it_keeps_the_count_until_a_message_arrives_or_is_read(
    settings, django_assert_num_queries
) -> None:
    settings.PERSON_CACHE_SECONDS = 60
    reader, other = UserFactory(), UserFactory()
    services.notify(recipients=[reader, other], title="第一条", email=False)
    first, again = fresh(reader), fresh(reader)
    for request_user in (first, again):
        scope.scope_for(request_user)  # as every page has by the time the navigation renders
    with django_assert_num_queries(1):
        assert unread_count(first) == 1
    with django_assert_num_queries(0):
        assert unread_count(again) == 1
    assert caches["person"].get(f"unread:{reader.pk}:{first.inbox_version}") == 1

    services.notify(recipients=[reader], title="第二条", email=False)
    assert unread_count(fresh(reader)) == 2

    message = Notification.objects.filter(recipient=reader).first()
    actor = fresh(reader)
    services.notification_read(actor=actor, notification=message)
    assert unread_count(actor) == 1  # the page that read it counts afresh as well
    assert unread_count(fresh(reader)) == 1

    services.notifications_read_all(actor=fresh(reader))
    assert unread_count(fresh(reader)) == 0
    assert unread_count(fresh(other)) == 1


@pytest.mark.django_db
def test_it_counts_a_reminder_digest_at_once(settings, active_world: World) -> None:
    settings.PERSON_CACHE_SECONDS = 60
    today = datetime.date(2026, 6, 15)
    Obligation.objects.update(status=Obligation.Status.DONE, completed_on=datetime.date(2026, 1, 2))
    first = Obligation.objects.filter(organisation=active_world.branch_a).order_by("pk").first()
    Obligation.objects.filter(pk=first.pk).update(
        status=Obligation.Status.NOT_STARTED,
        completed_on=None,
        due_date=today + datetime.timedelta(days=1),
    )
    officer = active_world.officer_a
    assert unread_count(fresh(officer)) == 0

    call_command("send_reminders", "--date", today.isoformat(), stdout=StringIO())

    assert unread_count(fresh(officer)) == 1
