"""Named assignees (谁来干, #19.2): the secretary names who does an obligation or an item for
the year; the assignee fills it in and finds it under 我的 in My work."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from responsibility import scope, selectors, services
from responsibility.models import AuditEntry, ChecklistItem, Obligation, Post, User
from tests.factories import UserFactory, World, post

TODAY = datetime.date(2026, 6, 15)  # the in_june fixture's day


@dataclass
class Branch:
    """Branch A's people: its secretary (world.officer_a), `officer`, a 委员 the secretary
    names, and `colleague`, another officer of the branch named for nothing."""

    world: World
    secretary: User
    officer: User
    colleague: User


@pytest.fixture
def branch(active_world: World) -> Branch:
    officer = UserFactory(username="officer", full_name="张伟")
    post(officer, active_world.branch_a, Post.Kind.COMMITTEE_MEMBER)
    colleague = UserFactory(username="colleague", full_name="李娜")
    post(colleague, active_world.branch_a, Post.Kind.CADRE_PART_TIME)
    return Branch(active_world, active_world.officer_a, officer, colleague)


def meeting(world: World, label: str = "6月") -> Obligation:
    """Branch A's committee meeting of a month (due on the 5th of the next)."""
    return Obligation.objects.select_related("year", "organisation", "item", "assignee").get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label=label
    )


def assign(branch: Branch, obligation: Obligation, to: User, **kwargs: object) -> Obligation:
    return services.obligation_assign(
        actor=branch.secretary,
        obligation=obligation,
        version=obligation.version,
        assignee=to,
        today=TODAY,
        **kwargs,
    )


def listed(work: selectors.Buckets) -> set[int]:
    """The organisations' obligations listed (a leader's own duties, 个人履责, are listed too)."""
    return {
        o.pk for o in work.overdue + work.due_soon + work.this_period if isinstance(o, Obligation)
    }


# --- services ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_lists_an_assigned_obligation_under_mine_and_only_the_secretary_sees_it_too(
    branch: Branch, as_user
) -> None:
    june = meeting(branch.world)
    assign(branch, june, branch.officer, due_date=datetime.date(2026, 7, 1))

    mine = selectors.my_work(branch.officer, today=TODAY)
    assert listed(mine.mine) == {june.pk}
    assert june.pk not in listed(mine.organisation)
    # Another officer of the branch who leads nothing no longer has it on their list …
    assert june.pk not in listed(selectors.my_work(branch.colleague, today=TODAY))
    # … while the secretary sees all of the branch, this one with its assignee.
    lead = selectors.my_work(branch.secretary, today=TODAY)
    assert lead.leads
    assert june.pk in listed(lead.organisation)
    assert not listed(lead.mine)

    page = as_user(branch.officer).get(reverse("my_work")).content.decode()
    mine_part, organisation_part = page.split('id="sectionHeading"', 1)
    assert 'id="mine-sectionHeading">我的' in mine_part
    assert june.get_absolute_url() in mine_part
    assert june.get_absolute_url() not in organisation_part
    assert "本组织未指派" in organisation_part  # the unassigned rest of the branch
    secretary_page = as_user(branch.secretary).get(reverse("my_work")).content.decode()
    assert "本组织全部" in secretary_page
    assert "承办人 张伟（承办期限 2026-07-01）" in secretary_page
    # Nothing of the branch is the secretary's own; under 我的 are only their personal duties.
    secretary_mine = secretary_page.split('id="sectionHeading"', 1)[0]
    assert june.get_absolute_url() not in secretary_mine
    assert "/obligations/" not in secretary_mine.split('id="mine-sectionHeading"', 1)[-1]


@pytest.mark.django_db
def test_it_records_who_assigned_whom_in_the_audit_trail(branch: Branch) -> None:
    june = assign(branch, meeting(branch.world), branch.officer)
    services.obligation_unassign(actor=branch.secretary, obligation=june, version=june.version)
    entries = AuditEntry.objects.filter(object_id=str(june.pk)).order_by("at", "pk")
    assert [(e.action, e.changes) for e in entries if "assign" in e.action] == [
        ("obligation.assign", {"assignee": [None, "张伟"]}),
        ("obligation.unassign", {"assignee": ["张伟", None]}),
    ]
    june.refresh_from_db()
    assert june.assignee is None


