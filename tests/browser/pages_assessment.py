"""The assessment app's pages, appended to MAIN_PAGES (tests/browser/pages.py imports this).

`assessed(site)` builds, once per Site, the objects those pages show, for the current year:
a published review from another quarter, a draft and a submitted review in this quarter's
round, a pending ledger entry, a draft duty report with a rater, computed results, a training
and a finished export job. Browser journeys reuse `publish_review` and `current_quarter`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from assessment import results, services
from assessment.models import (
    AnnualResult,
    DutyReport,
    ExportJob,
    LedgerEntry,
    OrganisationReview,
    ReviewRound,
    Training,
)
from responsibility.models import Organisation, User
from tests.browser.pages import MAIN_PAGES, MainPage, Site

DEDUCTION_REASON = "三季度有一次支委会未按时召开"


def current_quarter(today: datetime.date) -> int:
    return (today.month - 1) // 3 + 1


def round_for(site: Site, quarter: int) -> ReviewRound:
    """The round of that quarter of the site's year, open around today."""
    found = ReviewRound.objects.filter(year=site.year, quarter=quarter).first()
    if found is not None:
        return found
    return services.round_create(
        actor=site.world.admin,
        year=site.year,
        quarter=quarter,
        opens_on=site.today - datetime.timedelta(days=10),
        closes_on=site.today + datetime.timedelta(days=20),
    )


def deduct(
    reviewer: User, review: OrganisationReview, reason: str, points: Decimal = Decimal(1)
) -> OrganisationReview:
    """Take points off the review's first item, with the reason."""
    row = review.scores.select_related("item").order_by("item__sort_order", "item__ref").first()
    return services.review_scores_save(
        actor=reviewer,
        review=review,
        version=review.version,
        scores=[services.ScoreInput(row.item_id, row.max_points - points, reason)],
    )


def publish_review(
    site: Site, organisation: Organisation, quarter: int, reason: str = DEDUCTION_REASON
) -> OrganisationReview:
    """Score (one deduction), submit, confirm and publish through the services."""
    world = site.world
    review = services.review_start(
        actor=world.unit_a_reviewer,
        review_round=round_for(site, quarter),
        organisation=organisation,
    )
    review = deduct(world.unit_a_reviewer, review, reason)
    for actor, action in (
        (world.unit_a_reviewer, "submit"),
        (world.wc_reviewer, "confirm"),
        (world.wc_reviewer, "publish"),
    ):
        review = services.review_transition(actor=actor, review=review, action=action)
    return review


@dataclass
class Assessed:
    round: ReviewRound
    draft: OrganisationReview  # branch A, this quarter, one deduction, editable
    submitted: OrganisationReview  # branch A2, scored by the unit reviewer, awaiting review
    ledger: LedgerEntry
    report: DutyReport
    result: AnnualResult
    training: Training
    job: ExportJob


def other_quarter(quarter: int) -> int:
    return quarter - 1 if quarter > 1 else 2


def assessed(site: Site) -> Assessed:
    found = getattr(site, "assessed", None)
    if found is None:
        found = _build(site)
        site.assessed = found  # type: ignore[attr-defined]
    return found


def _build(site: Site) -> Assessed:
    world, year = site.world, site.year
    quarter = current_quarter(site.today)
    publish_review(site, world.branch_a, other_quarter(quarter))
    review_round = round_for(site, quarter)
    draft = services.review_start(
        actor=world.unit_a_reviewer, review_round=review_round, organisation=world.branch_a
    )
    draft = deduct(world.unit_a_reviewer, draft, "组织生活会记录不完整")
    submitted = services.review_start(
        actor=world.unit_a_reviewer, review_round=review_round, organisation=world.branch_a2
    )
    submitted = deduct(world.unit_a_reviewer, submitted, "缺少主题党日照片")
    submitted = services.review_transition(
        actor=world.unit_a_reviewer, review=submitted, action="submit"
    )
    ledger = services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=year,
        kind=LedgerEntry.Kind.BONUS,
        points=Decimal(2),
        reason="党建品牌获省级表彰",
    )
    report = services.report_save(
        actor=world.officer_a,
        organisation=world.branch_a,
        year=year,
        text="一年来，支部认真履行党建工作责任。\n存在问题：学习形式较单一。",
        version=None,
    )
    services.report_raters_set(
        actor=world.unit_a_reviewer, report=report, raters=[world.unit_a_reviewer]
    )
    results.results_compute(actor=world.admin, year=year)
    result = AnnualResult.objects.get(organisation=world.branch_a, year=year, is_current=True)
    training = services.training_create(
        actor=world.officer_a,
        organiser=world.branch_a,
        held_on=site.today - datetime.timedelta(days=3),
        topic="党支部工作条例专题培训",
        hours=Decimal(4),
    )
    services.training_attendance_add(
        actor=world.officer_a, training=training, attendees=[(world.member, None)]
    )
    job = ExportJob.objects.create(
        requested_by=world.admin,
        year=year,
        organisation_ids=[world.branch_a.pk],
        status=ExportJob.Status.DONE,
        progress=100,
        rows=12,
    )
    return Assessed(
        round=review_round,
        draft=draft,
        submitted=submitted,
        ledger=ledger,
        report=report,
        result=result,
        training=training,
        job=job,
    )


