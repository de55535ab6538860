"""The assessment and accountability parts of the province seed (`seed_demo --scale province`),
at a small size on PostgreSQL: what the benchmark's scoring, results, ledger and dashboard pages
and the export read must be there and consistent; and the people's own duties (个人履责, #19.5)
with their person results."""

import datetime
from collections import Counter

import pytest
from django.db.models import F

from accountability import demo as accountability_demo
from accountability.models import Rectification
from assessment import demo as assessment_demo
from assessment.models import (
    AnnualResult,
    DutyReport,
    ItemScore,
    LedgerEntry,
    OrganisationReview,
    PersonResult,
    Vote,
)
from responsibility.demo_province import ProvinceSize, root_key, seed_province
from responsibility.models import (
    Checklist,
    ChecklistItem,
    LeaderLink,
    PersonalDuty,
    PersonalDutyTemplate,
    PersonalObligation,
    Post,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres(reason="the province seed is PostgreSQL"),
]

SMALL = ProvinceSize(units=4, branches=40, people=300)
TODAY = datetime.date(2026, 10, 15)  # three quarterly rounds have opened (Mar, Jun, Sep 20)


@pytest.fixture
def province():
    context = seed_province(SMALL, today=TODAY)
    assessment_demo.seed_province(context, today=TODAY)
    accountability_demo.seed_province(context, today=TODAY)
    return context


def test_every_organisation_is_scored_in_every_opened_round(province) -> None:
    checklists = Checklist.objects.filter(year=province.year).count()
    assert province.counts["review_rounds"] == 3
    assert OrganisationReview.objects.count() == 3 * checklists
    items = ChecklistItem.objects.filter(checklist__year=province.year).count()
    assert ItemScore.objects.count() == 3 * items == province.counts["item_scores"]
    # Earlier rounds are published; the latest still has reviews being scored and checked.
    states = set(
        OrganisationReview.objects.filter(round__quarter=3).values_list("status", flat=True)
    )
    assert {"draft", "submitted", "published"} <= states
    assert not OrganisationReview.objects.filter(round__quarter=1).exclude(status="published")


def test_deductions_carry_reasons_and_stay_in_range(province) -> None:
    deducted = ItemScore.objects.filter(score__lt=F("max_points"))
    assert deducted.exists()
    assert not deducted.filter(reason="")
    assert not ItemScore.objects.filter(score__lt=0)
    assert not ItemScore.objects.filter(score__gt=F("max_points"))
    assert not ItemScore.objects.filter(score=F("max_points")).exclude(reason="")


def test_reports_votes_ledger_and_published_results(province) -> None:
    checklists = Checklist.objects.filter(year=province.year).count()
    assert DutyReport.objects.filter(submitted_at__isnull=False).count() == checklists
    assert Vote.objects.count() == 2 * checklists
    assert LedgerEntry.objects.filter(status="approved").exists()
    assert LedgerEntry.objects.filter(status="pending").exists()
    results = AnnualResult.objects.filter(year=province.year, is_current=True)
    assert results.count() == checklists
    assert not results.filter(published_at__isnull=True)
    assert results.values("grade").distinct().count() >= 2


def test_rectifications_span_states_with_overdue_ones(province) -> None:
    rectifications = Rectification.objects.all()
    assert rectifications.count() == province.counts["rectifications"] > 0
    assert set(rectifications.values_list("state", flat=True)) == set(Rectification.State)
    assert rectifications.filter(state__in=Rectification.OPEN_STATES, deadline__lt=TODAY)
    assert rectifications.filter(state__in=Rectification.OPEN_STATES, deadline__gte=TODAY)
    assert not rectifications.filter(state="closed", closed_at__isnull=True)
    assert rectifications.filter(source_type="item_score").exists()
    assert rectifications.filter(source_type="finding").exists()
    # Every item-score source is a real deduction of the same organisation.
    for rectification in rectifications.filter(source_type="item_score"):
        score = ItemScore.objects.select_related("review").get(pk=rectification.source_id)
        assert score.review.organisation_id == rectification.organisation_id
        assert score.score < score.max_points


