"""People's own duties (个人履责, #19.1): generation, My work, the fill-in with its rules,
reopening, the person page and the leaders' links."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from responsibility import selectors, services
from responsibility.models import (
    AuditEntry,
    LeaderLink,
    Obligation,
    PersonalDuty,
    PersonalObligation,
    Post,
    Year,
)
from responsibility.selectors import personal as personal_selectors
from responsibility.services import leaders
from tests.factories import PDF_BYTES, UserFactory, World

TODAY = datetime.date(2026, 6, 15)


def first_due(person, year: Year) -> PersonalObligation:
    return (
        PersonalObligation.objects.filter(person=person, year=year)
        .select_related("duty", "year", "organisation")
        .order_by("due_date", "pk")
        .first()
    )


# --- generation ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_activation_gives_each_post_holder_the_duties_of_their_post(active_world: World) -> None:
    year = active_world.year
    branch_secretary = PersonalDuty.objects.filter(person=active_world.officer_a, year=year)
    assert sorted(branch_secretary.values_list("ref", flat=True)) == [
        "GR-ZB-SJ-01",
        "GR-ZB-SJ-02",
        "GR-ZB-SJ-03",
        "GR-ZB-SJ-04",
    ]
    # quarterly 三会一课 ×4, three yearly duties ×1
    assert PersonalObligation.objects.filter(person=active_world.officer_a).count() == 7
    deputy = PersonalDuty.objects.filter(person=active_world.unit_a_reviewer, year=year)
    assert set(deputy.values_list("ref", flat=True)) == {
        "GR-JW-FS-01",
        "GR-JW-FS-02",
        "GR-JW-FS-03",
    }
    # A member and a liaison have no personal duties.
    assert not PersonalDuty.objects.filter(person__in=[active_world.member, active_world.liaison])
    # Running it again creates nothing.
    assert services.personal_duties_create(actor=None, year=year) == 0
    assert services.personal_obligations_generate(year=year) == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_a_person_taking_a_post_mid_year_owes_the_periods_still_to_come(
    active_world: World,
) -> None:
    secretary = UserFactory(username="new_secretary")
    services.post_create(
        actor=active_world.admin,
        user=secretary,
        organisation=active_world.party_group_a,
        kind=Post.Kind.SECRETARY,
        start_date=TODAY,
    )
    obligations = PersonalObligation.objects.filter(person=secretary)
    contents = set(obligations.values_list("duty__content", flat=True))
    assert "带头讲党课" in contents
    # 联系支部 quarterly: Q2, Q3 and Q4 only (Q1 ended before the post began).
    visits = obligations.filter(duty__ref="GR-DZ-SJ-03").order_by("period_start")
    assert [o.period_label for o in visits] == ["第二季度", "第三季度", "第四季度"]


@pytest.mark.django_db
def test_a_person_leaving_a_post_owes_nothing_for_the_periods_after(active_world: World) -> None:
    post = Post.objects.get(user=active_world.officer_a, organisation=active_world.branch_a)
    services.post_end(actor=None, post=post, end_date=datetime.date(2026, 5, 31))
    left = PersonalObligation.objects.filter(person=active_world.officer_a)
    assert sorted(left.values_list("period_label", flat=True)) == [
        "全年",
        "全年",
        "全年",
        "第一季度",
        "第二季度",
    ]


# --- My work -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_my_work_lists_ones_own_duties_under_mine_with_their_due_dates(
    active_world: World, as_user
) -> None:
    work = selectors.my_work(active_world.officer_a, today=TODAY)
    personal = [
        o
        for o in work.mine.overdue + work.mine.due_soon + work.mine.this_period
        if isinstance(o, PersonalObligation)
    ]
    assert personal
    assert all(o.person_id == active_world.officer_a.pk for o in personal)
    assert all(o in work.overdue + work.due_soon + work.this_period for o in personal)
    page = as_user(active_world.officer_a).get(reverse("my_work")).content.decode()
    mine = page.split('id="mine-sectionHeading"', 1)[1].split('id="sectionHeading"', 1)[0]
    assert reverse("personal_obligation_detail", args=[personal[0].pk]) in mine
    assert "个人履责" in mine
    # Nobody else's personal duties reach a colleague's or a reviewer's My work.
    other = selectors.my_work(active_world.member, today=TODAY)
    assert not [o for o in other.overdue + other.this_period if isinstance(o, PersonalObligation)]


def my_work_queries(client, django_assert_num_queries) -> None:
    # Session, user, posts; the organisations' obligations, the person's own, the reopen
    # requests of closed organisation entries; the year; the unread count.
    with django_assert_num_queries(8):
        assert client.get(reverse("my_work")).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_my_work_reads_as_many_queries_for_few_personal_duties_as_for_many(
    active_world: World, as_user, django_assert_num_queries
) -> None:
    client = as_user(active_world.officer_a)
    client.get(reverse("my_work"))
    my_work_queries(client, django_assert_num_queries)
    # A second post with its own duties (the 党组's secretary too): more rows, same queries.
    services.post_create(
        actor=None,
        user=active_world.officer_a,
        organisation=active_world.party_group_a,
        kind=Post.Kind.SECRETARY,
        start_date=datetime.date(2026, 1, 1),
    )
    assert PersonalObligation.objects.filter(person=active_world.officer_a).count() > 15
    client.get(reverse("my_work"))
    my_work_queries(client, django_assert_num_queries)


# --- fill-in -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_the_person_fills_one_in_with_evidence_on_its_page(active_world: World, as_user) -> None:
    obligation = PersonalObligation.objects.get(
        person=active_world.officer_a, duty__ref="GR-ZB-SJ-02"
    )
    url = reverse("personal_obligation_detail", args=[obligation.pk])
    client = as_user(active_world.officer_a)
    assert "填报" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "version": obligation.version,
            "status": "done",
            "completed_on": "2026-06-10",
            "description": "为支部党员讲授专题党课",
            "files": SimpleUploadedFile("党课讲稿.pdf", PDF_BYTES, "application/pdf"),
        },
    )
    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.status == "done"
    assert not obligation.is_late
    assert [e.original_name for e in obligation.evidence.all()] == ["党课讲稿.pdf"]
    entry = AuditEntry.objects.get(action="personal_obligation.fill")
    assert entry.changes["evidence"] == [None, ["党课讲稿.pdf"]]
    # A stale version keeps what was typed and says why.
    stale = client.post(
        url, {"version": 1, "status": "in_progress", "description": "再次修改内容"}
    ).content.decode()
    assert "该记录已被他人修改" in stale
    assert "再次修改内容" in stale


@pytest.mark.django_db
def test_late_marks_and_closed_entries_follow_the_obligation_rules(active_world: World) -> None:
    obligation = first_due(active_world.officer_a, active_world.year)  # Q1, due 10 April
    with time_machine.travel(datetime.datetime(2026, 4, 12, 2, tzinfo=datetime.UTC), tick=False):
        services.personal_obligation_fill(
            actor=active_world.officer_a,
            obligation=obligation,
            version=obligation.version,
            status="done",
            completed_on=datetime.date(2026, 3, 20),
            description="按时开展",
        )
    assert obligation.is_late  # recorded after the due date
    later = PersonalObligation.objects.filter(
        person=active_world.officer_a, period_label="第二季度"
    ).first()
    with time_machine.travel(datetime.datetime(2026, 8, 1, 2, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(services.EntryClosedError):
            services.personal_obligation_fill(
                actor=active_world.officer_a,
                obligation=later,
                version=later.version,
                status="done",
                completed_on=datetime.date(2026, 6, 1),
                description="补报",
            )
        services.personal_obligation_reopen(
            actor=active_world.unit_a_reviewer, obligation=later, reason="补报会议记录"
        )
        services.personal_obligation_fill(
            actor=active_world.officer_a,
            obligation=later,
            version=later.version,
            status="done",
            completed_on=datetime.date(2026, 6, 1),
            description="补报",
        )
    later.refresh_from_db()
    assert later.status == "done"
    assert later.is_late
    assert AuditEntry.objects.filter(action="personal_obligation.reopen").count() == 1


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_only_the_person_fills_in_and_reviewers_reopen(active_world: World, as_user) -> None:
    obligation = first_due(active_world.officer_a, active_world.year)
    url = reverse("personal_obligation_detail", args=[obligation.pk])
    data = {"version": obligation.version, "status": "in_progress", "description": "x"}
    assert as_user(active_world.unit_a_reviewer).post(url, data).status_code == 403
    assert as_user(active_world.member).post(url, data).status_code == 404
    assert as_user(active_world.officer_b).get(url).status_code == 404
    reviewer_page = as_user(active_world.unit_a_reviewer).get(url).content.decode()
    assert "重新开放填报" in reviewer_page
    assert 'name="status"' not in reviewer_page
    reopen = reverse("personal_obligation_reopen", args=[obligation.pk])
    assert as_user(active_world.officer_a).post(reopen, {"reason": "x"}).status_code == 403
    assert as_user(active_world.unit_a_reviewer).post(reopen, {"reason": "补报"}).status_code == 302


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_personal_obligations_count_in_no_organisation_figure(active_world: World) -> None:
    before = personal_selectors.organisation_tallies(
        [active_world.branch_a.pk], active_world.year, TODAY
    )
    for obligation in PersonalObligation.objects.filter(person=active_world.officer_a):
        PersonalObligation.objects.filter(pk=obligation.pk).update(
            status="done", completed_on=TODAY
        )
    after = personal_selectors.organisation_tallies(
        [active_world.branch_a.pk], active_world.year, TODAY
    )
    assert before == after
    assert not Obligation.objects.filter(item__ref__startswith="GR-").exists()


# --- the person's page and the leaders' links ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_a_reviewer_records_a_contact_branch_and_its_progress_shows_on_the_page(
    active_world: World, as_user
) -> None:
    person = active_world.officer_a
    reviewer = as_user(active_world.unit_a_reviewer)
    response = reviewer.post(
        reverse("leader_link_create", args=[person.pk]),
        {"kind": "contact", "organisation": active_world.branch_a2.pk, "start_date": "2026-01-01"},
    )
    assert response.status_code == 302
    link = LeaderLink.objects.get(person=person)
    assert AuditEntry.objects.filter(action="leader_link.create").exists()
    page = as_user(person).get(reverse("my_duties")).content.decode()
    assert "甲厅第二党支部" in page
    assert "联系支部" in page
    assert "GR-ZB-SJ-01" in page
    # Nobody records their own links; a refused 分管 without a department keeps what was typed.
    own = as_user(person).get(reverse("leader_link_create", args=[person.pk]))
    assert own.status_code == 403
    refused = reviewer.post(
        reverse("leader_link_create", args=[person.pk]),
        {"kind": "in_charge", "organisation": active_world.branch_a.pk, "start_date": "2026-01-01"},
    )
    assert refused.status_code == 200
    assert "分管请填写分管部门" in refused.content.decode()
    ended = reviewer.post(
        reverse("leader_link_end", args=[link.pk]),
        {"version": link.version, "end_date": "2026-06-01"},
    )
    assert ended.status_code == 302
    link.refresh_from_db()
    assert link.end_date == datetime.date(2026, 6, 1)


def person_page_queries(client, url, django_assert_num_queries, n: int) -> None:
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_the_person_page_reads_as_many_queries_for_few_duties_as_for_many(
    active_world: World, as_user, django_assert_num_queries
) -> None:
    person = active_world.officer_a
    url = reverse("person_duties", args=[person.pk])
    client = as_user(active_world.unit_a_reviewer)
    client.get(url)
    # Session, user, posts, the person, the scope's two checks of "view_person" and one of
    # "link_leader" (reviewers of one of the person's posts); the year; their obligations,
    # links, the linked organisations' progress, the duties of a year in planning; the unread
    # count.
    leaders.leader_link_create(
        actor=active_world.admin,
        person=person,
        kind="contact",
        organisation=active_world.branch_a2,
        start_date=datetime.date(2026, 1, 1),
    )
    person_page_queries(client, url, django_assert_num_queries, 13)
    services.post_create(
        actor=None,
        user=person,
        organisation=active_world.party_group_a,
        kind=Post.Kind.SECRETARY,
        start_date=datetime.date(2026, 1, 1),
    )
    leaders.leader_link_create(
        actor=active_world.admin,
        person=person,
        kind="in_charge",
        department="办公室",
        organisation=active_world.branch_a,
        start_date=datetime.date(2026, 1, 1),
    )
    person_page_queries(client, url, django_assert_num_queries, 13)


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_reviewers_see_the_leaders_personal_progress_beside_the_organisations(
    active_world: World, as_user
) -> None:
    url = reverse("organisation_detail", args=[active_world.branch_a.pk])
    client = as_user(active_world.unit_a_reviewer)
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).content.decode()
    assert 'id="leaders"' in page
    assert active_world.officer_a.display_name in page
    assert "本组织责任清单：完成率" in page
    for number in range(3):
        services.post_create(
            actor=None,
            user=UserFactory(username=f"deputy{number}"),
            organisation=active_world.branch_a,
            kind=Post.Kind.COMMITTEE_MEMBER,
            start_date=datetime.date(2026, 1, 1),
        )
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).content.decode()
    assert page.count('/duties/"') == 4  # the secretary and three members, each linked
    assert len(second) == len(first)
    # A member of the branch sees no one's personal progress.
    assert 'id="leaders"' not in as_user(active_world.member).get(url).content.decode()


# --- reminders -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_reminders_chase_the_person_then_their_secretary(active_world: World) -> None:
    """Due in five days: the person hears (not every officer); overdue since yesterday: the
    organisation's secretary too; never escalated upward; done: nobody."""
    from accountability import reminders
    from accountability.models import DigestItem

    obligation = PersonalObligation.objects.get(
        person=active_world.unit_a_reviewer, duty__ref="GR-JW-FS-01", period_label="第二季度"
    )
    secretary = UserFactory(username="organ_secretary")
    services.post_create(
        actor=None,
        user=secretary,
        organisation=active_world.organ_a,
        kind=Post.Kind.SECRETARY,
        start_date=datetime.date(2026, 1, 1),
    )
    due = obligation.due_date

    def told(day: datetime.date) -> dict[str, set[str]]:
        planned = reminders.plan(reminders.collect(day))
        return {
            recipient.user.username: {i.stage for i in recipient.items}
            for recipient in planned.recipients.values()
            if any(i.object_key == f"personal_obligation:{obligation.pk}" for i in recipient.items)
        }

    assert told(due - datetime.timedelta(days=5)) == {"unit_a_reviewer": {DigestItem.Stage.DUE}}
    assert set(told(due + datetime.timedelta(days=1))) == {"unit_a_reviewer", "organ_secretary"}
    assert told(due + datetime.timedelta(days=30)) == {}
    PersonalObligation.objects.filter(pk=obligation.pk).update(status="done", completed_on=due)
    assert told(due + datetime.timedelta(days=1)) == {}


