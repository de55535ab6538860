"""Reads for assessment pages; each starts from the user's scope and fixes its joins."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Prefetch, Q, QuerySet

from responsibility import scope
from responsibility.models import Checklist, ChecklistItem, Organisation, User, Year
from responsibility.pagination import pk_page

from .models import (
    GRADE_ORDER,
    AnnualResult,
    DutyReport,
    Grade,
    GradeCap,
    ItemScore,
    LedgerEntry,
    OrganisationReview,
    ReviewRound,
    Vote,
)
from .scoring import CAP_NOTE


def rounds(year: Year) -> QuerySet[ReviewRound]:
    return ReviewRound.objects.filter(year=year).annotate(
        reviews_total=Count("reviews"),
        reviews_published=Count("reviews", filter=Q(reviews__status="published")),
    )


@dataclass
class RoundRow:
    organisation: Organisation
    review: OrganisationReview | None


def round_rows(user: User, review_round: ReviewRound, *, unit: int | None = None) -> list[RoundRow]:
    """Organisations the user reviews in this round, with their review if started: 2 queries."""
    organisations = scope.organisations_for(user, "review").filter(
        pk__in=Checklist.objects.filter(year=review_round.year_id).values("organisation_id")
    )
    if unit:
        organisations = organisations.filter(unit_id=unit)
    reviews = {
        r.organisation_id: r
        for r in OrganisationReview.objects.filter(
            round=review_round, organisation__in=organisations
        ).select_related("scored_by", "confirmed_by")
    }
    return [
        RoundRow(organisation=org, review=reviews.get(org.pk))
        for org in organisations.select_related("tier", "unit").order_by("path")
    ]


def review_queryset() -> QuerySet[OrganisationReview]:
    return OrganisationReview.objects.select_related(
        "round__year", "organisation__tier", "scored_by", "confirmed_by"
    )


def review_scores(review: OrganisationReview) -> list[ItemScore]:
    return list(review.scores.select_related("item").order_by("item__sort_order", "item__ref"))


def published_reviews(organisation: Organisation, year: Year) -> list[OrganisationReview]:
    return list(
        OrganisationReview.objects.filter(
            organisation=organisation, round__year=year, status=OrganisationReview.Status.PUBLISHED
        )
        .select_related("round")
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=ItemScore.objects.select_related("item").order_by("item__sort_order"),
            )
        )
        .order_by("round__quarter")
    )


def ledger_entries(user: User, year: Year) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(
            year=year, organisation__in=scope.organisations_for(user, "review")
        )
        .select_related("organisation__unit", "proposed_by", "decided_by", "evidence")
        .order_by("status", "-proposed_at")
    )


def report_queryset() -> QuerySet[DutyReport]:
    return DutyReport.objects.select_related("organisation__tier", "year", "submitted_by")


def reports(user: User, year: Year) -> list[DutyReport]:
    return list(
        report_queryset()
        .filter(year=year, organisation__in=scope.organisations_for(user, "review"))
        .annotate(
            votes_count=Count("votes", distinct=True), raters_count=Count("raters", distinct=True)
        )
        .order_by("organisation__path")
    )


def vote_tally(report: DutyReport) -> list[tuple[str, int]]:
    """Counts per grade, never who voted what (anonymous in results)."""
    return _tally(Vote.objects.filter(report=report))


def results_table(
    user: User, year: Year, *, tier: int | None = None, unit: int | None = None
) -> QuerySet[AnnualResult]:
    """Current results the user may see: reviewers their scope, others the published ones
    of their own organisations. A queryset, so the page can paginate it: the province's 3,000
    rows in one page took ~0.7 s and 1.5 MB of HTML."""
    user_scope = scope.scope_for(user)
    queryset = AnnualResult.objects.filter(year=year, is_current=True)
    if user_scope.is_admin:
        pass
    elif user_scope.is_reviewer:
        queryset = queryset.filter(
            scope.joined(user, "review")
            | Q(organisation_id__in=user_scope.post_org_ids, published_at__isnull=False)
        )
    else:
        queryset = queryset.filter(scope.joined(user, "view_results"), published_at__isnull=False)
    if tier:
        queryset = queryset.filter(organisation__tier_id=tier)
    if unit:
        queryset = queryset.filter(organisation__unit_id=unit)
    return queryset.select_related("organisation__tier", "organisation__unit").order_by(
        "organisation__tier__sort_order", "rank_in_tier", "organisation__path"
    )


# What a row of the results list shows (assessment/templatetags/result_markup.py).
RESULT_ROW_FIELDS = (
    "organisation__name",
    "organisation__unit__name",
    "organisation__tier__name",
    "version",
    "process_score",
    "quarterly_score",
    "year_end_score",
    "ledger_points",
    "composite",
    "grade",
    "grade_note",
    "rank_in_tier",
    "published_at",
)


def results_page(
    user: User,
    year: Year,
    *,
    tier: int | None = None,
    unit: int | None = None,
    number: int | str | None = 1,
    per_page: int = 50,
) -> Page:
    """One page of `results_table`. The ordering spans the tier and the tree, so the database
    sorts every row in scope; it sorts only their ids, then fetches the page's 50 rows whole
    (province: 7.6 ms for the wide sorted page, 3.3 ms for the ids). The ids come with the
    list's total (`pk_page`), so there is no separate COUNT."""
    page = pk_page(results_table(user, year, tier=tier, unit=unit), number, per_page)
    rows = (
        AnnualResult.objects.select_related("organisation__tier", "organisation__unit")
        .only(*RESULT_ROW_FIELDS)
        .order_by()
        .in_bulk(page.object_list)
    )
    page.object_list = [rows[pk] for pk in page.object_list]
    return page


