"""The demo tells the truth about today (issue #18, item 9): `seed_demo` builds the year around
the current date, whatever it is, and leaves every persona something to do.

Seeded with time frozen on a few dates: early January (nothing of the year reviewed yet, hardly
anything due), the first day of a quarter, an ordinary December day, and the year's last days
(when "in 5 days" lies in the next year, the short tasks fall due on 31 December).
"""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accountability.models import DigestItem, Notification, OutboxMessage, Rectification
from accountability.selectors import worklist
from assessment.models import AnnualResult, DutyReport, OrganisationReview, ReviewRound
from responsibility.models import Obligation, Opinion, User

pytestmark = pytest.mark.django_db

PERSONAS = [
    "admin",
    "reviewer",
    "reviewer2",
    "unit_reviewer",
    "organ_secretary",
    "party_secretary",
    "officer",
    "officer_b",
    "liaison",
    "member",
    "discipline",
]
DATES = [
    datetime.date(2027, 1, 4),
    datetime.date(2026, 4, 1),
    datetime.date(2026, 12, 6),
    datetime.date(2026, 12, 30),
]


def _seeded_on(day: datetime.date):
    """Time frozen at 10:00 in Shanghai on `day`, the demo seeded there."""
    traveller = time_machine.travel(
        datetime.datetime(day.year, day.month, day.day, 2, 0, tzinfo=datetime.UTC), tick=False
    )
    traveller.start()
    call_command("seed_demo", stdout=StringIO())
    assert timezone.localdate() == day
    return traveller


def _person(username: str) -> User:
    return User.objects.get(username=username)


def _section(user: User, key: str, today: datetime.date) -> worklist.Section:
    sections = {s.key: s for s in worklist.work_queue(user, today=today).sections}
    assert key in sections, f"{user.username} has no {key} section on {today}"
    return sections[key]


def _it_leaves_every_persona_work_in_their_queue(today: datetime.date) -> None:
    for username in PERSONAS:
        queue = worklist.work_queue(_person(username), today=today)
        assert queue.total > 0, f"{username}'s queue is empty on {today}"


def _it_gives_the_officer_items_due_in_one_and_five_days(today: datetime.date) -> None:
    officer = _person("officer")
    due = set(
        Obligation.objects.filter(
            organisation__posts__user=officer,
            status__in=Obligation.OPEN_STATUSES,
            due_date__gte=today,
        ).values_list("due_date", flat=True)
    )
    year_end = datetime.date(today.year, 12, 31)
    for days in (1, 5):
        assert min(today + datetime.timedelta(days=days), year_end) in due
    summary = worklist.obligations_summary(officer, today)
    assert summary is not None
    assert summary.due_soon >= 1
    if today >= datetime.date(today.year, 2, 15):
        # Overdue past the grace days: entry closed, My work offers 申请重新开放.
        assert summary.overdue_closed >= 1


def _it_ran_the_reminder_sweep_and_mailed_nobody(today: datetime.date) -> None:
    assert DigestItem.objects.filter(digest__date=today).exists()
    assert Notification.objects.filter(digest__date=today).exists()
    if today + datetime.timedelta(days=5) <= datetime.date(today.year, 12, 31):
        officer_items = DigestItem.objects.filter(
            digest__date=today, digest__recipient__username="officer"
        )
        assert {item.due_date for item in officer_items} >= {
            today + datetime.timedelta(days=1),
            today + datetime.timedelta(days=5),
        }
    assert not OutboxMessage.objects.exists()


def _it_keeps_results_unpublished_while_ballots_are_open(today: datetime.date) -> None:
    open_ballots = DutyReport.objects.filter(
        submitted_at__isnull=False, meeting_closed_at__isnull=True
    )
    assert open_ballots.exists()
    assert AnnualResult.objects.exists()
    assert not AnnualResult.objects.filter(published_at__isnull=False).exists()
    assert _section(_person("reviewer2"), "rate", today).total >= 1


def _it_has_distinct_opinions_from_each_branch(today: datetime.date) -> None:
    opinions = list(Opinion.objects.all())
    assert len(opinions) >= 5
    assert len({o.content for o in opinions}) == len(opinions)
    assert len({o.submitted_by_id for o in opinions}) == len(opinions)
    for opinion in opinions:
        assert opinion.submitted_by.posts.filter(organisation=opinion.organisation).exists()


def _it_sets_rectification_deadlines_after_their_assignment(today: datetime.date) -> None:
    rectifications = list(Rectification.objects.all())
    assert rectifications
    for rectification in rectifications:
        assigned = timezone.localtime(rectification.created_at).date()
        assert rectification.deadline >= assigned, rectification.problem


def _it_has_a_quarter_being_scored_once_the_first_round_opened(today: datetime.date) -> None:
    open_rounds = ReviewRound.objects.filter(opens_on__lte=today, closes_on__gte=today)
    if today < datetime.date(today.year, 3, 20):
        assert not open_rounds.exists()  # nothing of the year is reviewed in its first weeks
        return
    review_round = open_rounds.get()
    states = set(review_round.reviews.values_list("status", flat=True))
    assert {OrganisationReview.Status.DRAFT, OrganisationReview.Status.SUBMITTED} <= states
    for username in ("reviewer", "reviewer2"):
        assert _section(_person(username), "score", today).total > 0
    confirm = _section(_person("reviewer2"), "confirm", today)
    assert any(row.note.endswith("王建国") for row in confirm.rows)  # scored by reviewer
    earlier = ReviewRound.objects.filter(closes_on__lt=today)
    assert not OrganisationReview.objects.filter(round__in=earlier).exclude(
        status=OrganisationReview.Status.PUBLISHED
    )


@pytest.mark.parametrize("today", DATES, ids=str)
def test_it_builds_the_year_around_today(today: datetime.date) -> None:
    """One seed per date (a seed takes seconds), every promise checked on it."""
    traveller = _seeded_on(today)
    try:
        _it_leaves_every_persona_work_in_their_queue(today)
        _it_gives_the_officer_items_due_in_one_and_five_days(today)
        _it_ran_the_reminder_sweep_and_mailed_nobody(today)
        _it_keeps_results_unpublished_while_ballots_are_open(today)
        _it_has_distinct_opinions_from_each_branch(today)
        _it_sets_rectification_deadlines_after_their_assignment(today)
        _it_has_a_quarter_being_scored_once_the_first_round_opened(today)
    finally:
        traveller.stop()


def test_it_links_every_queue_row_to_a_page_the_persona_may_open() -> None:
    traveller = _seeded_on(datetime.date(2026, 12, 6))
    try:
        for username in PERSONAS:
            user = _person(username)
            queue = worklist.work_queue(user)
            client = Client()
            client.force_login(user)
            landing = client.get("/supervision/todo/")
            assert landing.status_code == 200
            assert "目前没有需要您处理的事项" not in landing.content.decode(), username
            rows = [row for section in queue.sections for row in section.rows]
            rows += queue.obligations.urgent if queue.obligations else []
            assert rows, username
            for url in {row.url.split("#")[0] for row in rows}:
                assert client.get(url).status_code == 200, (username, url)
    finally:
        traveller.stop()
