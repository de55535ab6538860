"""The work queue (我的待办, #18): everyone lands on it; each kind of pending work has a row that
links to the page that does it; hand-overs reach the next person's inbox; officers ask for a
closed obligation to be reopened."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accountability.models import Notification, Rectification
from accountability.selectors import worklist
from assessment import services as assessment
from assessment.models import ReviewRound
from responsibility import services
from responsibility.models import AuditEntry, Obligation, Opinion, PersonalObligation, ReopenRequest
from tests.assessment.conftest import assessed_world, started_review  # noqa: F401
from tests.factories import PERSONAS, World, make_world

pytestmark = pytest.mark.django_db

JUNE_25 = datetime.date(2026, 6, 25)


def closed_obligation(world: World) -> Obligation:
    """Branch A's May committee meeting: due 5 June, entry closed by 25 June."""
    return Obligation.objects.select_related("year", "item", "organisation").get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="5月"
    )


def submitted_review(world: World):
    review = started_review(world)
    return assessment.review_transition(actor=world.wc_reviewer, review=review, action="submit")


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_it_lands_everyone_on_their_work_queue(active_world: World, as_user, persona) -> None:
    client = as_user(active_world.persona(persona))
    assert client.get(reverse("home")).url == reverse("work_queue")
    page = client.get(reverse("work_queue")).content.decode()
    assert "<h1" in page
    assert "我的待办" in page


def test_it_lists_a_submitted_score_for_the_second_reviewer_only(
    assessed_world: World,  # noqa: F811
    as_user,
) -> None:
    world = assessed_world
    review = submitted_review(world)
    url = reverse("review_score", args=[review.pk])

    second = as_user(world.wc_reviewer2).get(reverse("work_queue")).content.decode()
    scorer = as_user(world.wc_reviewer).get(reverse("work_queue")).content.decode()
    officer = as_user(world.officer_a).get(reverse("work_queue")).content.decode()

    assert 'data-queue="confirm"' in second
    assert f'href="{url}"' in second
    assert 'data-queue="confirm"' not in scorer  # never one's own score (four-eyes)
    assert f'href="{url}"' not in officer
    assert as_user(world.wc_reviewer2).get(url).status_code == 200


def test_it_tells_the_second_reviewer_when_a_score_is_submitted(
    assessed_world: World,  # noqa: F811
    django_capture_on_commit_callbacks,
) -> None:
    world = assessed_world
    review = started_review(world)
    with django_capture_on_commit_callbacks(execute=True):
        assessment.review_transition(actor=world.wc_reviewer, review=review, action="submit")

    to_second = Notification.objects.filter(recipient=world.wc_reviewer2)
    assert [n.title for n in to_second] == [
        f"季度评分待复核：{world.branch_a.name}（{ReviewRound.objects.get().__str__()}）"
    ]
    assert to_second.get().url == review.get_absolute_url()
    assert not Notification.objects.filter(recipient=world.wc_reviewer).exists()


def test_it_tells_the_second_reviewer_of_a_ledger_proposal(
    assessed_world: World,  # noqa: F811
    django_capture_on_commit_callbacks,
    as_user,
) -> None:
    world = assessed_world
    with django_capture_on_commit_callbacks(execute=True):
        assessment.ledger_propose(
            actor=world.wc_reviewer,
            organisation=world.branch_a,
            year=world.year,
            kind="bonus",
            points=Decimal(2),
            reason="获评先进党支部",
        )
    assert Notification.objects.filter(
        recipient=world.wc_reviewer2, title__startswith="加减分待审批"
    ).exists()
    page = as_user(world.wc_reviewer2).get(reverse("work_queue")).content.decode()
    assert 'data-queue="approve"' in page
    assert "获评先进党支部" in page