def test_post_holders_have_personal_duties_filled_in(province) -> None:
    year = province.year
    templated = {
        (tier, kind)
        for tier, kind in PersonalDutyTemplate.objects.filter(is_active=True).values_list(
            "tier_id", "post_kind"
        )
    }
    holders = {
        (user_id, organisation_id)
        for user_id, organisation_id, tier, kind in Post.objects.filter(
            end_date__isnull=True
        ).values_list("user_id", "organisation_id", "organisation__tier_id", "kind")
        if (tier, kind) in templated
    }
    assert len(holders) > 100
    with_duties = set(
        PersonalDuty.objects.filter(year=year).values_list("person_id", "organisation_id")
    )
    assert with_duties == holders
    obligations = PersonalObligation.objects.filter(year=year)
    assert province.counts["personal_obligations"] == obligations.count() > len(holders)
    # Filled in like the organisations': most done, some late, some overdue, some with evidence.
    past = obligations.filter(due_date__lt=TODAY)
    assert past.filter(status="done").count() > 0.8 * past.count()
    assert past.filter(status="done", is_late=True).exists()
    assert past.filter(status="not_started").exists()  # overdue
    assert not past.filter(status="done", completed_on__isnull=True)
    assert obligations.filter(evidence__isnull=False).exists()
    assert obligations.filter(status="done", evidence__isnull=True).exists()
    assert not obligations.filter(status="done", is_late=False, completed_on__gt=F("due_date"))


def test_party_group_leaders_have_contact_branches(province) -> None:
    leaders = Post.objects.filter(
        organisation__tier__kind="party_group",
        kind__in=["secretary", "deputy_secretary", "committee_member"],
    )
    contacts = LeaderLink.objects.filter(kind="contact")
    assert set(contacts.values_list("person_id", flat=True)) == set(
        leaders.values_list("user_id", flat=True)
    )
    for link in contacts.select_related("organisation", "person"):
        assert link.organisation.tier.kind == "branch"
        assert link.person.posts.filter(organisation__unit_id=link.organisation.unit_id).exists()
    in_charge = LeaderLink.objects.filter(kind="in_charge")
    assert in_charge.exists()
    assert not in_charge.filter(department="")
    # The 党组书记 is 第一责任人 for the whole: no 分管 department of their own.
    assert not in_charge.filter(
        person__posts__kind="secretary", person__posts__organisation__tier__kind="party_group"
    )


def test_a_leader_has_duties_and_a_published_person_result(province) -> None:
    secretary = province.users["party_secretary"]
    assert PersonalDuty.objects.filter(year=province.year, person=secretary).exists()
    assert LeaderLink.objects.filter(person=secretary, kind="contact").exists()
    result = PersonResult.objects.get(year=province.year, person=secretary, is_current=True)
    assert result.published_at is not None
    assert result.duties_score is not None
    results = PersonResult.objects.filter(year=province.year, is_current=True)
    assert results.count() >= PersonalDuty.objects.values("person").distinct().count()
    assert not results.filter(published_at__isnull=True)
    # The rectifications assigned after publication count: their people got a new version.
    assert province.counts["person_results_refreshed"] > 0
    assert results.filter(version__gt=1, reason__contains="整改").exists()
    assert results.filter(rectification_points__gt=0).exists()
    assert not results.filter(stale_since__isnull=False)


def test_every_copy_of_a_growth_seed_gets_personal_duties() -> None:
    """`seed_demo --multiplier K` (the growth runs): each province's post-holders have duties,
    filled in, and its 党组 leaders their links, like the first's."""
    context = seed_province(SMALL, copies=2, today=TODAY)

    def per_copy(rows) -> Counter:
        return Counter(root_key(path) for path in rows)

    duties = per_copy(
        PersonalDuty.objects.filter(year=context.year).values_list("organisation__path", flat=True)
    )
    done = per_copy(
        PersonalObligation.objects.filter(year=context.year, status="done").values_list(
            "organisation__path", flat=True
        )
    )
    links = per_copy(LeaderLink.objects.values_list("organisation__path", flat=True))
    for counts in (duties, done, links):
        assert len(counts) == 2
        first, second = counts.values()
        assert 0.8 * first <= second <= 1.2 * first
