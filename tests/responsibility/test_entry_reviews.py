"""Per-entry review (履责记实逐条审核, issue #20.2): a reviewer in scope accepts or returns a
completed entry with a reason; a returned entry reopens for the officer (after the deadline
too), shows in their queue and digest, and keeps its history; the score form counts accepted,
returned and unreviewed entries; a reviewer samples a share of the entries at random."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from accountability import reminders
from accountability.reminders.collectors import Rules, collect_entry_reviews
from responsibility import services
from responsibility.models import AuditEntry, EntryReview, Obligation, User
from responsibility.selectors import entry_reviews
from tests.factories import World, make_world

pytestmark = pytest.mark.django_db

JUNE_3 = datetime.date(2026, 6, 3)
JUNE_25 = datetime.date(2026, 6, 25)


def at(day: datetime.date) -> time_machine.travel:
    """10:00 in Shanghai on `day`."""
    moment = datetime.datetime.combine(day, datetime.time(2, 0), tzinfo=datetime.UTC)
    return time_machine.travel(moment, tick=False)


def may_meeting(world: World) -> Obligation:
    """Branch A's May committee meeting: due 5 June, entry closed after 10 June."""
    return Obligation.objects.select_related("year", "item", "organisation").get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="5月"
    )


def fresh(obligation: Obligation) -> Obligation:
    return Obligation.objects.select_related("year", "item", "organisation").get(pk=obligation.pk)


def complete(world: World, obligation: Obligation, *, on: datetime.date = JUNE_3) -> Obligation:
    with at(on):
        return services.obligation_fill(
            actor=world.officer_a,
            obligation=fresh(obligation),
            version=fresh(obligation).version,
            status=Obligation.Status.DONE,
            completed_on=on,
            description="召开支委会，研究发展党员工作",
        )


def returned(world: World, obligation: Obligation, reason: str = "缺少会议记录") -> Obligation:
    obligation = fresh(obligation)
    with at(JUNE_25):
        services.entry_review_decide(
            actor=world.unit_a_reviewer,
            obligation=obligation,
            version=obligation.version,
            accept=False,
            reason=reason,
        )
    return fresh(obligation)


# --- the service ---------------------------------------------------------------------------


def test_it_returns_an_entry_and_reopens_it_after_the_deadline(active_world: World) -> None:
    world = active_world
    obligation = complete(world, may_meeting(world))
    with at(JUNE_25):
        assert not obligation.entry_open(obligation.year.entry_grace_days)  # closed on 10 June

    obligation = returned(world, obligation)

    assert obligation.review_state == Obligation.ReviewState.RETURNED
    assert obligation.review_note == "缺少会议记录"
    assert obligation.status == Obligation.Status.IN_PROGRESS  # no longer counts as done
    grace = obligation.year.entry_grace_days
    assert obligation.reopened_until == JUNE_25 + datetime.timedelta(days=grace)
    with at(JUNE_25):
        assert obligation.entry_open(grace)
    review = EntryReview.objects.get()
    assert (review.decision, review.reason, review.reviewed_by) == (
        "returned",
        "缺少会议记录",
        world.unit_a_reviewer,
    )
    entry = AuditEntry.objects.get(action="obligation.return")
    assert entry.changes["review_state"] == ["unreviewed", "returned"]
    assert entry.changes["reason"] == [None, "缺少会议记录"]


def test_it_lets_the_officer_resubmit_a_returned_entry_without_a_late_mark(
    active_world: World,
) -> None:
    world = active_world
    obligation = returned(world, complete(world, may_meeting(world)))
    with at(JUNE_25):
        services.obligation_fill(
            actor=world.officer_a,
            obligation=obligation,
            version=obligation.version,
            status=Obligation.Status.DONE,
            completed_on=JUNE_3,
            description="补充会议记录",
        )
    obligation = fresh(obligation)
    assert obligation.review_state == Obligation.ReviewState.RESUBMITTED
    assert obligation.status == Obligation.Status.DONE
    assert not obligation.is_late  # done on 3 June, before its due date; returned since
    # The history stays: the return and the audit trail of both saves.
    assert EntryReview.objects.filter(obligation=obligation).count() == 1
    assert AuditEntry.objects.filter(action="obligation.fill").count() == 2


