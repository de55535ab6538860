"""Reads of the quarterly reviews: rounds, a review's scores and facts, the open review."""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

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
from responsibility.selectors import Chip, ChipRow, chips, status_labels

from ..models import (
    ItemScore,
    OrganisationReview,
    ReviewRound,
)
from ..services.reviews import review_may  # the submodule: services import selectors.cadres


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
    """The scorer and confirmer come by prefetch: two more LEFT JOINs on the user table made
    PostgreSQL plan the scoring page's review for 1.8 ms, against 0.3 ms for the two reads."""
    return OrganisationReview.objects.select_related(
        "round__year", "organisation__tier"
    ).prefetch_related("scored_by", "confirmed_by")


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
    # Per-entry review (#20.2) of the quarter's entries: accepted, returned (reopened for the
    # officer) and completed but not yet accepted (never reviewed, or resubmitted).
    accepted: int = 0
    returned: int = 0
    unreviewed: int = 0


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
        .values_list(*ChipRow._fields, "review_state", "evidence")
    )
    by_item: dict[int, dict[int, ChipRow]] = defaultdict(dict)
    files: dict[int, set[int]] = defaultdict(set)
    reviewed: dict[int, dict[int, str]] = defaultdict(dict)
    for *fields, review_state, evidence_id in rows:
        row = ChipRow(*fields)
        by_item[row.item_id].setdefault(row.pk, row)
        reviewed[row.item_id][row.pk] = review_state
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
            **_review_counts(by_pk, reviewed[item_id]),
        )
    return facts


def _review_counts(rows: dict[int, ChipRow], states: dict[int, str]) -> dict[str, int]:
    """The item's entries by their per-entry review: returned ones are open again, so they
    count whatever their status; accepted and unreviewed ones only when completed."""
    review = Obligation.ReviewState
    counts = {"accepted": 0, "returned": 0, "unreviewed": 0}
    for pk, row in rows.items():
        state = states[pk]
        if state == review.RETURNED:
            counts["returned"] += 1
        elif row.status in Obligation.CLOSED_OUT_STATUSES:
            counts["accepted" if state == review.ACCEPTED else "unreviewed"] += 1
    return counts


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