@pytest.mark.django_db
def test_it_refuses_someone_who_holds_no_post_in_the_organisation(branch: Branch) -> None:
    with pytest.raises(services.ServiceError, match="不是甲厅第一党支部的现任人员"):
        assign(branch, meeting(branch.world), branch.world.officer_b)
    ended = UserFactory(username="retired")
    held = post(ended, branch.world.branch_a, Post.Kind.COMMITTEE_MEMBER)
    Post.objects.filter(pk=held.pk).update(end_date=datetime.date(2026, 1, 31))
    with pytest.raises(services.ServiceError, match="现任人员"):
        assign(branch, meeting(branch.world), ended)
    assert meeting(branch.world).assignee is None


@pytest.mark.django_db
def test_it_refuses_a_date_after_the_obligations_due_date(branch: Branch) -> None:
    june = meeting(branch.world)  # due 5 July
    with pytest.raises(
        services.ServiceError, match=r"承办期限不能晚于任务的截止日期（2026-07-05）"
    ):
        assign(branch, june, branch.officer, due_date=datetime.date(2026, 7, 6))
    assign(branch, meeting(branch.world), branch.officer, due_date=datetime.date(2026, 7, 5))


@pytest.mark.django_db
def test_it_refuses_a_closed_obligation_and_a_stale_version(branch: Branch) -> None:
    june = meeting(branch.world)
    Obligation.objects.filter(pk=june.pk).update(
        status=Obligation.Status.DONE, completed_on=datetime.date(2026, 6, 10)
    )
    with pytest.raises(services.ServiceError, match="已完成或不适用"):
        assign(branch, meeting(branch.world), branch.officer)
    may = meeting(branch.world, "5月")
    stale = may.version
    assign(branch, may, branch.colleague)
    may.version = stale
    with pytest.raises(services.ConcurrentEditError):
        assign(branch, may, branch.officer)
    assert meeting(branch.world, "5月").assignee == branch.colleague