def test_it_asks_a_reason_to_return_and_a_completed_entry_to_review(
    active_world: World,
) -> None:
    world = active_world
    obligation = complete(world, may_meeting(world))
    with pytest.raises(services.ServiceError, match="退回必须说明原因"):
        services.entry_review_decide(
            actor=world.unit_a_reviewer,
            obligation=obligation,
            version=obligation.version,
            accept=False,
            reason="  ",
        )
    open_one = Obligation.objects.select_related("year").get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="9月"
    )
    with pytest.raises(services.ServiceError, match="尚未完成"):
        services.entry_review_decide(
            actor=world.unit_a_reviewer, obligation=open_one, version=1, accept=True
        )
    assert not EntryReview.objects.exists()


def test_it_refuses_a_decision_on_an_entry_changed_since_it_was_opened(
    active_world: World,
) -> None:
    world = active_world
    obligation = complete(world, may_meeting(world))
    seen = obligation.version
    services.entry_review_decide(
        actor=world.wc_reviewer, obligation=fresh(obligation), version=seen, accept=True
    )
    with pytest.raises(services.EntryChangedError):
        services.entry_review_decide(
            actor=world.unit_a_reviewer,
            obligation=fresh(obligation),
            version=seen,
            accept=False,
            reason="不够具体",
        )
    assert fresh(obligation).review_state == Obligation.ReviewState.ACCEPTED
    assert EntryReview.objects.count() == 1


def test_it_sets_an_accepted_entry_back_to_unreviewed_when_the_officer_edits_it(
    active_world: World,
) -> None:
    world = active_world
    obligation = complete(world, may_meeting(world))
    services.entry_review_decide(
        actor=world.unit_a_reviewer, obligation=obligation, version=obligation.version, accept=True
    )
    complete(world, obligation, on=datetime.date(2026, 6, 4))
    assert fresh(obligation).review_state == Obligation.ReviewState.UNREVIEWED


# --- pages ----------------------------------------------------------------------------------


def test_it_walks_a_return_through_the_queue_to_the_score_form(
    active_world: World, as_user
) -> None:
    """Done when: a reviewer returns an entry; the officer sees it in the queue and
    resubmits; the score form shows the state."""
    from assessment import services as assessment

    world = active_world
    obligation = complete(world, may_meeting(world))
    other = complete(
        world,
        Obligation.objects.get(
            organisation=world.branch_a, item__ref="ZB-3-02", period_label="4月"
        ),
        on=datetime.date(2026, 5, 5),
    )
    reviewer, officer = as_user(world.unit_a_reviewer), as_user(world.officer_a)
    url = reverse("entry_review", args=[obligation.pk])
    with at(JUNE_25):
        page = reviewer.get(url).content.decode()
        assert "召开支委会，研究发展党员工作" in page
        response = reviewer.post(
            url, {"decision": "return", "reason": "请上传会议签到表", "version": obligation.version}
        )
        assert response.status_code == 302
        reviewer.post(
            reverse("entry_review", args=[other.pk]),
            {"decision": "accept", "reason": "", "version": fresh(other).version},
        )

        queue = officer.get(reverse("work_queue")).content.decode()
        assert 'data-queue="returned"' in queue
        assert "请上传会议签到表" in queue
        detail = officer.get(obligation.get_absolute_url()).content.decode()
        assert "审核人已退回这条记实" in detail
        assert "请上传会议签到表" in detail
        assert 'id="fillHeading"' in detail  # open for entry again, after the deadline

        response = officer.post(
            obligation.get_absolute_url(),
            {
                "status": "done",
                "completed_on": "2026-06-03",
                "description": "补充签到表",
                "version": fresh(obligation).version,
                "held_on": "2026-06-03",
                "topic": "支委会",
                "expected_count": "2",
                "attended_count": "2",
            },
        )
        assert response.status_code == 302, response.content.decode()
        assert fresh(obligation).review_state == Obligation.ReviewState.RESUBMITTED
        queue = officer.get(reverse("work_queue")).content.decode()
        assert 'data-queue="returned"' not in queue
        to_review = reviewer.get(reverse("work_queue")).content.decode()
        assert 'data-queue="resubmitted"' in to_review
        assert url in to_review

        round_ = assessment.round_create(
            actor=world.admin,
            year=world.year,
            quarter=2,
            opens_on=datetime.date(2026, 6, 20),
            closes_on=datetime.date(2026, 7, 20),
        )
        review = assessment.review_start(
            actor=world.wc_reviewer, review_round=round_, organisation=world.branch_a
        )
        score_page = as_user(world.wc_reviewer).get(review.get_absolute_url()).content.decode()
    counts = score_page.split("entry-review-counts")[1].split("</div>")[0]
    assert "认可 1" in counts
    assert "退回 0" in counts
    assert "未审核 1" in counts  # the resubmitted one waits for review again