def test_it_lists_opinions_rectifications_and_reopen_requests_for_reviewers(
    active_world: World, as_user
) -> None:
    world = active_world
    Opinion.objects.create(
        organisation=world.branch_a, year=world.year, content="建议增加培训", submitted_by=None
    )
    rectification = Rectification.objects.create(
        year=world.year,
        organisation=world.branch_a,
        source_type="manual",
        problem="党费收缴不及时",
        measures="建立台账",
        deadline=datetime.date(2026, 12, 1),
        state=Rectification.State.SUBMITTED,
    )
    ReopenRequest.objects.create(
        obligation=closed_obligation(world),
        organisation=world.branch_a,
        requested_by=world.officer_a,
        reason="会议记录漏传",
    )

    page = as_user(world.unit_a_reviewer).get(reverse("work_queue")).content.decode()
    other_unit = as_user(world.officer_b).get(reverse("work_queue")).content.decode()

    for key in ("acknowledge", "recheck", "reopen"):
        assert f'data-queue="{key}"' in page
    assert rectification.get_absolute_url() in page
    assert "会议记录漏传" in page
    assert "党费收缴不及时" not in other_unit
    assert "会议记录漏传" not in other_unit


def test_it_lists_the_branchs_own_rectification_for_its_officer(
    active_world: World, as_user
) -> None:
    world = active_world
    Rectification.objects.create(
        year=world.year,
        organisation=world.branch_a,
        source_type="manual",
        problem="组织生活会记录不全",
        deadline=datetime.date(2026, 12, 1),
        state=Rectification.State.IN_PROGRESS,
        returned_count=1,
    )
    page = as_user(world.officer_a).get(reverse("work_queue")).content.decode()
    assert 'data-queue="rectify"' in page
    assert "组织生活会记录不全" in page
    assert "已退回 1 次" in page
    assert reverse("my_work") in page


def _queue_queries(django_assert_num_queries, client, n: int) -> None:
    with django_assert_num_queries(n):
        assert client.get(reverse("work_queue")).status_code == 200


@pytest.mark.usefixtures("in_june")
@pytest.mark.parametrize("extra", [0, 6])
def test_it_builds_the_queue_in_a_fixed_number_of_queries(
    db, as_user, django_assert_num_queries, extra: int
) -> None:
    """Same count with one branch or seven, with or without pending work in each."""
    world = make_world(extra_branches=extra)
    from tests.factories import activate_year

    world.year = activate_year(world)
    round_ = assessment.round_create(
        actor=world.admin,
        year=world.year,
        quarter=1,
        opens_on=datetime.date.today() - datetime.timedelta(days=1),  # noqa: DTZ011
        closes_on=datetime.date.today() + datetime.timedelta(days=30),  # noqa: DTZ011
    )
    for obligation in Obligation.objects.filter(item__ref="ZB-3-02", period_label="1月"):
        Opinion.objects.get_or_create(
            organisation=obligation.organisation, year=world.year, defaults={"content": "建议"}
        )
        review = assessment.review_start(
            actor=world.wc_reviewer,
            review_round=round_,
            organisation=obligation.organisation,
        )
        assessment.review_transition(actor=world.wc_reviewer, review=review, action="submit")
    reviewer = as_user(world.unit_a_reviewer)
    officer = as_user(world.officer_a)
    _queue_queries(django_assert_num_queries, reviewer, QUEUE_QUERIES["reviewer"])
    _queue_queries(django_assert_num_queries, officer, QUEUE_QUERIES["officer"])


# The page's fixed reads (session, user, posts, year, navigation) and then one query per kind of
# work (rounds to score included); an officer's obligations cost two in June (My work's rows,
# and the reopen requests of those whose entry has closed). Measured at both sizes. The per-entry
# review (#20.2) adds a kind for everyone (entries returned to me) and one for reviewers
# (returned entries resubmitted): 16 → 18 and 9 → 10. The person's own duties (个人履责, #19.1)
# are one more read of My work's, for everyone: 18 → 19 and 10 → 11.
QUEUE_QUERIES = {"reviewer": 19, "officer": 11}