def _year(site: Site) -> int:
    return site.year.year


def _page(name: str, persona: str, path: Callable[[Site], str]) -> MainPage:
    """A main page whose data is built first, whatever order the scans visit the pages in."""

    def built_path(site: Site) -> str:
        assessed(site)
        return path(site)

    return MainPage(f"assessment_{name}", persona, built_path)


def _queue(site: Site) -> str:
    """The committee reviewer's work queue with the quarter being assessed."""
    assessed(site)
    return reverse("work_queue")


def _branch_a(site: Site) -> int:
    return site.world.branch_a.pk


MAIN_PAGES.extend(
    [
        _page("round_list", "admin", lambda s: reverse("round_list")),
        _page(
            "round_detail",
            "unit_a_reviewer",
            lambda s: reverse("review_round_detail", args=[assessed(s).round.pk]),
        ),
        _page("review_score", "unit_a_reviewer", lambda s: assessed(s).draft.get_absolute_url()),
        _page("review_confirm", "wc_reviewer", lambda s: assessed(s).submitted.get_absolute_url()),
        _page(
            "self_assess",
            "officer_a",
            lambda s: reverse("review_self_assess", args=[assessed(s).draft.pk]),
        ),
        _page(
            "organisation_scores",
            "officer_a",
            lambda s: reverse("organisation_scores", args=[_branch_a(s), _year(s)]),
        ),
        _page("ledger_list", "unit_a_reviewer", lambda s: reverse("ledger_list")),
        _page(
            "ledger_form",
            "unit_a_reviewer",
            lambda s: reverse("ledger_propose", args=[_branch_a(s)]),
        ),
        _page(
            "report_edit",
            "officer_a",
            lambda s: reverse("report_edit", args=[_branch_a(s), _year(s)]),
        ),
        _page("report_list", "unit_a_reviewer", lambda s: reverse("report_list")),
        _page("report_detail", "unit_a_reviewer", lambda s: assessed(s).report.get_absolute_url()),
        _page("result_list", "admin", lambda s: reverse("result_list", args=[_year(s)])),
        _page("result_detail", "unit_a_reviewer", lambda s: assessed(s).result.get_absolute_url()),
        _page("scheme_form", "admin", lambda s: reverse("scheme_edit", args=[_year(s)])),
        _page("dashboard", "wc_reviewer", lambda s: reverse("assessment_dashboard")),
        _page("cadre_records", "wc_reviewer", lambda s: reverse("cadre_records", args=[_year(s)])),
        _page("training_list", "officer_a", lambda s: reverse("training_list")),
        _page("training_detail", "officer_a", lambda s: assessed(s).training.get_absolute_url()),
        _page(
            "person_record",
            "unit_a_reviewer",
            lambda s: reverse("person_record", args=[s.world.officer_a.pk]),
        ),
        _page("young_cadres", "wc_reviewer", lambda s: reverse("young_cadres", args=[_year(s)])),
        _page("export_job", "admin", lambda s: assessed(s).job.get_absolute_url()),
        _page("work_queue", "wc_reviewer", _queue),
        _page(
            "review_item_evidence",
            "unit_a_reviewer",
            lambda s: reverse(
                "review_item_evidence",
                args=[assessed(s).draft.pk, assessed(s).draft.scores.first().item_id],
            ),
        ),
    ]
)
