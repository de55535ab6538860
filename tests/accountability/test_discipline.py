"""The 机关纪委 acts (issue #20.6): it has a 监督责任 checklist with obligations and a result,
and its officers record findings in their own unit and follow them into rectifications."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from accountability.models import Finding, Rectification
from assessment import results
from assessment.models import AnnualResult
from responsibility import scope
from responsibility.models import Checklist, Obligation, Organisation, Post, Tier, User
from tests.factories import UserFactory, World, activate_year, make_world, org, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_june")]


class Discipline:
    def __init__(self, world: World, committee: Organisation, staff: User) -> None:
        self.world = world
        self.committee = committee
        self.staff = staff


@pytest.fixture
def discipline(db) -> Discipline:
    """The two-unit world with unit A's 机关纪委 (its secretary) in place before 2026 starts."""
    world = make_world()
    committee = org("A-JGJW", Tier.Kind.DISCIPLINE_COMMITTEE, world.unit_a, "甲厅机关纪委")
    staff = UserFactory(username="jw_a", full_name="纪委书记")
    post(staff, committee, Post.Kind.SECRETARY)
    world.year = activate_year(world)
    return Discipline(world, committee, staff)


def test_it_gives_the_discipline_committee_a_checklist_with_obligations(
    discipline: Discipline,
) -> None:
    checklist = Checklist.objects.get(organisation=discipline.committee, year=discipline.world.year)
    items = list(checklist.items.all())
    assert len(items) == 15
    assert sum((item.points for item in items), Decimal(0)) == Decimal(100)
    assert {"纪律建设", "政治建设"} <= {item.group for item in items}
    assert all(item.source for item in items)
    assert Obligation.objects.filter(organisation=discipline.committee).count() > 20


def test_it_scores_the_discipline_committee_in_the_years_results(discipline: Discipline) -> None:
    results.results_compute(actor=None, year=discipline.world.year)
    result = AnnualResult.objects.get(organisation=discipline.committee, is_current=True)
    assert result.grade
    assert result.rank_in_tier == 1  # the only 机关纪委: ranked within its own tier


def test_it_lets_its_officer_record_a_finding_in_their_unit(
    discipline: Discipline, as_user
) -> None:
    world = discipline.world
    client = as_user(discipline.staff)
    form = client.get(reverse("finding_create")).context["form"]
    offered = set(form.fields["organisation"].queryset)
    assert world.branch_a in offered
    assert world.organ_a in offered
    assert discipline.committee not in offered  # never its own organisation
    assert not {world.branch_b, world.organ_b, world.unit_b} & offered  # nor another unit's

    response = client.post(
        reverse("finding_create"),
        {
            "organisation": world.branch_a.pk,
            "found_on": "2026-06-10",
            "severity": "major",
            "problem": "廉洁提醒未覆盖全体党员",
        },
    )
    finding = Finding.objects.get()
    assert response["Location"] == finding.get_absolute_url()
    assert (finding.organisation, finding.recorded_by) == (world.branch_a, discipline.staff)

    refused = client.post(
        reverse("finding_create"),
        {
            "organisation": world.branch_b.pk,
            "found_on": "2026-06-10",
            "severity": "minor",
            "problem": "越界",
        },
    )
    assert refused.status_code == 200
    assert "选择一个有效的选项" in refused.content.decode()
    assert Finding.objects.count() == 1


def test_it_follows_its_finding_into_a_rectification(discipline: Discipline, as_user) -> None:
    world = discipline.world
    client = as_user(discipline.staff)
    client.post(
        reverse("finding_create"),
        {
            "organisation": world.branch_a.pk,
            "found_on": "2026-06-10",
            "severity": "major",
            "problem": "问题线索台账缺项",
        },
    )
    finding = Finding.objects.get()
    detail = client.get(finding.get_absolute_url()).content.decode()
    assert reverse("rectification_from_source") in detail  # it may assign from here

    response = client.post(
        reverse("rectification_from_source"),
        {
            "source_type": "finding",
            "source_id": finding.pk,
            "problem": finding.problem,
            "deadline": "2026-07-31",
            "responsible_person": world.officer_a.pk,
        },
    )
    rectification = Rectification.objects.get()
    assert response["Location"] == rectification.get_absolute_url()
    assert (rectification.source_type, rectification.source_id) == ("finding", finding.pk)
    assert rectification.organisation == world.branch_a

    assert client.get(rectification.get_absolute_url()).status_code == 200
    listed = client.get(reverse("finding_detail", args=[finding.pk])).content.decode()
    assert rectification.get_absolute_url() in listed
    # Verifying (复查销号) stays with the upper tier's reviewers.
    assert not scope.can(discipline.staff, "review", rectification)


def test_it_keeps_its_officers_out_of_other_units_and_reviews(discipline: Discipline) -> None:
    world = discipline.world
    staff = discipline.staff
    assert scope.can(staff, "supervise", world.party_group_a)
    assert scope.can(staff, "assign", world.branch_a2)
    assert not scope.can(staff, "supervise", discipline.committee)
    assert not scope.can(staff, "assign", discipline.committee)
    assert not scope.can(staff, "review", world.branch_a)
    assert not scope.can(staff, "view", world.branch_b)
    assert not scope.can(staff, "supervise", world.branch_b)
    # Their own 机关纪委 is theirs to fill in, and the working committee's to review.
    assert scope.can(staff, "fill", discipline.committee)
    assert scope.can(world.wc_reviewer, "review", discipline.committee)
    assert not scope.can(world.unit_a_reviewer, "review", discipline.committee)
