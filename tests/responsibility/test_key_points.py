"""The key-points cascade (issue #20.5): a 机关党委's key-points list (its checklist) is read by
the branches below it, a branch item answers one point, and the page shows each point's progress
across the branches and the opinions (意见建议) naming it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from responsibility import scope, selectors, services
from responsibility.models import AuditEntry, ChecklistItem, Obligation, Opinion, Organisation
from tests.factories import World, activate_year, make_world

JUNE = datetime.date(2026, 6, 15)  # the `in_june` fixture's day


def point(organ: Organisation, ref: str = "JG-3-03") -> ChecklistItem:
    return ChecklistItem.objects.get(
        checklist__organisation=organ, checklist__year__year=2026, ref=ref
    )


def branch_item(branch: Organisation, ref: str) -> ChecklistItem:
    return ChecklistItem.objects.select_related("checklist__year").get(
        checklist__organisation=branch, checklist__year__year=2026, ref=ref
    )


def link(branch: Organisation, ref: str, key_point: ChecklistItem) -> ChecklistItem:
    ChecklistItem.objects.filter(
        checklist__organisation=branch, checklist__year__year=2026, ref=ref
    ).update(parent_item=key_point)
    return branch_item(branch, ref)


def page_url(world: World, organ: Organisation | None = None) -> str:
    return reverse("key_point_list", args=[(organ or world.organ_a).pk, 2026])


# --- who reads the key points ------------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_a_branch_officer_read_their_organ_committees_key_points(
    active_world: World, as_user
) -> None:
    response = as_user(active_world.officer_a).get(page_url(active_world))
    assert response.status_code == 200
    refs = [row.ref for row in response.context["page"].points]
    assert "JG-1-02" in refs
    assert "JG-3-03" in refs
    assert "甲厅机关党委" in response.content.decode()
    # Reading the key points gives nothing else of the 机关党委: its own pages stay closed.
    assert response.context["can_view_checklist"] is False
    checklist = reverse("checklist_detail", args=[active_world.organ_a.pk, 2026])
    assert as_user(active_world.officer_a).get(checklist).status_code == 404


@pytest.mark.django_db
def test_it_hides_the_key_points_of_another_unit(active_world: World, as_user) -> None:
    world = active_world
    assert as_user(world.officer_b).get(page_url(world)).status_code == 404
    assert as_user(world.officer_a).get(page_url(world, world.organ_b)).status_code == 404
    assert as_user(world.member).get(page_url(world, world.organ_b)).status_code == 404


@pytest.mark.django_db
def test_it_gives_the_right_to_the_organ_committee_above_ones_branch_only(world: World) -> None:
    covered = set(scope.organisations_for(world.officer_a, "read_key_points"))
    assert world.organ_a in covered
    assert world.branch_a in covered
    assert world.unit_a not in covered  # the unit's and the committee's lists are not theirs
    assert world.committee not in covered
    assert world.organ_b not in covered
    for organisation in Organisation.objects.all():
        answer = scope.can(world.officer_a, "read_key_points", organisation)
        assert answer == (organisation in covered), organisation.code


@pytest.mark.django_db
def test_it_has_a_key_points_page_only_for_an_organ_committee(active_world: World, as_user) -> None:
    url = reverse("key_point_list", args=[active_world.branch_a.pk, 2026])
    assert as_user(active_world.officer_a).get(url).status_code == 404


# --- progress across the branches ---------------------------------------------------------------


@pytest.mark.django_db
def test_it_counts_the_answering_items_obligations_across_the_branches(
    active_world: World,
) -> None:
    world = active_world
    key_point = point(world.organ_a)
    monthly = link(world.branch_a, "ZB-3-02", key_point)  # 12 committee meetings
    quarterly = link(world.branch_a2, "ZB-3-01", key_point)  # 4 members' meetings
    first_two = Obligation.objects.filter(item=monthly).order_by("period_start")[:2]
    Obligation.objects.filter(pk__in=[o.pk for o in first_two]).update(
        status=Obligation.Status.DONE, completed_on=datetime.date(2026, 2, 5)
    )
    q4 = Obligation.objects.get(item=quarterly, period_start=datetime.date(2026, 10, 1))
    Obligation.objects.filter(pk=q4.pk).update(
        status=Obligation.Status.NOT_APPLICABLE  # closed out before it is due: counts as done
    )
    monthly_past_due = Obligation.objects.filter(item=monthly, due_date__lt=JUNE).count()
    quarterly_past_due = Obligation.objects.filter(item=quarterly, due_date__lt=JUNE).count()
    assert (monthly_past_due, quarterly_past_due) == (5, 1)  # Jan-May; Q1

    page = selectors.key_points_page(world.unit_a_reviewer, world.organ_a, world.year, today=JUNE)

    row = next(p for p in page.points if p.ref == "JG-3-03")
    assert (row.branches, row.items, row.total) == (2, 2, 16)
    assert row.done == 3
    assert row.overdue == (monthly_past_due - 2) + quarterly_past_due == 4
    assert row.due == 7
    assert row.percent == 43  # 3 of the 7 that count
    untouched = next(p for p in page.points if p.ref == "JG-1-02")
    assert (untouched.items, untouched.total, untouched.percent) == (0, 0, 0)
    assert page.answered == 1
    assert page.branch_count == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_shows_the_figures_on_the_page(active_world: World, as_user) -> None:
    world = active_world
    link(world.branch_a, "ZB-3-02", point(world.organ_a))
    html = as_user(world.officer_a).get(page_url(world)).content.decode()
    anchor = f'id="kp-{point(world.organ_a).pk}"'
    assert anchor in html
    row = html[html.index(anchor) :].split("</tr>")[0]
    assert "0 / 5" in row  # none of January to May's committee meetings done
    assert "0%" in row


# The page's fixed reads: session, user, the organisation, posts, the year, the points, one
# aggregate over the answering items and their obligations, the opinions, the branch count, and
# the navigation's unread count.
KEY_POINTS_QUERIES = 10


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
@pytest.mark.parametrize("extra", [0, 4])
def test_it_builds_the_page_in_a_fixed_number_of_queries(
    as_user, django_assert_num_queries, extra: int
) -> None:
    """The same count with two branches or six, each answering points and giving an opinion."""
    world = make_world(extra_branches=extra)
    world.year = activate_year(world)
    branches = Organisation.objects.filter(parent=world.organ_a)
    assert branches.count() == 2 + extra
    for branch in branches:
        for ref, key in (("ZB-3-02", "JG-3-03"), ("ZB-2-01", "JG-2-01")):
            link(branch, ref, point(world.organ_a, key))
        opinion = Opinion.objects.create(organisation=branch, year=world.year, content="建议")
        opinion.key_points.set([point(world.organ_a), point(world.organ_a, "JG-2-01")])
    client = as_user(world.unit_a_reviewer)
    with django_assert_num_queries(KEY_POINTS_QUERIES):
        response = client.get(page_url(world))
    row = next(p for p in response.context["page"].points if p.ref == "JG-3-03")
    assert (row.branches, len(row.opinions)) == (2 + extra, 2 + extra)


# --- a branch item answers a point --------------------------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_point_an_item_answers_on_the_checklist_and_obligation_pages(
    active_world: World, as_user
) -> None:
    world = active_world
    key_point = point(world.organ_a)
    item = link(world.branch_a, "ZB-3-02", key_point)
    target = f"{page_url(world)}#kp-{key_point.pk}"
    client = as_user(world.member)
    checklist = client.get(reverse("checklist_detail", args=[world.branch_a.pk, 2026]))
    assert target in checklist.content.decode()
    obligation = Obligation.objects.filter(item=item).first()
    assert obligation is not None
    detail = client.get(reverse("obligation_detail", args=[obligation.pk]))
    assert target in detail.content.decode()
    # The member reads where the link leads.
    assert client.get(page_url(world)).status_code == 200


@pytest.mark.django_db
def test_it_lets_the_branch_officer_link_an_item_to_a_point_of_its_own_organ_committee(
    active_world: World, as_user
) -> None:
    world = active_world
    item = branch_item(world.branch_a, "ZB-3-02")
    url = reverse("checklist_item_key_point", args=[item.pk])
    client = as_user(world.officer_a)
    form = client.get(url)
    offered = set(form.context["form"].fields["key_point"].queryset)
    assert offered == set(ChecklistItem.objects.filter(checklist__organisation=world.organ_a))
    key_point = point(world.organ_a)
    response = client.post(url, {"key_point": key_point.pk, "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.parent_item == key_point
    entry = AuditEntry.objects.get(action="checklist_item.key_point")
    assert entry.changes["key_point"][0] is None
    assert entry.changes["key_point"][1].startswith("JG-3-03")
    # Another unit's point is not offered; the service refuses it too.
    foreign = point(world.organ_b)
    refused = client.post(url, {"key_point": foreign.pk, "version": item.version})
    assert refused.status_code == 200
    assert refused.context["form"].errors["key_point"]
    with pytest.raises(services.ServiceError, match="机关党委"):
        services.checklist_item_key_point_set(
            actor=world.officer_a, item=item, key_point=foreign, version=item.version
        )
    item.refresh_from_db()
    assert item.parent_item == key_point
    # Unlinking is allowed.
    client.post(url, {"key_point": "", "version": item.version})
    item.refresh_from_db()
    assert item.parent_item is None


@pytest.mark.django_db
def test_it_refuses_a_point_of_another_year(active_world: World) -> None:
    world = active_world
    later = services.year_create(actor=None, year=2027)
    services.checklists_create(actor=None, year=later)
    next_year_point = ChecklistItem.objects.get(
        checklist__organisation=world.organ_a, checklist__year=later, ref="JG-3-03"
    )
    item = branch_item(world.branch_a, "ZB-3-02")
    with pytest.raises(services.ServiceError):
        services.checklist_item_key_point_set(
            actor=world.officer_a, item=item, key_point=next_year_point, version=item.version
        )


@pytest.mark.django_db
def test_it_keeps_the_link_form_to_the_branch_officer(active_world: World, as_user) -> None:
    world = active_world
    url = reverse("checklist_item_key_point", args=[branch_item(world.branch_a, "ZB-3-02").pk])
    assert as_user(world.member).get(url).status_code == 403
    assert as_user(world.unit_a_reviewer).get(url).status_code == 403
    assert as_user(world.officer_b).get(url).status_code == 404


# --- opinions name the points they address ------------------------------------------------------


@pytest.mark.django_db
def test_it_lists_an_opinion_under_the_points_it_addresses(active_world: World, as_user) -> None:
    world = active_world
    key_point, other = point(world.organ_a), point(world.organ_a, "JG-7-01")
    officer = as_user(world.officer_a)
    opinion_url = reverse("opinion_edit", args=[world.branch_a.pk, 2026])
    response = officer.post(
        opinion_url, {"content": "建议加强三会一课指导", "key_points": [key_point.pk, other.pk]}
    )
    assert response.status_code == 302
    opinion = Opinion.objects.get(organisation=world.branch_a)
    assert set(opinion.key_points.all()) == {key_point, other}
    # The opinion's page links the points; the key-points page lists the opinion under each.
    assert f"{page_url(world)}#kp-{key_point.pk}" in officer.get(opinion_url).content.decode()
    page = officer.get(page_url(world)).context["page"]
    named = {p.ref: [o.organisation for o in p.opinions] for p in page.points}
    assert named["JG-3-03"] == named["JG-7-01"] == ["甲厅第一党支部"]
    assert named["JG-1-01"] == []
    html = officer.get(page_url(world)).content.decode()
    assert "建议加强三会一课指导" in html
    assert opinion_url in html


@pytest.mark.django_db
def test_it_shows_a_branch_officer_only_their_own_branchs_opinions(
    active_world: World, as_user
) -> None:
    world = active_world
    other = Opinion.objects.create(organisation=world.branch_a2, year=world.year, content="二支部")
    other.key_points.set([point(world.organ_a)])

    def named(user) -> list[str]:
        page = as_user(user).get(page_url(world)).context["page"]
        return [o.organisation for p in page.points for o in p.opinions]

    assert named(world.officer_a) == []
    assert named(world.unit_a_reviewer) == ["甲厅第二党支部"]


@pytest.mark.django_db
def test_it_refuses_an_opinion_naming_another_units_point(active_world: World) -> None:
    world = active_world
    with pytest.raises(services.ServiceError, match="机关党委"):
        services.opinion_submit(
            actor=world.officer_a,
            organisation=world.branch_a,
            year=world.year,
            content="建议",
            key_points=[point(world.organ_b)],
        )
    assert not Opinion.objects.exists()


# --- the demo -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_seeds_the_demo_branches_answering_key_points(as_user) -> None:
    from responsibility.demo import OFFICER_BRANCH, seed_demo

    context = seed_demo()
    branch = context.organisations[OFFICER_BRANCH]
    organ = context.organisations["CZT-JGDW"]
    meetings = ChecklistItem.objects.select_related("parent_item__checklist").get(
        checklist__organisation=branch, checklist__year=context.year, ref="ZB-3-02"
    )
    assert meetings.parent_item is not None
    assert meetings.parent_item.ref == "JG-3-03"
    assert meetings.parent_item.checklist.organisation == organ
    unlinked = ChecklistItem.objects.filter(
        checklist__organisation__tier__kind="branch", parent_item__isnull=True
    )
    assert not unlinked.exists()
    opinion = Opinion.objects.get(organisation=branch, year=context.year)
    assert sorted(p.ref for p in opinion.key_points.all()) == ["JG-3-03", "JG-7-01"]
    response = as_user(context.users["officer"]).get(
        reverse("key_point_list", args=[organ.pk, context.year.year])
    )
    assert response.status_code == 200
    row = next(p for p in response.context["page"].points if p.ref == "JG-3-03")
    assert row.branches == 4  # the 财政厅's four branches
    assert [o.organisation for o in row.opinions] == [branch.name]


@pytest.mark.django_db
def test_it_links_the_points_an_opinion_names_on_the_reviewers_list(
    active_world: World, as_user
) -> None:
    world = active_world
    key_point = point(world.organ_a)
    services.opinion_submit(
        actor=world.officer_a,
        organisation=world.branch_a,
        year=world.year,
        content="建议",
        key_points=[key_point],
    )
    html = as_user(world.unit_a_reviewer).get(reverse("opinion_list")).content.decode()
    assert f"{page_url(world)}#kp-{key_point.pk}" in html