@pytest.mark.django_db
def test_the_database_keeps_the_assignees_date_within_the_due_date(branch: Branch) -> None:
    june = meeting(branch.world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Obligation.objects.filter(pk=june.pk).update(
            assignee=branch.officer, assignee_due_date=june.due_date + datetime.timedelta(days=1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Obligation.objects.filter(pk=june.pk).update(assignee_due_date=june.due_date)


@pytest.mark.django_db
def test_it_assigns_a_whole_item_for_the_year_and_new_obligations_take_it(
    branch: Branch,
) -> None:
    world = branch.world
    item = ChecklistItem.objects.select_related("checklist__organisation", "checklist__year").get(
        checklist__organisation=world.branch_a, ref="ZB-3-02"
    )
    january = meeting(world, "1月")
    Obligation.objects.filter(pk=january.pk).update(
        status=Obligation.Status.DONE, completed_on=datetime.date(2026, 2, 3)
    )
    assign(branch, meeting(world, "7月"), branch.colleague, due_date=datetime.date(2026, 8, 1))

    count = services.checklist_item_assign(
        actor=branch.secretary, item=item, version=item.version, assignee=branch.officer
    )

    assert count == 11  # every month but the done January
    rows = Obligation.objects.filter(item=item)
    assert set(rows.exclude(pk=january.pk).values_list("assignee", "assignee_due_date")) == {
        (branch.officer.pk, None)
    }
    assert meeting(world, "1月").assignee is None  # closed ones keep their history
    # An obligation generated later (the item's periods regenerated) takes the item's assignee.
    december = meeting(world, "12月")
    december.delete()
    services.obligations_generate(year=world.year, checklist_ids=[item.checklist_id])
    assert meeting(world, "12月").assignee == branch.officer


# --- scope -------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_lets_the_assignee_fill_in_without_an_officer_post(branch: Branch, as_user) -> None:
    world = branch.world
    june = meeting(world)
    assert not scope.can(world.member, "work_on", june)  # a 党员 of the branch, not named
    assign(branch, june, world.member)
    june = meeting(world)
    assert scope.can(world.member, "work_on", june)
    assert not scope.can(world.member, "fill", june)

    response = as_user(world.member).post(
        june.get_absolute_url(),
        {"status": "in_progress", "version": june.version, "description": "筹备中"},
    )

    assert response.status_code == 302
    assert meeting(world).status == Obligation.Status.IN_PROGRESS
    assert june.pk in listed(selectors.my_work(world.member, today=TODAY).mine)


@pytest.mark.django_db
def test_it_lets_only_those_who_lead_the_organisation_assign(branch: Branch) -> None:
    world = branch.world
    june = meeting(world)
    assert scope.can(branch.secretary, "delegate", june)  # 书记
    assert scope.can(world.admin, "delegate", june)
    assert scope.can(world.unit_a_reviewer, "delegate", meeting_of(world.organ_a))  # 副书记
    for person in (branch.officer, world.member, world.unit_a_reviewer, world.wc_reviewer):
        assert not scope.can(person, "delegate", june), person.username


def meeting_of(organisation: object) -> Obligation:
    return Obligation.objects.select_related("organisation").filter(organisation=organisation)[0]


# --- views -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_secretary_assigns_on_the_obligations_page(branch: Branch, as_user) -> None:
    june = meeting(branch.world)
    client = as_user(branch.secretary)
    page = client.get(june.get_absolute_url()).content.decode()
    assert "未指派（本组织党务干部共同负责）" in page
    assert reverse("obligation_assign", args=[june.pk]) in page
    form = client.get(reverse("obligation_assign", args=[june.pk])).content.decode()
    assert f'<option value="{branch.officer.pk}">张伟</option>' in form
    assert f'value="{branch.world.officer_b.pk}"' not in form  # another unit's secretary

    response = client.post(
        reverse("obligation_assign", args=[june.pk]),
        {"assignee": branch.officer.pk, "due_date": "2026-07-01", "version": june.version},
    )

    assert response.status_code == 302
    detail = client.get(june.get_absolute_url()).content.decode()
    assert "<strong>张伟</strong>" in detail
    assert "承办期限 2026-07-01" in detail
    # The officer sees the name, but no link to change it.
    officer_page = as_user(branch.officer).get(june.get_absolute_url()).content.decode()
    assert "<strong>张伟</strong>" in officer_page
    assert reverse("obligation_assign", args=[june.pk]) not in officer_page


@pytest.mark.django_db
def test_it_keeps_what_was_typed_when_the_date_is_refused(branch: Branch, as_user) -> None:
    june = meeting(branch.world)
    response = as_user(branch.secretary).post(
        reverse("obligation_assign", args=[june.pk]),
        {"assignee": branch.officer.pk, "due_date": "2026-07-09", "version": june.version},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "承办期限不能晚于任务的截止日期（2026-07-05）" in body
    assert 'value="2026-07-09"' in body
    assert f'<option value="{branch.officer.pk}" selected>' in body
    assert meeting(branch.world).assignee is None


@pytest.mark.django_db
def test_it_assigns_an_item_for_the_year_on_its_page(branch: Branch, as_user) -> None:
    item = ChecklistItem.objects.get(checklist__organisation=branch.world.branch_a, ref="ZB-3-02")
    response = as_user(branch.secretary).post(
        reverse("checklist_item_assign", args=[item.pk]),
        {"assignee": branch.colleague.pk, "version": item.version},
    )
    assert response.status_code == 302
    assert meeting(branch.world).assignee == branch.colleague


# --- My work's query count -----------------------------------------------------------------------


def my_work_queries(client, django_assert_num_queries, n: int) -> None:
    with django_assert_num_queries(n):
        assert client.get(reverse("my_work")).status_code == 200


# Session, user, posts; the page's one read of obligations (items, organisations and assignees
# joined) and the reopen requests of those whose entry has closed; the year; the unread count.
# As before assignees: naming them added a join, not a query. The person's own duties
# (个人履责, #19.1) are one more read.
MY_WORK_QUERIES = 8


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_my_work_reads_as_many_queries_for_one_assigned_obligation_as_for_many(
    branch: Branch, as_user, django_assert_num_queries
) -> None:
    world = branch.world
    first, *rest = (
        Obligation.objects.filter(organisation=world.branch_a, status__in=Obligation.OPEN_STATUSES)
        .filter(due_date__lte=datetime.date(2026, 6, 20))
        .select_related("year", "organisation")
        .order_by("due_date", "pk")
    )
    assert len(rest) >= 5
    client = as_user(branch.officer)
    assign(branch, first, branch.officer)
    client.get(reverse("my_work"))  # the person's caches are warm, as on any later page
    my_work_queries(client, django_assert_num_queries, MY_WORK_QUERIES)
    for obligation in rest:
        assign(branch, obligation, branch.officer)
    assert len(listed(selectors.my_work(branch.officer, today=TODAY).mine)) == len(rest) + 1
    my_work_queries(client, django_assert_num_queries, MY_WORK_QUERIES)


# --- demo --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_the_demo_gives_the_officer_work_of_his_own_and_names_a_colleague() -> None:
    from responsibility import demo

    context = demo.seed_demo()
    officer = context.users["officer"]
    work = selectors.my_work(officer, today=TODAY)
    assert len(listed(work.mine)) == 3
    named = {o.assignee.username for o in work.organisation.this_period if o.assignee}
    assert named == {"czt-zb1-jz"}  # the branch's part-time cadre, for one item all year
    demo.seed_demo()  # a second run keeps what was assigned
    assert Obligation.objects.filter(assignee=officer).count() == 3
