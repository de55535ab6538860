"""Reminders of assigned obligations (谁来干, #19.2): the assignee alone hears that it is due; once
overdue the organisation's secretary hears too; then it escalates upward as any other."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail

from accountability import reminders
from accountability.models import DigestItem
from responsibility import selectors, services
from responsibility.models import Obligation, Post, User
from tests.factories import UserFactory, World, post

TODAY = datetime.date(2026, 6, 15)
Stage = DigestItem.Stage


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def branch(active_world: World) -> World:
    """Branch A with only the meeting of one month open, due on 20 June (in five days), and
    two more officers: `officer` (委员), whom the secretary (officer_a) names, and `colleague`."""
    Obligation.objects.update(status=Obligation.Status.DONE, completed_on=datetime.date(2026, 1, 2))
    Obligation.objects.filter(
        organisation=active_world.branch_a, item__ref="ZB-3-02", period_label="5月"
    ).update(status=Obligation.Status.NOT_STARTED, completed_on=None, due_date=days(5))
    for username, kind in (
        ("officer", Post.Kind.COMMITTEE_MEMBER),
        ("colleague", Post.Kind.CADRE_PART_TIME),
    ):
        post(UserFactory(username=username), active_world.branch_a, kind)
    return active_world


def the_meeting(world: World) -> Obligation:
    return Obligation.objects.select_related("year", "organisation").get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="5月"
    )


def person(username: str) -> User:
    return User.objects.get(username=username)


def mailed(day: datetime.date) -> set[str]:
    """Who the day's sweep mailed a digest to, by username."""
    mail.outbox.clear()
    reminders.run(day)
    addresses = {m.to[0] for m in mail.outbox if "督促提醒" in m.subject}
    return set(User.objects.filter(email__in=addresses).values_list("username", flat=True))


def stages(username: str) -> set[str]:
    return set(
        DigestItem.objects.filter(digest__recipient__username=username).values_list(
            "stage", flat=True
        )
    )


@pytest.mark.django_db
def test_the_assignee_hears_first_then_the_secretary_then_the_reviewers(branch: World) -> None:
    meeting = the_meeting(branch)
    services.obligation_assign(
        actor=branch.officer_a,
        obligation=meeting,
        version=meeting.version,
        assignee=person("officer"),
        today=TODAY,
    )
    assert meeting.pk in {
        o.pk for o in selectors.my_work(person("officer"), today=TODAY).mine.due_soon
    }

    # Due in five days: the assignee only, not every officer of the branch.
    assert mailed(TODAY) == {"officer"}
    # Overdue since yesterday: the assignee, and the branch's secretary.
    assert mailed(days(6)) == {"officer", branch.officer_a.username}
    assert stages(branch.officer_a.username) == {Stage.OVERDUE}
    assert "承办人" in DigestItem.objects.filter(digest__recipient=branch.officer_a).get().title
    # Three days late: upward to the 机关党委's officers, as for any obligation.
    assert mailed(days(8)) == {branch.unit_a_reviewer.username}
    assert stages("colleague") == set()


@pytest.mark.django_db
def test_an_unassigned_obligation_reminds_every_officer_as_before(branch: World) -> None:
    assert mailed(TODAY) == {branch.officer_a.username, "officer", "colleague"}
    assert mailed(days(6)) == {branch.officer_a.username, "officer", "colleague"}


@pytest.mark.django_db
def test_a_deactivated_assignee_leaves_the_reminder_to_the_officers(branch: World) -> None:
    meeting = the_meeting(branch)
    services.obligation_assign(
        actor=branch.officer_a,
        obligation=meeting,
        version=meeting.version,
        assignee=person("officer"),
        today=TODAY,
    )
    User.objects.filter(username="officer").update(is_active=False)
    assert mailed(TODAY) == {branch.officer_a.username, "colleague"}


@pytest.mark.django_db
def test_it_asks_for_the_secretaries_once_whatever_the_number_of_overdue_assignments(
    branch: World, django_assert_max_num_queries
) -> None:
    """plan() reads the secretaries in one query for every organisation at once."""
    officer = person("officer")
    Obligation.objects.filter(organisation__in=[branch.branch_a, branch.branch_b]).filter(
        item__ref="ZB-3-02"
    ).update(
        status=Obligation.Status.NOT_STARTED,
        completed_on=None,
        due_date=days(-1),
        assignee=None,
    )
    Obligation.objects.filter(organisation=branch.branch_a, item__ref="ZB-3-02").update(
        assignee=officer
    )
    items = reminders.collect(TODAY)
    assert sum(1 for i in items if i.assignee_id == officer.pk) == 12
    with django_assert_max_num_queries(5):
        planned = reminders.plan(items)
    assert set(planned.recipients) == {officer.pk, branch.officer_a.pk, branch.officer_b.pk}