def test_it_counts_a_long_section_up_to_a_cap(active_world: World, as_user, monkeypatch) -> None:
    """A committee reviewer may have thousands of opinions to acknowledge: the section counts
    up to COUNT_CAP and says "more than" beyond it, so its cost does not grow with them."""
    world = active_world
    for organisation in (world.branch_a, world.branch_a2):
        Opinion.objects.create(organisation=organisation, year=world.year, content="建议")
    client = as_user(world.wc_reviewer)

    monkeypatch.setattr(worklist, "COUNT_CAP", 1)
    monkeypatch.setattr(worklist, "SECTION_ROWS", 1)
    capped = client.get(reverse("work_queue")).content.decode()
    monkeypatch.setattr(worklist, "COUNT_CAP", 99)
    exact = client.get(reverse("work_queue")).content.decode()

    section = capped.split('data-queue="acknowledge"')[1].split("</section>")[0]
    assert '<span class="badge text-bg-primary">1+</span>' in section
    assert "还有 0 项以上" not in section  # never "0 more": the cap counts one past itself
    exact_section = exact.split('data-queue="acknowledge"')[1].split("</section>")[0]
    assert '<span class="badge text-bg-primary">2</span>' in exact_section
    assert "还有 1 项" in exact_section


# --- reopen requests -------------------------------------------------------------------------


@pytest.mark.usefixtures("in_june")
def test_it_lets_an_officer_ask_to_reopen_and_names_who_can(
    active_world: World, as_user, django_capture_on_commit_callbacks
) -> None:
    world = active_world
    obligation = closed_obligation(world)
    client = as_user(world.officer_a)
    page = client.get(obligation.get_absolute_url()).content.decode()
    assert "申请重新开放" in page
    assert world.unit_a_reviewer.display_name in page  # the reviewer who may reopen, named

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reopen_request_create", args=[obligation.pk]), {"reason": "会议记录漏传"}
        )
    assert response.status_code == 302
    request = ReopenRequest.objects.get()
    assert request.state == ReopenRequest.State.PENDING
    assert AuditEntry.objects.filter(action="reopen_request.create").exists()
    told = Notification.objects.filter(title__startswith="重新开放申请：")
    assert {n.recipient_id for n in told} == {world.unit_a_reviewer.pk}
    page = client.get(obligation.get_absolute_url()).content.decode()
    assert "待处理" in page
    assert "会议记录漏传" in page
    work = client.get(reverse("my_work")).content.decode()
    assert "申请待处理" in work

    # A second request while one is pending is refused with a message.
    with pytest.raises(services.ServiceError):
        services.reopen_request_create(
            actor=world.officer_a, obligation=closed_obligation(world), reason="再次申请"
        )


