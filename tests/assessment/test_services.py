"""Assessment services: scheme rules, scoring workflow, ledger, votes, results."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from assessment import results, selectors, services
from assessment.models import (
    AnnualResult,
    DutyReport,
    Grade,
    ItemScore,
    OrganisationReview,
    Vote,
)
from responsibility.models import AuditEntry, Obligation
from responsibility.services import ConcurrentEditError
from tests.assessment.conftest import started_review
from tests.factories import World


@pytest.mark.django_db
class TestScheme:
    def test_it_refuses_weights_that_do_not_sum_to_100(self, active_world: World) -> None:
        scheme = selectors.scheme_for(active_world.year)
        with pytest.raises(services.AssessmentError, match="100"):
            services.scheme_update(
                actor=active_world.admin,
                scheme=scheme,
                version=scheme.version,
                weight_process=D(40),
            )
        scheme.refresh_from_db()
        assert scheme.weight_process == D(30)

    def test_it_saves_a_valid_scheme_and_audits_it(self, active_world: World) -> None:
        scheme = selectors.scheme_for(active_world.year)
        services.scheme_update(
            actor=active_world.admin,
            scheme=scheme,
            version=scheme.version,
            weight_process=D(20),
            weight_year_end=D(50),
        )
        assert AuditEntry.objects.filter(action="scheme.update").exists()
        with pytest.raises(ConcurrentEditError):
            services.scheme_update(
                actor=active_world.admin, scheme=scheme, version=1, weight_process=D(20)
            )

    def test_it_defaults_to_the_domain_values(self, active_world: World) -> None:
        scheme = selectors.scheme_for(active_world.year)
        assert (scheme.weight_process, scheme.weight_quarterly, scheme.weight_year_end) == (
            30,
            30,
            40,
        )
        assert scheme.vote_value("fairly_good") == 80
        assert scheme.grade_for(D("89.99")) == Grade.FAIRLY_GOOD


@pytest.mark.django_db
class TestReviewWorkflow:
    def scores(self, review, **by_ref):
        rows = {s.item.ref: s for s in review.scores.select_related("item")}
        return [
            services.ScoreInput(item_id=rows[ref].item_id, score=D(score), reason=reason)
            for ref, (score, reason) in by_ref.items()
        ]

    def test_it_goes_from_draft_to_published(self, assessed_world: World) -> None:
        world = assessed_world
        review = started_review(world)
        assert review.scores.count() > 10
        services.review_scores_save(
            actor=world.wc_reviewer,
            review=review,
            version=review.version,
            scores=self.scores(review, **{"ZB-3-02": ("5", "5月支委会未召开")}),
        )
        services.review_transition(actor=world.wc_reviewer, review=review, action="submit")
        with pytest.raises(services.AssessmentError, match="评分人以外"):
            services.review_transition(actor=world.wc_reviewer, review=review, action="confirm")
        services.review_transition(
            actor=world.wc_reviewer2, review=review, action="return", comment="理由不充分"
        )
        assert review.status == OrganisationReview.Status.RETURNED
        services.review_transition(actor=world.wc_reviewer, review=review, action="submit")
        services.review_transition(actor=world.wc_reviewer2, review=review, action="confirm")
        services.review_transition(actor=world.wc_reviewer2, review=review, action="publish")
        assert review.status == OrganisationReview.Status.PUBLISHED
        actions = list(
            AuditEntry.objects.filter(
                object_id=str(review.pk), object_type="assessment.organisationreview"
            )
            .order_by("at", "pk")
            .values_list("action", flat=True)
        )
        assert actions == [
            "review.start",
            "review.score",
            "review.submit",
            "review.return",
            "review.submit",
            "review.confirm",
            "review.publish",
        ]

    def test_it_requires_a_reason_for_each_deduction(self, assessed_world: World) -> None:
        review = started_review(assessed_world)
        with pytest.raises(services.AssessmentError, match="理由"):
            services.review_scores_save(
                actor=assessed_world.wc_reviewer,
                review=review,
                version=review.version,
                scores=self.scores(review, **{"ZB-3-02": ("5", " ")}),
            )

    def test_it_refuses_a_score_outside_the_item_points(self, assessed_world: World) -> None:
        review = started_review(assessed_world)
        with pytest.raises(services.AssessmentError, match="之间"):
            services.review_scores_save(
                actor=assessed_world.wc_reviewer,
                review=review,
                version=review.version,
                scores=self.scores(review, **{"ZB-3-02": ("7", "多给")}),
            )

    def test_the_database_refuses_a_score_outside_the_item_points(
        self, assessed_world: World
    ) -> None:
        review = started_review(assessed_world)
        row = review.scores.first()
        with pytest.raises(IntegrityError), transaction.atomic():
            ItemScore.objects.filter(pk=row.pk).update(score=row.max_points + 1, reason="x")
        with pytest.raises(IntegrityError), transaction.atomic():
            ItemScore.objects.filter(pk=row.pk).update(score=-1, reason="x")
        with pytest.raises(IntegrityError), transaction.atomic():
            ItemScore.objects.filter(pk=row.pk).update(score=0, reason="")

    def test_a_reviewer_cannot_score_their_own_organisation(self, assessed_world: World) -> None:
        world = assessed_world
        review = services.review_start(
            actor=world.admin, review_round=world.round, organisation=world.organ_a
        )
        with pytest.raises(services.AssessmentError, match="本人任职"):
            services.review_scores_save(
                actor=world.unit_a_reviewer, review=review, version=review.version, scores=[]
            )

    def test_it_detects_concurrent_scoring(self, assessed_world: World) -> None:
        world = assessed_world
        review = started_review(world)
        stale = review.version
        services.review_scores_save(
            actor=world.wc_reviewer, review=review, version=stale, scores=[]
        )
        with pytest.raises(ConcurrentEditError):
            services.review_scores_save(
                actor=world.wc_reviewer2, review=review, version=stale, scores=[]
            )


@pytest.mark.django_db
class TestLedgerAndVotes:
    def test_a_ledger_entry_needs_a_second_reviewer(self, assessed_world: World) -> None:
        world = assessed_world
        entry = services.ledger_propose(
            actor=world.wc_reviewer,
            organisation=world.branch_a,
            year=world.year,
            kind="bonus",
            points=D(2),
            reason="经验被推广",
        )
        with pytest.raises(services.AssessmentError, match="提出人以外"):
            services.ledger_decide(actor=world.wc_reviewer, entry=entry, approve=True)
        services.ledger_decide(actor=world.wc_reviewer2, entry=entry, approve=True)
        assert entry.status == "approved"

    def report(self, world: World) -> DutyReport:
        report = services.report_save(
            actor=world.officer_a,
            organisation=world.branch_a,
            year=world.year,
            text="述职报告正文",
            version=None,
            submit=True,
            today=datetime.date(2026, 12, 20),
        )
        services.report_raters_set(
            actor=world.wc_reviewer, report=report, raters=[world.wc_reviewer, world.wc_reviewer2]
        )
        return report

    def test_a_second_vote_replaces_the_first(self, assessed_world: World) -> None:
        world = assessed_world
        report = self.report(world)
        services.vote_cast(actor=world.wc_reviewer, report=report, choice="good")
        services.vote_cast(actor=world.wc_reviewer, report=report, choice="average")
        assert list(Vote.objects.filter(report=report).values_list("choice", flat=True)) == [
            "average"
        ]
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(report=report, rater=world.wc_reviewer, choice="good")

    def test_only_configured_raters_vote_and_only_until_closing(
        self, assessed_world: World
    ) -> None:
        world = assessed_world
        report = self.report(world)
        with pytest.raises(services.AssessmentError, match="评议人"):
            services.vote_cast(actor=world.unit_a_reviewer, report=report, choice="good")
        services.meeting_close(actor=world.wc_reviewer, report=report)
        with pytest.raises(services.AssessmentError, match="结束"):
            services.vote_cast(actor=world.wc_reviewer2, report=report, choice="good")

    def test_a_report_cannot_be_submitted_after_the_deadline(self, assessed_world: World) -> None:
        scheme = selectors.scheme_for(assessed_world.year)
        scheme.report_deadline = datetime.date(2027, 1, 31)
        scheme.save()
        with pytest.raises(services.AssessmentError, match="截止"):
            services.report_save(
                actor=assessed_world.officer_a,
                organisation=assessed_world.branch_a,
                year=assessed_world.year,
                text="迟交",
                version=None,
                submit=True,
                today=datetime.date(2027, 2, 1),
            )


def mark_all_done(world: World, organisation) -> None:
    """Every obligation of the organisation done on time with evidence, for a clean 100."""
    from tests.factories import make_evidence

    evidence = make_evidence(organisation)
    obligations = list(Obligation.objects.filter(organisation=organisation))
    for obligation in obligations:
        obligation.status = "done"
        obligation.completed_on = obligation.due_date
    Obligation.objects.bulk_update(obligations, ["status", "completed_on"])
    evidence.obligations.add(*obligations)


@pytest.mark.django_db
def test_it_computes_a_result_matching_a_hand_example(assessed_world: World) -> None:
    world = assessed_world
    mark_all_done(world, world.branch_a)  # process 100
    review = started_review(world)
    first = review.scores.select_related("item").order_by("item__sort_order").first()
    # Deduct 10 % of the whole list: 10 points out of 100 → quarterly 90.
    services.review_scores_save(
        actor=world.wc_reviewer,
        review=review,
        version=review.version,
        scores=[
            services.ScoreInput(
                item_id=first.item_id, score=first.max_points - D(first.max_points), reason="未落实"
            )
        ],
    )
    deducted = first.max_points
    for action, actor in (
        ("submit", world.wc_reviewer),
        ("confirm", world.wc_reviewer2),
        ("publish", world.wc_reviewer2),
    ):
        services.review_transition(actor=actor, review=review, action=action)
    report = services.report_save(
        actor=world.officer_a,
        organisation=world.branch_a,
        year=world.year,
        text="述职",
        version=None,
        submit=True,
    )
    services.report_raters_set(
        actor=world.wc_reviewer, report=report, raters=[world.wc_reviewer, world.wc_reviewer2]
    )
    services.vote_cast(actor=world.wc_reviewer, report=report, choice="good")  # 100
    services.vote_cast(actor=world.wc_reviewer2, report=report, choice="fairly_good")  # 80
    entry = services.ledger_propose(
        actor=world.wc_reviewer2,
        organisation=world.branch_a,
        year=world.year,
        kind="deduction",
        points=D("1.5"),
        reason="台账不规范",
    )
    services.ledger_decide(actor=world.wc_reviewer, entry=entry, approve=True)
    results.results_compute(actor=world.admin, year=world.year, as_of=datetime.date(2027, 3, 1))
    result = AnnualResult.objects.get(organisation=world.branch_a, year=world.year, is_current=True)
    quarterly = D(100) - deducted  # the list sums to 100
    # 0.3 × 100 + 0.3 × quarterly + 0.4 × 90 − 1.5
    expected = (D(30) + D("0.3") * quarterly + D(36) - D("1.5")).quantize(D("0.01"))
    assert result.process_score == 100
    assert result.quarterly_score == quarterly
    assert result.year_end_score == 90
    assert result.ledger_points == D("-1.5")
    assert result.composite == expected
    assert result.grade == selectors.scheme_for(world.year).grade_for(expected)


@pytest.mark.django_db
def test_it_versions_a_published_result_and_needs_a_reason(assessed_world: World) -> None:
    world = assessed_world
    as_of = datetime.date(2026, 6, 15)
    results.results_compute(actor=world.admin, year=world.year, as_of=as_of)
    results.results_publish(actor=world.admin, year=world.year)
    first = AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    mark_all_done(world, world.branch_a)
    with pytest.raises(services.AssessmentError, match="原因"):
        results.results_compute(actor=world.admin, year=world.year, as_of=as_of)
    results.results_compute(actor=world.admin, year=world.year, as_of=as_of, reason="补录材料")
    first.refresh_from_db()
    second = AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    assert not first.is_current
    assert first.published_at is not None
    assert second.version == 2
    assert second.reason == "补录材料"
    assert second.composite > first.composite
    # The other organisations did not change and keep their single published version.
    assert AnnualResult.objects.filter(organisation=world.branch_b).count() == 1


@pytest.mark.django_db
def test_a_cap_limits_the_grade(assessed_world: World) -> None:
    world = assessed_world
    mark_all_done(world, world.branch_a)
    services.grade_cap_add(
        actor=world.admin,
        organisation=world.branch_a,
        year=world.year,
        max_grade="average",
        reason="被通报问责",
        source="accountability:1",
    )
    results.results_compute(actor=world.admin, year=world.year, as_of=datetime.date(2026, 6, 15))
    result = AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    assert result.composite == 100
    assert result.grade == Grade.AVERAGE
    # Shown to everyone who sees the result: it names no case (domain.md §8a).
    assert result.grade_note.endswith("；等次按有关规定确定，不高于“一般”")
    assert "问责" not in result.grade_note
