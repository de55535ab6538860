"""Reads for the committee staff's dashboards and the party-affairs cadres' records.

Every read starts from the organisations the user reviews and aggregates in the database, so a
page costs the same number of queries for three units as for a province of a hundred.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from responsibility import scope
from responsibility.models import Obligation, Organisation, Post, User, Year

from ..models import AnnualResult, TrainingAttendance

# Score bands of the distribution chart: (label, lower bound inclusive). The last band takes 100.
BUCKETS: tuple[tuple[str, int], ...] = (
    ("<60", 0),
    ("60–70", 60),
    ("70–80", 70),
    ("80–90", 80),
    ("90–100", 90),
)
RANKING_SIZE = 10
CADRE_KINDS = Post.OFFICER_KINDS_IN_ORDER
OPEN = Obligation.OPEN_STATUSES
TWO_PLACES = Decimal("0.01")


def _two_places(value: Decimal | float | None) -> Decimal | None:
    # Avg() is a float on SQLite and a Decimal on PostgreSQL: one shape for the page.
    return None if value is None else Decimal(str(value)).quantize(TWO_PLACES)


def scoped_results(user: User, year: Year) -> QuerySet[AnnualResult]:
    """Current results of the organisations the user reviews (all of them for an admin)."""
    return AnnualResult.objects.filter(scope.within(user, "review"), year=year, is_current=True)


# --- dashboard ---------------------------------------------------------------------------------


@dataclass
class TierDistribution:
    tier_id: int
    tier_name: str
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> list[float]:
        """Each band's share of the tier's organisations, in per cent to one decimal."""
        total = self.total
        return [round(100 * count / total, 1) if total else 0.0 for count in self.counts]

    @property
    def cells(self) -> list[tuple[int, float]]:
        return list(zip(self.counts, self.shares, strict=True))


@dataclass
class MonthCompletion:
    month: int
    on_time: int = 0
    late: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue


@dataclass(frozen=True)
class RankedResult:
    """A row of the top and bottom lists, for their tables (Jinja2:
    assessment/_ranking_rows.html) and their charts alike."""

    position: int
    result_id: int
    url: str
    organisation_id: int
    name: str
    unit_name: str
    tier_name: str
    composite: Decimal
    grade: str
    grade_label: str
    is_stale: bool

    @classmethod
    def of(cls, position: int, result: AnnualResult) -> RankedResult:
        organisation = result.organisation
        return cls(
            position=position,
            result_id=result.pk,
            url=result.get_absolute_url(),
            organisation_id=organisation.pk,
            name=organisation.name,
            unit_name=organisation.unit.name if organisation.unit else "",
            tier_name=organisation.tier.name,
            composite=result.composite,
            grade=result.grade,
            grade_label=str(result.get_grade_display()),
            is_stale=result.stale_since is not None,
        )


@dataclass
class UnitAverage:
    unit_id: int | None
    unit_name: str
    average: Decimal
    count: int
    lowest: Decimal
    highest: Decimal
    total: Decimal


@dataclass
class Dashboard:
    year: Year
    today: datetime.date
    distribution: list[TierDistribution]
    completion: list[MonthCompletion]
    top: list[RankedResult]
    bottom: list[RankedResult]
    units: list[UnitAverage]
    buckets: list[str] = field(default_factory=lambda: [label for label, _low in BUCKETS])
    computed_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def result_count(self) -> int:
        return sum(row.total for row in self.distribution)

    @property
    def average(self) -> Decimal | None:
        count = sum(unit.count for unit in self.units)
        if not count:
            return None
        return _two_places(sum(unit.total for unit in self.units) / count)

    @property
    def overdue(self) -> int:
        return sum(month.overdue for month in self.completion)

    @property
    def on_time_percent(self) -> int | None:
        done = sum(month.on_time + month.late for month in self.completion)
        if not done:
            return None
        return round(100 * sum(month.on_time for month in self.completion) / done)


def dashboard(user: User, year: Year, *, today: datetime.date | None = None) -> Dashboard:
    """Everything the dashboard draws: five queries however many organisations are in scope."""
    today = today or timezone.localdate()
    results = scoped_results(user, year)
    distribution = score_distribution(results)
    top, bottom = ranking(results, total=sum(row.total for row in distribution))
    return Dashboard(
        year=year,
        today=today,
        distribution=distribution,
        completion=completion_by_month(user, year, today=today),
        top=top,
        bottom=bottom,
        units=unit_averages(results),
    )


def dashboard_cached(user: User, year: Year) -> Dashboard:
    """`dashboard`, kept for DASHBOARD_CACHE_SECONDS and shared by everyone who reviews the same
    organisations. Its completion chart aggregates every obligation in scope (~75 ms for the
    province's 233,500), too much for each page view; the page says when it was computed."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard(user, year)
    reviewed = scope.scope_for(user).cache_key("review")
    digest = hashlib.sha256(reviewed.encode()).hexdigest()[:32]
    key = f"dashboard:{year.pk}:{timezone.localdate().isoformat()}:{digest}"
    # With a callable default get_or_set returns the cached or the freshly computed Dashboard.
    return cast(Dashboard, cache.get_or_set(key, lambda: dashboard(user, year), seconds))


def score_distribution(results: QuerySet[AnnualResult]) -> list[TierDistribution]:
    """How many composites fall in each band, one row per tier: one query."""
    bands = [
        When(composite__lt=next_low, then=Value(index))
        for index, (_label, next_low) in enumerate(BUCKETS[1:])
    ]
    rows = (
        results.annotate(
            band=Case(*bands, default=Value(len(BUCKETS) - 1), output_field=IntegerField())
        )
        .values("organisation__tier_id", "organisation__tier__name", "band")
        .annotate(n=Count("pk"))
        .order_by("organisation__tier__sort_order", "organisation__tier_id", "band")
    )
    tiers: dict[int, TierDistribution] = {}
    for row in rows:
        tier_id = row["organisation__tier_id"]
        tier = tiers.setdefault(
            tier_id,
            TierDistribution(tier_id, row["organisation__tier__name"], [0] * len(BUCKETS)),
        )
        tier.counts[row["band"]] = row["n"]
    return list(tiers.values())


def completion_by_month(
    user: User, year: Year, *, today: datetime.date | None = None
) -> list[MonthCompletion]:
    """Obligations by the month their period ends: done on time, done late (the permanent late
    mark), and still open past their due date. Not-applicable and not-yet-due ones are left out.
    One query."""
    today = today or timezone.localdate()
    obligations = Obligation.objects.filter(scope.within(user, "review"), year=year)
    rows = (
        obligations.annotate(month=ExtractMonth("period_end"))
        .values("month")
        .annotate(
            on_time=Count("pk", filter=Q(status=Obligation.Status.DONE, is_late=False)),
            late=Count("pk", filter=Q(status=Obligation.Status.DONE, is_late=True)),
            overdue=Count("pk", filter=Q(status__in=OPEN, due_date__lt=today)),
        )
        .order_by("month")
    )
    months = [MonthCompletion(month) for month in range(1, 13)]
    for row in rows:
        cell = months[row["month"] - 1]
        cell.on_time, cell.late, cell.overdue = row["on_time"], row["late"], row["overdue"]
    return months


def ranking(
    results: QuerySet[AnnualResult], *, total: int, size: int = RANKING_SIZE
) -> tuple[list[RankedResult], list[RankedResult]]:
    """The best and the worst `size` composites (ties by tree order): two queries. When there
    are fewer than twice `size`, the bottom list keeps only those not already in the top."""
    rows = results.select_related("organisation__tier", "organisation__unit")
    best = list(rows.order_by("-composite", "organisation__path")[:size])
    worst = list(rows.order_by("composite", "-organisation__path")[:size])
    top = [RankedResult.of(position, result) for position, result in enumerate(best, start=1)]
    shown = {result.pk for result in best}
    bottom = [
        RankedResult.of(total - offset, result)
        for offset, result in enumerate(worst)
        if result.pk not in shown
    ]
    bottom.reverse()
    return top, bottom


def unit_averages(results: QuerySet[AnnualResult]) -> list[UnitAverage]:
    """Average composite per unit, best first: one query."""
    rows = (
        results.values("organisation__unit_id", "organisation__unit__name")
        .annotate(
            average=Avg("composite"),
            total=Sum("composite"),
            n=Count("pk"),
            lowest=Min("composite"),
            highest=Max("composite"),
        )
        .order_by("-average", "organisation__unit__name")
    )
    return [
        UnitAverage(
            unit_id=row["organisation__unit_id"],
            unit_name=row["organisation__unit__name"] or "",
            average=_two_places(row["average"]) or Decimal(0),
            count=row["n"],
            lowest=_two_places(row["lowest"]) or Decimal(0),
            highest=_two_places(row["highest"]) or Decimal(0),
            total=Decimal(row["total"] or 0),
        )
        for row in rows
    ]


# --- party-affairs cadres' records -------------------------------------------------------------


def held_during(year: Year) -> Q:
    """Posts whose dates overlap the year."""
    return Q(start_date__lte=year.end) & (Q(end_date__isnull=True) | Q(end_date__gte=year.start))


def cadre_posts(user: User, year: Year) -> QuerySet[Post]:
    """Party posts held during the year in organisations the user reviews."""
    return Post.objects.filter(
        held_during(year), scope.within(user, "review"), kind__in=CADRE_KINDS
    )


def cadres(
    user: User, year: Year, *, unit: int | None = None, kind: str | None = None
) -> QuerySet[User]:
    """People with a matching party post during the year, in tree order of their first such
    post: a queryset the view paginates (a count and a page, two queries)."""
    matching = cadre_posts(user, year)
    if unit:
        matching = matching.filter(organisation__unit_id=unit)
    if kind:
        matching = matching.filter(kind=kind)
    mine = matching.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(Exists(mine))
        .annotate(
            first_path=Subquery(
                mine.order_by("organisation__path").values("organisation__path")[:1]
            )
        )
        .order_by("first_path", "full_name", "pk")
    )


