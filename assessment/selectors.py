"""Reads for assessment pages; each starts from the user's scope and fixes its joins."""

from __future__ import annotations

import calendar
import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.core.paginator import Page
from django.db.models import Count, Exists, FilteredRelation, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from responsibility import scope
from responsibility.links import pk_url
from responsibility.models import (
    Checklist,
    ChecklistItem,
    Evidence,
    Obligation,
    Organisation,
    User,
    Year,
)
from responsibility.models.checklists import Group
from responsibility.pagination import pk_page
from responsibility.selectors.checklists import Chip, ChipRow, chips, status_labels

from . import stale
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
from .services import review_may


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


@dataclass(frozen=True)
class ReviewTotals:
    """The scoring page's sums: the list's items (100 points, domain.md §5) apart from tasks
    the upper level dispatched during the year (上级交办任务), whose points come on top."""

    score: Decimal
    maximum: Decimal
    dispatched_score: Decimal
    dispatched_maximum: Decimal


def review_totals(scores: list[ItemScore]) -> ReviewTotals:
    """From the rows `review_scores` read (their items loaded): no query."""
    sums = {True: [Decimal(0), Decimal(0)], False: [Decimal(0), Decimal(0)]}
    for row in scores:
        part = sums[row.item.group == Group.DISPATCHED]
        part[0] += row.score
        part[1] += row.max_points
    return ReviewTotals(*sums[False], *sums[True])


def quarter_bounds(review_round: ReviewRound) -> tuple[datetime.date, datetime.date]:
    """The first and last day of the quarter a round reviews."""
    year = review_round.year.year
    last_month = 3 * review_round.quarter
    last_day = calendar.monthrange(year, last_month)[1]
    return datetime.date(year, last_month - 2, 1), datetime.date(year, last_month, last_day)


@dataclass(frozen=True)
class ItemFacts:
    """What process supervision knows of one item in the reviewed quarter: its obligations
    (as the checklist page's chips), how many are done, late-marked or overdue and open, and
    how many files their evidence holds."""

    obligations: tuple[Chip, ...] = ()
    done: int = 0
    late: int = 0
    missing: int = 0
    evidence: int = 0


def review_item_facts(
    review: OrganisationReview, *, today: datetime.date | None = None
) -> dict[int, ItemFacts]:
    """The facts of every item of the review, by item id: one query over the organisation's
    obligations whose period overlaps the quarter, a row per obligation and file."""
    today = today or timezone.localdate()
    start, end = quarter_bounds(review.round)
    rows = (
        Obligation.objects.filter(
            organisation_id=review.organisation_id,
            year_id=review.round.year_id,
            period_start__lte=end,
            period_end__gte=start,
        )
        .order_by("period_start", "pk")
        .values_list(*ChipRow._fields, "evidence")
    )
    by_item: dict[int, dict[int, ChipRow]] = defaultdict(dict)
    files: dict[int, set[int]] = defaultdict(set)
    for *fields, evidence_id in rows:
        row = ChipRow(*fields)
        by_item[row.item_id].setdefault(row.pk, row)
        if evidence_id is not None:
            files[row.item_id].add(evidence_id)
    facts = {}
    url, labels = pk_url("obligation_detail"), status_labels()
    for item_id, by_pk in by_item.items():
        obligations = tuple(chips(by_pk.values(), today, url=url, labels=labels))
        facts[item_id] = ItemFacts(
            obligations=obligations,
            done=sum(o.status in Obligation.CLOSED_OUT_STATUSES for o in obligations),
            late=sum(o.is_late for o in obligations),
            missing=sum(
                o.status in Obligation.OPEN_STATUSES and o.due_date < today for o in obligations
            ),
            evidence=len(files[item_id]),
        )
    return facts


def review_item_obligations(review: OrganisationReview, item: ChecklistItem) -> list[Obligation]:
    """The side panel's list: the item's obligations in the quarter with their files, two
    queries."""
    start, end = quarter_bounds(review.round)
    return list(
        Obligation.objects.filter(
            organisation_id=review.organisation_id,
            item=item,
            period_start__lte=end,
            period_end__gte=start,
        )
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
        )
        .order_by("period_start", "pk")
    )


@dataclass(frozen=True)
class OpenReview:
    """The review of an organisation a person can act on now, for the link on its pages:
    `review` is None when the round is open but nobody has started scoring it."""

    round: ReviewRound
    review: OrganisationReview | None
    action: Literal["score", "confirm"]