# --- demo ----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_the_demo_gives_every_leader_duties_some_done_some_open_and_links() -> None:
    from responsibility import demo

    context = demo.seed_demo()
    secretary = context.users["party_secretary"]
    rows = PersonalObligation.objects.filter(person=secretary, year=context.year)
    assert rows.filter(duty__content__contains="带头讲党课").exists()
    assert rows.filter(status="done").exists()
    assert rows.filter(status="done", evidence__isnull=False).exists()
    assert rows.filter(status__in=["not_started"], due_date__lt=TODAY).exists()  # overdue
    assert rows.filter(status="not_started", due_date__gte=TODAY).exists()
    for username in ("officer", "unit_reviewer", "organ_secretary", "officer_b"):
        assert PersonalObligation.objects.filter(person=context.users[username]).exists()
    assert LeaderLink.objects.filter(person=secretary, kind="contact").exists()
    assert LeaderLink.objects.filter(kind="in_charge", department="预算处").exists()
    work = selectors.my_work(secretary, today=TODAY)
    assert any(isinstance(o, PersonalObligation) for o in work.mine.overdue)
    # A second run keeps what is there.
    before = PersonalObligation.objects.filter(status="done").count()
    demo.seed_demo()
    assert PersonalObligation.objects.filter(status="done").count() == before


