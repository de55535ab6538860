import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import services
from accountability.models import Notification
from tests.accountability.support import notification_of
from tests.factories import World

pytestmark = pytest.mark.django_db


def test_it_shows_each_person_only_their_own_inbox(world: World, as_user) -> None:
    mine = notification_of(world.officer_a)
    theirs = notification_of(world.officer_b)
    client = as_user(world.officer_a)
    listed = client.get(reverse("notification_list")).context["page"].object_list
    assert [n.pk for n in listed] == [mine.pk]
    assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
    assert as_user(world.admin).get(reverse("notification_open", args=[mine.pk])).status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_it_marks_a_message_read_when_opened_and_counts_unread_in_the_navigation(
    world: World, as_user
) -> None:
    first = notification_of(world.officer_a)
    notification_of(world.officer_a)
    client = as_user(world.officer_a)
    page = client.get(reverse("my_work"))
    assert page.context["nav_unread"] == 2
    assert '2<span class="visually-hidden"> 条未读' in page.content.decode()
    opened = client.get(reverse("notification_open", args=[first.pk]))
    assert opened.status_code == 200
    assert "前往处理" in opened.content.decode()
    page = client.get(reverse("my_work"))
    assert page.context["nav_unread"] == 1
    assert '1<span class="visually-hidden"> 条未读' in page.content.decode()
    client.post(reverse("notification_read_all"))
    page = client.get(reverse("my_work"))
    assert page.context["nav_unread"] == 0
    assert "条未读" not in page.content.decode()
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_it_counts_unread_with_one_query(world: World, as_user) -> None:
    client = as_user(world.officer_a)
    url = reverse("organisation_tree")
    client.get(url)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    notification_of(world.officer_a)
    with CaptureQueriesContext(connection) as with_badge:
        client.get(url)
    unread = [q for q in with_badge if "accountability_notification" in q["sql"]]
    assert len(unread) == 1
    assert len(with_badge) == len(without)


def test_it_keeps_the_inbox_query_count_flat(world: World, as_user) -> None:
    client = as_user(world.officer_a)
    url = reverse("notification_list")
    notification_of(world.officer_a)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(30):
        services.notify(recipients=[world.officer_a], title=f"消息{number}", url="/work/")
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(response.context["page"].object_list) == 31
    assert len(small) == len(large)


def test_it_refuses_to_read_someone_elses_message_in_the_service(world: World) -> None:
    theirs = notification_of(world.officer_b)
    with pytest.raises(services.ServiceError):
        services.notification_read(actor=world.officer_a, notification=theirs)