def open_review(
    user: User,
    organisation: Organisation,
    *,
    year: Year | None = None,
    today: datetime.date | None = None,
) -> OpenReview | None:
    """The round open today (of `year`, when given) that has the organisation to score or to
    confirm for this person, or None. No query for people who may not review the organisation
    (the scope is cached); one for the others. Who may do what is `services.review_may`, the
    rule the scoring page's buttons and the service follow."""
    if not scope.can(user, "review", organisation):
        return None
    today = today or timezone.localdate()
    rounds = ReviewRound.objects.filter(opens_on__lte=today, closes_on__gte=today).filter(
        Exists(Checklist.objects.filter(organisation=organisation, year_id=OuterRef("year_id")))
    )
    if year is not None:
        rounds = rounds.filter(year=year)
    rows = (
        rounds.annotate(
            own=FilteredRelation("reviews", condition=Q(reviews__organisation=organisation))
        )
        .order_by("closes_on", "pk")
        .values_list("pk", "year_id", "quarter", "own__pk", "own__status", "own__scored_by_id")
    )
    for round_pk, year_id, quarter, review_pk, status, scored_by_id in rows:
        review_round = ReviewRound(pk=round_pk, year_id=year_id, quarter=quarter)
        if review_pk is None:
            return OpenReview(round=review_round, review=None, action="score")
        review = OrganisationReview(
            pk=review_pk,
            round=review_round,
            organisation=organisation,
            status=status,
            scored_by_id=scored_by_id,
        )
        if review_may(user, review, "submit"):
            return OpenReview(round=review_round, review=review, action="score")
        if review_may(user, review, "confirm"):
            return OpenReview(round=review_round, review=review, action="confirm")
    return None


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
    """Current results the user may read (scope's "read": reviewers' in scope, everyone's in
    scope once published). A queryset, so the page can paginate it: the province's 3,000 rows
    in one page took ~0.7 s and 1.5 MB of HTML."""
    queryset = scope.filter_for(
        user, AnnualResult.objects.filter(year=year, is_current=True), action="read"
    )
    if tier:
        queryset = queryset.filter(organisation__tier_id=tier)
    if unit:
        queryset = queryset.filter(organisation__unit_id=unit)
    return queryset.select_related("organisation__tier", "organisation__unit").order_by(
        "organisation__tier__sort_order", "rank_in_tier", "organisation__path"
    )


@dataclass(frozen=True)
class ResultRow:
    """What a row of the results list shows (Jinja2: assessment/_result_rows.html)."""

    pk: int
    url: str
    name: str
    unit_name: str
    tier_name: str
    process_score: Decimal
    quarterly_score: Decimal | None
    year_end_score: Decimal | None
    ledger_points: Decimal
    composite: Decimal
    grade: str
    grade_label: str
    grade_note: str
    rank_in_tier: int | None
    published: bool
    version: int
    stale_summary: str  # the 待更新 mark without a cap's detail; "" when up to date


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
    "stale_since",
    "stale_reasons",
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
    results = (
        AnnualResult.objects.select_related("organisation__tier", "organisation__unit")
        .only(*RESULT_ROW_FIELDS)
        .order_by()
        .in_bulk(page.object_list)
    )
    url = pk_url("result_detail")
    grades = {value: str(label) for value, label in Grade.choices}
    rows = []
    for pk in page.object_list:
        r = results[pk]
        organisation = r.organisation
        mark = stale.mark_of(r.stale_since, r.stale_reasons)
        rows.append(
            ResultRow(
                pk=pk,
                url=url(pk),
                name=organisation.name,
                unit_name=organisation.unit.name if organisation.unit else "",
                tier_name=organisation.tier.name,
                process_score=r.process_score,
                quarterly_score=r.quarterly_score,
                year_end_score=r.year_end_score,
                ledger_points=r.ledger_points,
                composite=r.composite,
                grade=r.grade,
                grade_label=grades.get(r.grade, r.grade),
                grade_note=r.grade_note,
                rank_in_tier=r.rank_in_tier,
                published=r.published_at is not None,
                version=r.version,
                stale_summary=mark.summary() if mark is not None else "",
            )
        )
    page.object_list = rows
    return page


def stale_count(year: Year) -> int:
    """How many current results are marked 待更新 (the admin's refresh button says so)."""
    return AnnualResult.objects.filter(
        year=year, is_current=True, stale_since__isnull=False
    ).count()


def stale_mark(user: User, result: AnnualResult) -> stale.Mark | None:
    """The result's 待更新 mark with its details; a cap's detail names the accountability case,
    so only the register's audience reads it (domain.md §8a)."""
    return stale.mark_of(
        result.stale_since,
        result.stale_reasons,
        details=True,
        register=scope.can(user, "register", result.organisation),
    )


def result_queryset() -> QuerySet[AnnualResult]:
    return AnnualResult.objects.select_related("organisation__tier", "organisation__unit", "year")


def result_versions(user: User, result: AnnualResult) -> list[AnnualResult]:
    """The result's versions the person may read: unpublished ones (and their reasons) only
    for its reviewers (scope's "read")."""
    versions = AnnualResult.objects.filter(organisation=result.organisation, year=result.year)
    return list(scope.filter_for(user, versions, action="read").order_by("-version"))


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
        "stale": stale_mark(user, result),
        "versions": result_versions(user, result),
    }


def _tally_for(organisation: Organisation, year: Year) -> list[tuple[str, int]]:
    return _tally(Vote.objects.filter(report__organisation=organisation, report__year=year))


def _tally(votes: QuerySet[Vote]) -> list[tuple[str, int]]:
    counts = Counter(votes.values_list("choice", flat=True))
    return [(grade.label, counts.get(grade.value, 0)) for grade in Grade]