def test_it_shows_a_returned_entry_on_the_score_form(active_world: World, as_user) -> None:
    from assessment import services as assessment

    world = active_world
    returned(world, complete(world, may_meeting(world)))
    with at(JUNE_25):
        round_ = assessment.round_create(
            actor=world.admin,
            year=world.year,
            quarter=2,
            opens_on=datetime.date(2026, 6, 20),
            closes_on=datetime.date(2026, 7, 20),
        )
        review = assessment.review_start(
            actor=world.wc_reviewer, review_round=round_, organisation=world.branch_a
        )
        page = as_user(world.wc_reviewer).get(review.get_absolute_url()).content.decode()
    counts = page.split("entry-review-counts")[1].split("</div>")[0]
    assert "退回 1" in counts
    assert "text-danger fw-bold" in counts


def test_it_keeps_the_reason_and_says_why_when_the_entry_changed(
    active_world: World, as_user
) -> None:
    world = active_world
    obligation = complete(world, may_meeting(world))
    stale = obligation.version
    complete(world, obligation, on=datetime.date(2026, 6, 4))  # the officer saves again
    page = (
        as_user(world.unit_a_reviewer)
        .post(
            reverse("entry_review", args=[obligation.pk]),
            {"decision": "return", "reason": "时间与纪要不符", "version": stale},
        )
        .content.decode()
    )
    assert "该记实在您打开后已有变动" in page
    assert "时间与纪要不符" in page  # what was typed is kept
    assert f'value="{fresh(obligation).version}"' in page  # the next try decides on the latest
    assert fresh(obligation).review_state == Obligation.ReviewState.UNREVIEWED


def test_it_refuses_a_return_without_a_reason_next_to_the_field(
    active_world: World, as_user
) -> None:
    world = active_world
    obligation = complete(world, may_meeting(world))
    response = as_user(world.unit_a_reviewer).post(
        reverse("entry_review", args=[obligation.pk]),
        {"decision": "return", "reason": "", "version": obligation.version},
    )
    assert response.status_code == 200
    assert "退回必须说明原因" in response.content.decode()
    assert not EntryReview.objects.exists()


def test_it_never_lets_an_officer_review_their_own_entry(active_world: World, as_user) -> None:
    world = active_world
    obligation = complete(world, may_meeting(world))
    url = reverse("entry_review", args=[obligation.pk])
    data = {"decision": "accept", "version": obligation.version}
    assert as_user(world.officer_a).post(url, data).status_code == 403
    assert as_user(world.officer_b).post(url, data).status_code == 404
    assert not EntryReview.objects.exists()


# --- the digest ----------------------------------------------------------------------------