def result_queryset() -> QuerySet[AnnualResult]:
    return AnnualResult.objects.select_related("organisation__tier", "organisation__unit", "year")


def result_versions(user: User, result: AnnualResult) -> list[AnnualResult]:
    """The result's versions; an unpublished one (and its reason) only for its reviewers."""
    versions = AnnualResult.objects.filter(organisation=result.organisation, year=result.year)
    if not scope.can(user, "review", result.organisation):
        versions = versions.filter(published_at__isnull=False)
    return list(versions.order_by("-version"))


@dataclass(frozen=True)
class CapLine:
    """One grade cap as the result page shows it."""

    max_grade: str
    reason: str


def grade_caps(user: User, result: AnnualResult) -> list[CapLine]:
    """The caps on the result's grade. Their reasons name accountability cases, which exist only
    for the register's audience (domain.md §8a): everyone else reads the capped grade with a
    neutral note, and the reasons are not fetched for them."""
    caps = GradeCap.objects.filter(organisation=result.organisation, year=result.year)
    if scope.can(user, "register", result.organisation):
        return [CapLine(c.get_max_grade_display(), c.reason) for c in caps.order_by("pk")]
    lowest = max(
        caps.values_list("max_grade", flat=True),
        key=lambda grade: GRADE_ORDER.index(Grade(grade)),
        default=None,
    )
    return [] if lowest is None else [CapLine(Grade(lowest).label, CAP_NOTE)]


def result_breakdown(user: User, result: AnnualResult) -> dict[str, object]:
    """Where each number of a result comes from, in a fixed number of queries."""
    from .results import default_as_of, obligation_facts, rules_from
    from .scoring import process_score
    from .services import scheme_for

    year = result.year
    scheme = scheme_for(year)
    facts = obligation_facts(year, [result.organisation_id]).get(result.organisation_id, [])
    process = process_score(facts, rules_from(scheme), as_of=default_as_of(year))
    items = {
        item.pk: item
        for item in ChecklistItem.objects.filter(
            checklist__organisation=result.organisation, checklist__year=year
        )
    }
    process_rows = [
        (items[item_id], row)
        for item_id, row in sorted(process.items.items(), key=lambda kv: items[kv[0]].sort_order)
        if item_id in items
    ]
    return {
        "scheme": scheme,
        "process_rows": process_rows,
        "reviews": published_reviews(result.organisation, year),
        "ledger": list(
            LedgerEntry.objects.filter(
                organisation=result.organisation, year=year, status=LedgerEntry.Status.APPROVED
            ).select_related("proposed_by", "decided_by")
        ),
        "tally": _tally_for(result.organisation, year),
        "caps": grade_caps(user, result),
        "versions": result_versions(user, result),
    }


def _tally_for(organisation: Organisation, year: Year) -> list[tuple[str, int]]:
    return _tally(Vote.objects.filter(report__organisation=organisation, report__year=year))


def _tally(votes: QuerySet[Vote]) -> list[tuple[str, int]]:
    counts = Counter(votes.values_list("choice", flat=True))
    return [(grade.label, counts.get(grade.value, 0)) for grade in Grade]