# --- adjusting a person's duties before the year starts -------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_a_reviewer_adjusts_a_persons_duties_before_the_year_starts(
    active_world: World, as_user
) -> None:
    next_year = services.year_create(actor=None, year=2027)  # planning: duties, no obligations
    duty = PersonalDuty.objects.get(
        person=active_world.officer_a, year=next_year, ref="GR-ZB-SJ-03"
    )
    assert not PersonalObligation.objects.filter(year=next_year).exists()
    reviewer = as_user(active_world.unit_a_reviewer)
    page = reviewer.get(reverse("person_duties", args=[active_world.officer_a.pk])).content
    assert reverse("personal_duty_edit", args=[duty.pk]) in page.decode()
    url = reverse("personal_duty_edit", args=[duty.pk])
    data = {
        "version": "1",
        "content": "与支部每名党员谈心谈话，重点关注青年党员",
        "standard": duty.standard,
        "frequency": "half_yearly",
        "due_days": "15",
        "evidence": duty.evidence,
    }  # is_active unticked: switched off
    assert reviewer.post(url, data).status_code == 302
    duty.refresh_from_db()
    assert duty.frequency == "half_yearly"
    assert not duty.is_active
    entry = AuditEntry.objects.get(action="personal_duty.update")
    assert entry.changes["is_active"] == [True, False]
    stale = reviewer.post(url, data).content.decode()
    assert "该记录已被他人修改" in stale
    # The person does not adjust their own list.
    assert as_user(active_world.officer_a).post(url, data).status_code == 403
    services.year_activate(actor=None, year=next_year)
    assert not PersonalObligation.objects.filter(duty=duty).exists()
    assert PersonalObligation.objects.filter(person=active_world.officer_a, year=next_year)
    duty.refresh_from_db()
    data["version"] = str(duty.version)
    refused = reviewer.post(url, data).content.decode()
    assert "年度已启动，个人履责清单不能再调整" in refused


@pytest.mark.django_db
def test_a_duty_of_ones_own_is_added_before_the_year_starts(active_world: World) -> None:
    next_year = services.year_create(actor=None, year=2027)
    model = PersonalDuty.objects.filter(person=active_world.officer_a, year=next_year).first()
    added = leaders.personal_duty_add(
        actor=active_world.unit_a_reviewer,
        template_of=model,
        ref="GR-ZB-SJ-09",
        content="联系服务一名困难党员",
    )
    assert added.template_id is None
    assert AuditEntry.objects.filter(action="personal_duty.add").exists()
    with pytest.raises(services.ServiceError):
        leaders.personal_duty_add(
            actor=active_world.unit_a_reviewer,
            template_of=model,
            ref="GR-ZB-SJ-09",
            content="重复",
        )