def test_it_puts_returned_and_resubmitted_entries_in_the_digest(active_world: World) -> None:
    world = active_world
    first = returned(world, complete(world, may_meeting(world)))
    second = Obligation.objects.get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="4月"
    )
    second = returned(world, complete(world, second, on=datetime.date(2026, 5, 5)), "没有纪要")
    with at(JUNE_25):
        services.obligation_fill(
            actor=world.officer_a,
            obligation=second,
            version=second.version,
            status=Obligation.Status.DONE,
            completed_on=datetime.date(2026, 5, 5),
            description="补充纪要",
        )
    items = list(collect_entry_reviews(JUNE_25, Rules()))
    by_key = {item.object_key: item for item in items}
    assert set(by_key) == {f"returned:{first.pk}", f"resubmitted:{second.pk}"}
    assert "缺少会议记录" in by_key[f"returned:{first.pk}"].title
    assert by_key[f"returned:{first.pk}"].due_date == first.reopened_until

    planned = reminders.plan(items).recipients
    officer_keys = {i.object_key for i in planned[world.officer_a.pk].items}
    reviewer_keys = {i.object_key for i in planned[world.unit_a_reviewer.pk].items}
    assert officer_keys == {f"returned:{first.pk}"}
    assert reviewer_keys == {f"resubmitted:{second.pk}"}
    assert world.officer_b.pk not in planned


# --- sampling ------------------------------------------------------------------------------


def _complete_all(world: World, organisation, period_label: str = "5月") -> list[Obligation]:
    rows = Obligation.objects.filter(organisation=organisation, period_label=period_label)
    rows.update(status=Obligation.Status.DONE, completed_on=datetime.date(2026, 5, 20))
    return list(rows)


