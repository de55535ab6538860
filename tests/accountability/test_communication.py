"""Notices (通知), dispatched tasks (任务交办) and the liaison system (联络员制度)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from accountability import selectors, services
from accountability.models import Dispatch, Notice, NoticeRecipient, Notification
from accountability.services import communication
from assessment import scoring
from assessment.results import obligation_facts, rules_from
from assessment.selectors import scheme_for
from responsibility.models import Obligation, Post
from tests.accountability.support import dispatch_of, meeting_of, notice_of
from tests.factories import UserFactory, World, activate_year, make_world, post

pytestmark = pytest.mark.django_db

JULY = datetime.date(2026, 7, 15)


def test_it_sends_a_notice_to_exactly_the_chosen_organisations_and_their_officers(
    world: World, as_user
) -> None:
    deputy = UserFactory(username="deputy_a2")
    post(deputy, world.branch_a2, Post.Kind.DEPUTY_SECRETARY)
    response = as_user(world.unit_a_reviewer).post(
        reverse("notice_create"),
        {
            "title": "关于报送学习计划的通知",
            "body": "请于月底前报送。",
            "target": "chosen",
            "organisations": [world.branch_a.pk, world.branch_a2.pk],
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    assert set(notice.recipients.values_list("organisation_id", flat=True)) == {
        world.branch_a.pk,
        world.branch_a2.pk,
    }
    inboxes = set(
        Notification.objects.filter(url=notice.get_absolute_url()).values_list(
            "recipient__username", flat=True
        )
    )
    # Officers only: branch A's member and other units' officers get nothing.
    assert inboxes == {"officer_a", "deputy_a2"}


def test_it_tells_each_current_active_officer_once(world: World) -> None:
    both = UserFactory(username="both_branches")
    post(both, world.branch_a, Post.Kind.COMMITTEE_MEMBER)
    post(both, world.branch_a2, Post.Kind.SECRETARY)
    gone = UserFactory(username="left_office")
    ended = post(gone, world.branch_a2, Post.Kind.DEPUTY_SECRETARY)
    ended.end_date = datetime.date(2024, 6, 30)
    ended.save(update_fields=["end_date"])
    inactive = UserFactory(username="inactive", is_active=False)
    post(inactive, world.branch_a, Post.Kind.DEPUTY_SECRETARY)
    officers = communication.officers_of([world.branch_a.pk, world.branch_a2.pk])
    assert sorted(u.username for u in officers) == ["both_branches", "officer_a"]
    by_organisation = selectors.officers_of([world.branch_a.pk, world.branch_a2.pk])
    assert {pk: {u.username for u in users} for pk, users in by_organisation.items()} == {
        world.branch_a.pk: {"officer_a", "both_branches"},
        world.branch_a2.pk: {"both_branches"},
    }


def test_it_resolves_a_unit_target_to_the_reviewable_organisations_at_publish_time(
    world: World, as_user
) -> None:
    as_user(world.wc_reviewer).post(
        reverse("notice_create"),
        {"title": "通知", "body": "正文", "target": "unit", "unit": world.unit_b.pk},
    )
    recipients = set(Notice.objects.get().recipients.values_list("organisation__code", flat=True))
    assert recipients == {"B-DZ", "B-JGDW", "B-ZB1"}


def test_it_refuses_recipients_outside_the_senders_review_scope(world: World) -> None:
    with pytest.raises(services.ServiceError, match="督导范围"):
        services.notice_publish(
            actor=world.unit_a_reviewer, title="x", body="y", organisations=[world.branch_b]
        )
    assert not Notice.objects.exists()


def test_it_records_an_organisations_first_reading_once(world: World, as_user) -> None:
    notice = notice_of(world)
    second_officer = UserFactory(username="committee_a")
    post(second_officer, world.branch_a, Post.Kind.COMMITTEE_MEMBER)
    url = notice.get_absolute_url()
    # The sender and a member of the branch opening it is not the branch reading it.
    assert as_user(world.unit_a_reviewer).get(url).status_code == 200
    assert as_user(world.member).get(url).status_code == 200
    assert NoticeRecipient.objects.get().first_read_at is None
    assert as_user(world.officer_a).get(url).status_code == 200
    first = NoticeRecipient.objects.get()
    assert first.first_read_by == world.officer_a
    as_user(second_officer).get(url)
    as_user(world.officer_a).get(url)
    again = NoticeRecipient.objects.get()
    assert (again.first_read_by, again.first_read_at) == (world.officer_a, first.first_read_at)


def test_it_lists_recipients_still_unread_after_n_days(world: World, as_user) -> None:
    with time_machine.travel(datetime.datetime(2026, 3, 1, 2, tzinfo=datetime.UTC), tick=False):
        notice = services.notice_publish(
            actor=world.unit_a_reviewer,
            title="通知",
            body="正文",
            organisations=[world.branch_a, world.branch_a2],
        )
        as_user(world.officer_a).get(notice.get_absolute_url())
    client = as_user(world.unit_a_reviewer)
    with time_machine.travel(datetime.datetime(2026, 3, 3, 2, tzinfo=datetime.UTC), tick=False):
        rows = client.get(notice.get_absolute_url(), {"unread_days": 3}).context["recipients"]
        assert rows == []
    with time_machine.travel(datetime.datetime(2026, 3, 5, 2, tzinfo=datetime.UTC), tick=False):
        rows = client.get(notice.get_absolute_url(), {"unread_days": 3}).context["recipients"]
        assert [r.recipient.organisation for r in rows] == [world.branch_a2]
        everyone = client.get(notice.get_absolute_url()).context["recipients"]
        assert len(everyone) == 2


def test_it_hides_notices_from_another_units_officer(world: World, as_user) -> None:
    notice = notice_of(world, attachment=True)
    client = as_user(world.officer_b)
    assert client.get(notice.get_absolute_url()).status_code == 404
    attachment = notice.attachments.get()
    url = reverse("notice_attachment", args=[notice.pk, attachment.pk])
    assert client.get(url).status_code == 404
    assert as_user(world.officer_a).get(url).status_code == 200
    assert list(client.get(reverse("notice_list")).context["page"].object_list) == []
    assert NoticeRecipient.objects.get().first_read_at is None


def test_it_lists_notices_in_a_flat_number_of_queries(
    world: World, as_user, django_assert_num_queries
) -> None:
    client = as_user(world.unit_a_reviewer)
    notice_of(world)
    client.get(reverse("notice_list"))  # warm the session
    # 7: "may publish" is read from the cached scope (Scope.may_any), no longer an EXISTS query;
    # the navigation's current year is one query even when no year is active.
    with django_assert_num_queries(7) as first:
        client.get(reverse("notice_list"))
    for _ in range(4):
        services.notice_publish(
            actor=world.unit_a_reviewer,
            title="通知",
            body="正文",
            organisations=[world.branch_a, world.branch_a2],
        )
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("notice_list"))
    assert len(response.context["page"].object_list) == 5


def test_it_dispatches_one_obligation_to_each_chosen_organisation_only(
    active_world: World, as_user, in_june
) -> None:
    world = active_world
    before = Obligation.objects.count()
    response = as_user(world.unit_a_reviewer).post(
        reverse("dispatch_create"),
        {
            "title": "报送主题教育总结",
            "due_date": JULY.isoformat(),
            "organisations": [world.branch_a.pk, world.branch_a2.pk],
        },
    )
    dispatch = Dispatch.objects.get()
    assert response.status_code == 302
    assert dispatch.ref == f"JB-{dispatch.pk}"
    assert Obligation.objects.count() == before + 2
    created = Obligation.objects.filter(item__ref=dispatch.ref)
    assert {o.organisation_id for o in created} == {world.branch_a.pk, world.branch_a2.pk}
    assert set(dispatch.obligations.all()) == set(created)
    # It is in branch A's officer's My work ...
    work = as_user(world.officer_a).get(reverse("my_work")).context["work"]
    listed = work.overdue + work.due_soon + work.this_period
    assert any(o.item.ref == dispatch.ref for o in listed)
    # ... and counts in the process score once due.
    obligation = created.get(organisation=world.branch_a)
    facts = obligation_facts(world.year, [world.branch_a.pk])[world.branch_a.pk]
    score = scoring.process_score(
        facts, rules_from(scheme_for(world.year)), as_of=datetime.date(2026, 7, 16)
    )
    assert score.items[obligation.item_id].possible == Decimal(2)
    assert score.items[obligation.item_id].missing == 1


def test_it_shows_the_completion_overview_and_hides_it_from_another_unit(
    active_world: World, as_user
) -> None:
    world = active_world
    dispatch = dispatch_of(world, [world.branch_a, world.branch_a2])
    done = dispatch.obligations.get(organisation=world.branch_a)
    Obligation.objects.filter(pk=done.pk).update(
        status=Obligation.Status.DONE, completed_on=datetime.date(2026, 6, 1)
    )
    page = as_user(world.unit_a_reviewer).get(dispatch.get_absolute_url())
    assert (page.context["dispatch"].done, page.context["dispatch"].open) == (1, 1)
    assert done.get_absolute_url() in page.content.decode()
    officer_b = as_user(world.officer_b)
    assert officer_b.get(dispatch.get_absolute_url()).status_code == 404
    assert list(officer_b.get(reverse("dispatch_list")).context["page"].object_list) == []
    assert not Obligation.objects.filter(
        organisation__in=[world.branch_b, world.organ_b], item__ref=dispatch.ref
    ).exists()


def test_it_shows_a_dispatch_overview_in_a_flat_number_of_queries(
    db, as_user, django_assert_num_queries
) -> None:
    world = make_world(extra_branches=4)
    world.year = activate_year(world)
    extra = list(world.organ_a.children.filter(code__startswith="A-X"))
    small = dispatch_of(world, [world.branch_a])
    large = dispatch_of(world, [world.branch_a, world.branch_a2, *extra])
    client = as_user(world.unit_a_reviewer)
    client.get(small.get_absolute_url())  # warm the session
    with django_assert_num_queries(7) as first:
        client.get(small.get_absolute_url())
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(large.get_absolute_url())
    assert len(response.context["obligations"]) == 6


def test_it_turns_a_meeting_decision_into_a_prefilled_dispatch(
    active_world: World, as_user
) -> None:
    meeting = meeting_of(active_world)
    page = as_user(active_world.unit_a_reviewer).get(meeting.get_absolute_url())
    decisions = page.context["decisions"]
    assert [line for line, _ in decisions] == ["各支部报送学习计划", "开展一次联合主题党日"]
    form = as_user(active_world.unit_a_reviewer).get(decisions[0][1]).context["form"]
    assert form.initial["title"] == "各支部报送学习计划"
    assert as_user(active_world.officer_b).get(meeting.get_absolute_url()).status_code == 404


def test_it_shows_a_liaison_officer_their_units_progress(active_world: World, as_user) -> None:
    world = active_world
    first = Obligation.objects.filter(organisation=world.branch_a).first()
    Obligation.objects.filter(pk=first.pk).update(
        status=Obligation.Status.DONE, completed_on=datetime.date(2026, 2, 1)
    )
    units = as_user(world.liaison).get(reverse("liaison_progress")).context["units"]
    assert [group.unit for group in units] == [world.unit_a]
    rows = {row.organisation: row for row in units[0].rows}
    assert world.branch_b not in rows
    branch = rows[world.branch_a]
    assert branch.done == 1
    assert branch.total == Obligation.objects.filter(organisation=world.branch_a).count()
    assert as_user(world.officer_b).get(reverse("liaison_progress")).status_code == 403
    every_unit = as_user(world.admin).get(reverse("liaison_progress")).context["units"]
    grouped = {group.unit: {row.organisation for row in group.rows} for group in every_unit}
    assert grouped[world.unit_a] == {
        world.party_group_a,
        world.organ_a,
        world.branch_a,
        world.branch_a2,
    }
    assert world.branch_b in grouped[world.unit_b]
    assert not grouped[world.unit_b] & grouped[world.unit_a]


def test_it_seeds_demo_notices_a_dispatch_and_a_meeting_once() -> None:
    from io import StringIO

    from django.core.management import call_command

    from accountability.demo import DISPATCH_TITLE
    from accountability.models import LiaisonMeeting, OutboxMessage

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    assert Notice.objects.count() == 2
    assert NoticeRecipient.objects.filter(first_read_at=None).exists()
    assert NoticeRecipient.objects.exclude(first_read_at=None).count() == 1
    # The branches' liaison-meeting report, and two short tasks due in 1 and 5 days.
    assert Dispatch.objects.count() == 3
    assert Dispatch.objects.get(title=DISPATCH_TITLE).obligations.count() == 3
    assert LiaisonMeeting.objects.count() == 1
    assert not OutboxMessage.objects.exists()