@pytest.mark.usefixtures("in_june")
def test_it_reopens_when_a_reviewer_grants_and_tells_the_officer(
    active_world: World, as_user, django_capture_on_commit_callbacks
) -> None:
    world = active_world
    request = services.reopen_request_create(
        actor=world.officer_a, obligation=closed_obligation(world), reason="会议记录漏传"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(world.unit_a_reviewer).post(
            reverse("reopen_request_decide", args=[request.pk]), {"decision": "grant"}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    obligation = closed_obligation(world)
    assert request.state == ReopenRequest.State.GRANTED
    assert request.decided_by == world.unit_a_reviewer
    assert obligation.entry_open(obligation.year.entry_grace_days)
    assert AuditEntry.objects.filter(action="obligation.reopen").exists()
    assert Notification.objects.filter(
        recipient=world.officer_a, title__startswith="重新开放申请已同意"
    ).exists()


@pytest.mark.usefixtures("in_june")
def test_it_needs_a_reason_to_refuse(active_world: World) -> None:
    world = active_world
    request = services.reopen_request_create(
        actor=world.officer_a, obligation=closed_obligation(world), reason="会议记录漏传"
    )
    with pytest.raises(services.ServiceError):
        services.reopen_request_decide(
            actor=world.unit_a_reviewer, request=request, grant=False, reason=" "
        )
    services.reopen_request_decide(
        actor=world.unit_a_reviewer, request=request, grant=False, reason="已超过年度补录期限"
    )
    request.refresh_from_db()
    assert request.state == ReopenRequest.State.REFUSED
    assert not closed_obligation(world).entry_open(world.year.entry_grace_days)


@pytest.mark.usefixtures("in_june")
def test_it_refuses_a_request_while_entry_is_still_open(active_world: World) -> None:
    world = active_world
    june = Obligation.objects.select_related("year", "item").get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="6月"
    )
    with pytest.raises(services.ServiceError):
        services.reopen_request_create(actor=world.officer_a, obligation=june, reason="x")


# --- the officer's obligations card -------------------------------------------------------------


@pytest.mark.usefixtures("in_june")
def own_duties_done(world: World) -> None:
    """officer_a's own duties as branch secretary (个人履责, #19.1), out of the way."""
    PersonalObligation.objects.filter(person=world.officer_a).update(
        status="done", completed_on=datetime.date(2026, 1, 5)
    )


def test_it_lists_what_can_still_be_done_before_what_has_closed(active_world: World) -> None:
    """Six overdue obligations closed for entry must not push the one due tomorrow off the
    card's five rows: it can still be done, they can only be asked about."""
    world = active_world
    today = datetime.date(2026, 6, 15)
    mine = Obligation.objects.filter(organisation=world.branch_a).order_by("pk")
    mine.update(status=Obligation.Status.DONE, completed_on=datetime.date(2026, 1, 5))
    own_duties_done(world)
    pks = list(mine.values_list("pk", flat=True)[:7])
    Obligation.objects.filter(pk__in=pks[:6]).update(
        status=Obligation.Status.NOT_STARTED, completed_on=None, due_date=datetime.date(2026, 3, 1)
    )
    Obligation.objects.filter(pk=pks[6]).update(
        status=Obligation.Status.NOT_STARTED,
        completed_on=None,
        due_date=today + datetime.timedelta(days=1),
    )

    summary = worklist.obligations_summary(world.officer_a, today)

    assert (summary.overdue, summary.overdue_closed, summary.due_soon) == (6, 6, 1)
    assert summary.urgent[0].url == Obligation.objects.get(pk=pks[6]).get_absolute_url()
    assert [row.action for row in summary.urgent[1:]] == ["申请重新开放"] * 4


@pytest.mark.usefixtures("in_june")
def test_it_shows_no_card_of_zeros(active_world: World, as_user) -> None:
    """Someone who may fill in but has nothing pending sees no obligations card; an officer with
    nothing at all to do sees the all-clear instead."""
    world = active_world
    Obligation.objects.filter(organisation=world.branch_a).update(
        status=Obligation.Status.DONE, completed_on=datetime.date(2026, 1, 5)
    )
    own_duties_done(world)
    assert worklist.obligations_summary(world.officer_a, datetime.date(2026, 6, 15)) is None
    page = as_user(world.officer_a).get(reverse("work_queue")).content.decode()
    assert 'data-queue="obligations"' not in page
    assert "目前没有需要您处理的事项" in page


def test_it_lists_a_rectification_for_the_person_responsible(active_world: World, as_user) -> None:
    """A member named responsible for a rectification works on it (scope: work_on), so it is in
    their queue though they fill in nothing; another member's queue does not have it."""
    world = active_world
    Rectification.objects.create(
        year=world.year,
        organisation=world.branch_a,
        source_type="manual",
        problem="发展党员材料不完整",
        deadline=datetime.date(2026, 12, 31),
        state=Rectification.State.IN_PROGRESS,
        responsible_person=world.member,
    )
    page = as_user(world.member).get(reverse("work_queue")).content.decode()
    assert 'data-queue="rectify"' in page
    assert "发展党员材料不完整" in page
    other = as_user(world.officer_b).get(reverse("work_queue")).content.decode()
    assert "发展党员材料不完整" not in other


@pytest.mark.usefixtures("in_june")
def test_it_shows_a_member_the_obligations_assigned_to_them(active_world: World, as_user) -> None:
    """谁来干: a member (no officer post) named as an obligation's assignee finds it on the
    work queue's card, as officers find theirs; before the assignment there is no card."""
    world = active_world
    client = as_user(world.member)
    assert 'data-queue="obligations"' not in client.get(reverse("work_queue")).content.decode()
    obligation = (
        Obligation.objects.filter(
            organisation=world.branch_a,
            status__in=Obligation.OPEN_STATUSES,
            due_date__lt=datetime.date(2026, 6, 15),
        )
        .select_related("item", "year", "organisation")
        .order_by("-due_date")
        .first()
    )
    services.obligation_assign(
        actor=world.officer_a,
        obligation=obligation,
        version=obligation.version,
        assignee=world.member,
        today=datetime.date(2026, 6, 15),
    )
    page = client.get(reverse("work_queue")).content.decode()
    assert 'data-queue="obligations"' in page
    assert obligation.get_absolute_url() in page