def test_it_samples_a_share_of_the_completed_entries_in_scope_reproducibly(
    active_world: World,
) -> None:
    world = active_world
    in_scope = _complete_all(world, world.branch_a) + _complete_all(world, world.branch_a2)
    _complete_all(world, world.branch_b)  # another unit's: never drawn for unit A's reviewer
    accepted = in_scope[0]
    Obligation.objects.filter(pk=accepted.pk).update(review_state="accepted")
    candidates = len(in_scope) - 1

    with at(JUNE_25):
        one = entry_reviews.entry_sample(
            world.unit_a_reviewer, year=world.year, quarter=2, percent=10, seed=7
        )
        again = entry_reviews.entry_sample(
            world.unit_a_reviewer, year=world.year, quarter=2, percent=10, seed=7
        )
        other = entry_reviews.entry_sample(
            world.unit_a_reviewer, year=world.year, quarter=2, percent=50, seed=8
        )
        everything = entry_reviews.entry_sample(
            world.unit_a_reviewer, year=world.year, quarter=2, percent=100, seed=1
        )
    assert one.candidates == candidates
    assert len(one.rows) == -(-candidates // 10)  # rounded up: 10 % of 9 is one entry
    assert one.rows == again.rows
    assert len(other.rows) == -(-candidates // 2)
    urls = {row.url for row in everything.rows}
    assert len(urls) == candidates
    assert reverse("entry_review", args=[accepted.pk]) + "?sampled=1" not in urls
    names = {row.organisation for row in everything.rows}
    assert names == {world.branch_a.name, world.branch_a2.name}


def test_it_lists_the_sample_and_checks_the_parameters(active_world: World, as_user) -> None:
    world = active_world
    _complete_all(world, world.branch_a)
    client = as_user(world.unit_a_reviewer)
    url = reverse("entry_sample")
    with at(JUNE_25):
        page = client.get(url, {"quarter": 2, "percent": 100, "seed": 3}).content.decode()
        bad = client.get(url, {"percent": "150", "seed": "x"}).content.decode()
    assert page.count("?sampled=1") == len(_complete_all(world, world.branch_a))
    assert "按 100% 抽取" in page
    assert "抽查比例应在 1 到 100 之间" in bad
    assert "随机种子应为整数" in bad
    assert 'value="150"' in bad  # what was typed stays
    assert as_user(world.officer_a).get(url).status_code == 403


def test_it_marks_a_decision_made_from_the_sample(active_world: World, as_user) -> None:
    world = active_world
    obligation = complete(world, may_meeting(world))
    client = as_user(world.unit_a_reviewer)
    url = reverse("entry_review", args=[obligation.pk])
    page = client.get(url + "?sampled=1").content.decode()
    assert 'name="sampled" value="True"' in page
    client.post(url, {"decision": "accept", "version": obligation.version, "sampled": "True"})
    assert EntryReview.objects.get().sampled


# --- query counts ---------------------------------------------------------------------------


def _queries(client, url: str, django_assert_num_queries, n: int) -> None:
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("extra", [0, 5])
def test_it_draws_and_shows_entries_in_a_fixed_number_of_queries(
    db, as_user, django_assert_num_queries, extra: int
) -> None:
    """The same count with one branch or six, a few entries reviewed or many."""
    from tests.factories import activate_year

    world = make_world(extra_branches=extra)
    world.year = activate_year(world)
    Obligation.objects.filter(period_label="5月").update(
        status=Obligation.Status.DONE, completed_on=datetime.date(2026, 5, 20)
    )
    entry = Obligation.objects.filter(organisation=world.branch_a, period_label="5月").first()
    assert entry is not None
    for n in range(extra + 1):
        EntryReview.objects.create(
            obligation=entry,
            organisation=world.branch_a,
            decision="returned" if n % 2 else "accepted",
            reason="原因",
            reviewed_by=world.unit_a_reviewer,
            obligation_version=1,
        )
    client = as_user(world.unit_a_reviewer)
    with at(JUNE_25):
        sample = reverse("entry_sample") + "?quarter=2&percent=100&seed=1"
        _queries(client, sample, django_assert_num_queries, SAMPLE_QUERIES)
        review = reverse("entry_review", args=[entry.pk])
        _queries(client, review, django_assert_num_queries, REVIEW_QUERIES)


# Session, user, posts, the navigation's year and unread count; the sample's candidates, rows.
SAMPLE_QUERIES = 7
# Session, user, posts, the navigation's year and unread count; the obligation, its meeting,
# its evidence, its review history.
REVIEW_QUERIES = 9


# --- demo -----------------------------------------------------------------------------------


def test_it_seeds_reviewed_returned_and_resubmitted_entries_once(as_user) -> None:
    from io import StringIO

    from django.core.management import call_command

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())
    states = set(Obligation.objects.values_list("review_state", flat=True))
    assert {"accepted", "returned", "resubmitted", "unreviewed"} <= states
    assert EntryReview.objects.filter(decision="returned").count() == 2  # not again on rerun
    officer = as_user(User.objects.get(username="officer"))
    assert 'data-queue="returned"' in officer.get(reverse("work_queue")).content.decode()
    reviewer = as_user(User.objects.get(username="unit_reviewer"))
    assert 'data-queue="resubmitted"' in reviewer.get(reverse("work_queue")).content.decode()


def test_it_keeps_the_queue_in_memory_until_an_entry_is_returned_or_resubmitted(
    active_world: World, settings
) -> None:
    """With the queue's cache on (responsibility/work_versions.py), the services' bumps make a
    returned entry show at once, and leave once resubmitted."""
    from accountability.selectors import worklist

    settings.WORK_QUEUE_CACHE_SECONDS = 60
    world = active_world

    def keys(user: User) -> set[str]:
        person = User.objects.get(pk=user.pk)
        with at(JUNE_25):
            return {section.key for section in worklist.work_queue(person).sections}

    obligation = complete(world, may_meeting(world))
    assert "returned" not in keys(world.officer_a)
    obligation = returned(world, obligation)
    assert "returned" in keys(world.officer_a)
    assert "resubmitted" not in keys(world.unit_a_reviewer)
    with at(JUNE_25):
        services.obligation_fill(
            actor=world.officer_a,
            obligation=obligation,
            version=obligation.version,
            status=Obligation.Status.DONE,
            completed_on=JUNE_3,
            description="补充",
        )
    assert "returned" not in keys(world.officer_a)
    assert "resubmitted" in keys(world.unit_a_reviewer)
    assert "resubmitted" not in keys(world.officer_b)