@dataclass
class OrganisationResult:
    organisation: Organisation
    result: AnnualResult | None


@dataclass
class CadreRecord:
    person: User
    posts: list[Post]
    results: list[OrganisationResult]
    training_hours: Decimal = Decimal(0)
    trainings: int = 0

    @property
    def is_full_time(self) -> bool:
        return any(p.kind == Post.Kind.CADRE_FULL_TIME for p in self.posts)

    @property
    def is_part_time(self) -> bool:
        return any(p.kind == Post.Kind.CADRE_PART_TIME for p in self.posts)


def cadre_records(user: User, year: Year, people: list[User]) -> list[CadreRecord]:
    """For one page of people: every in-scope party post of the year, the current result of
    each organisation they served (what a reviewer sees, published or not) and the year's
    training hours: three queries."""
    if not people:
        return []
    posts: dict[int, list[Post]] = {person.pk: [] for person in people}
    for held in (
        cadre_posts(user, year)
        .filter(user__in=[person.pk for person in people])
        .select_related("organisation__tier", "organisation__unit")
        .order_by("organisation__path", "kind", "start_date")
    ):
        posts[held.user_id].append(held)
    organisation_ids = {p.organisation_id for held in posts.values() for p in held}
    results = {
        r.organisation_id: r
        for r in AnnualResult.objects.filter(
            year=year, is_current=True, organisation_id__in=organisation_ids
        )
    }
    training = {
        row["person_id"]: (row["hours"], row["count"])
        for row in TrainingAttendance.objects.filter(
            person__in=[person.pk for person in people], training__held_on__year=year.year
        )
        .values("person_id")
        .annotate(hours=Sum("hours"), count=Count("pk"))
    }
    records = []
    for person in people:
        organisations = {p.organisation_id: p.organisation for p in posts[person.pk]}
        hours, count = training.get(person.pk, (Decimal(0), 0))
        records.append(
            CadreRecord(
                person=person,
                posts=posts[person.pk],
                results=[
                    OrganisationResult(organisation, results.get(org_id))
                    for org_id, organisation in organisations.items()
                ],
                training_hours=hours,
                trainings=count,
            )
        )
    return records


def cadre_units(user: User) -> list[Organisation]:
    """Units to filter the cadres' records by: those of the organisations the user reviews."""
    organisations = scope.organisations_for(user, "review")
    return list(
        Organisation.objects.filter(pk__in=organisations.values("unit_id")).order_by("path")
    )
