"""Reads of the person-level assessment (个人抓党建考核, issue #19.3): the list, one result with
its trace, a person's results by year as a viewer may see them, and the 述职 ratings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.paginator import Page
from django.db.models import QuerySet
from django.urls import NoReverseMatch

from responsibility import scope
from responsibility.links import pk_url
from responsibility.models import Post, User, Year
from responsibility.pagination import pk_page

from .. import stale
from ..models import GRADE_ORDER, DutyReport, Grade, PersonGradeCap, PersonRating, PersonResult
from ..scoring import CAP_NOTE
from .results import CapLine


def results_table(
    user: User, year: Year, *, unit: int | None = None, grade: str = ""
) -> QuerySet[PersonResult]:
    """Current person results the user may read (scope's "read": the reviewers of the person's
    organisation, admins, the person once published)."""
    queryset = scope.filter_for(
        user, PersonResult.objects.filter(year=year, is_current=True), action="read"
    )
    if unit:
        queryset = queryset.filter(organisation__unit_id=unit)
    if grade in Grade.values:
        queryset = queryset.filter(grade=grade)
    return queryset.order_by("organisation__path", "person__username", "pk")


@dataclass(frozen=True)
class PersonRow:
    """What a row of the person results list shows."""

    pk: int
    url: str
    name: str
    unit_name: str
    post_label: str
    duties_score: Decimal | None
    organisation_score: Decimal | None
    training_hours: Decimal
    rating_score: Decimal | None
    rectification_points: Decimal
    composite: Decimal
    grade: str
    grade_label: str
    grade_note: str
    published: bool
    version: int
    stale_summary: str


ROW_FIELDS = (
    "person__username",
    "person__full_name",
    "person__first_name",
    "person__last_name",
    "organisation__unit__name",
    "post_label",
    "duties_score",
    "organisation_score",
    "training_hours",
    "rating_score",
    "rectification_points",
    "composite",
    "grade",
    "grade_note",
    "published_at",
    "version",
    "stale_since",
    "stale_reasons",
)


def results_page(
    user: User,
    year: Year,
    *,
    unit: int | None = None,
    grade: str = "",
    number: int | str | None = 1,
    per_page: int = 50,
) -> Page[PersonRow]:
    """One page of `results_table`: the ids with the total in one query, then the page's rows
    whole in one more (as the organisation results list)."""
    page = pk_page(results_table(user, year, unit=unit, grade=grade), number, per_page)
    found = (
        PersonResult.objects.select_related("person", "organisation__unit")
        .only(*ROW_FIELDS)
        .order_by()
        .in_bulk(page.object_list)
    )
    url = pk_url("person_result_detail")
    grades = {value: str(label) for value, label in Grade.choices}
    rows = []
    for pk in page.object_list:
        r = found[pk]
        mark = stale.mark_of(r.stale_since, r.stale_reasons)
        unit_org = r.organisation.unit
        rows.append(
            PersonRow(
                pk=pk,
                url=url(pk),
                name=r.person.display_name,
                unit_name=unit_org.name if unit_org else "",
                post_label=r.post_label,
                duties_score=r.duties_score,
                organisation_score=r.organisation_score,
                training_hours=r.training_hours,
                rating_score=r.rating_score,
                rectification_points=r.rectification_points,
                composite=r.composite,
                grade=r.grade,
                grade_label=grades.get(r.grade, r.grade),
                grade_note=r.grade_note,
                published=r.published_at is not None,
                version=r.version,
                stale_summary=mark.summary() if mark is not None else "",
            )
        )
    page.object_list = rows
    return page


def stale_count(year: Year) -> int:
    return PersonResult.objects.filter(
        year=year, is_current=True, stale_since__isnull=False
    ).count()


def result_queryset() -> QuerySet[PersonResult]:
    return PersonResult.objects.select_related(
        "person", "year", "organisation__tier", "organisation__unit"
    )


def for_person(person: User, viewer: User) -> list[PersonResult]:
    """`person`'s published results, one per year (its latest published version: a recompute
    waiting for publication does not hide it), oldest year first, as `viewer` may see them
    (scope's "read"; none for whom the person's record does not exist). The grade note names
    no case (person_scoring); a cap's reason is `caps`'s to show. One query."""
    results = PersonResult.objects.filter(person=person, published_at__isnull=False)
    latest: dict[int, PersonResult] = {}
    for result in (
        scope.filter_for(viewer, results, action="read")
        .select_related("year", "organisation")
        .order_by("year__year", "-version")
    ):
        latest.setdefault(result.year_id, result)
    return list(latest.values())


def caps(user: User, result: PersonResult) -> list[CapLine]:
    """The caps on the person's grade. A cap's reason names an accountability case: only the
    register's audience of the case's organisation reads it (domain.md §8a); everyone else
    reads the capped grade with the neutral note, and no reason is fetched for them."""
    found = list(
        PersonGradeCap.objects.filter(person_id=result.person_id, year_id=result.year_id)
        .select_related("organisation")
        .order_by("pk")
    )
    register = [c for c in found if scope.can(user, "register", c.organisation)]
    lines = [CapLine(c.get_max_grade_display(), c.reason) for c in register]
    hidden = [c.max_grade for c in found if c not in register]
    if hidden:
        lowest = max(hidden, key=lambda grade: GRADE_ORDER.index(Grade(grade)))
        lines.append(CapLine(Grade(lowest).label, CAP_NOTE))
    return lines


def versions(user: User, result: PersonResult) -> list[PersonResult]:
    rows = PersonResult.objects.filter(person_id=result.person_id, year_id=result.year_id)
    return list(scope.filter_for(user, rows, action="read").order_by("-version"))


def trace(result: PersonResult) -> dict[str, Any]:
    """The frozen trace with a link on every source (no query)."""
    data = result.trace or {}
    result_url = pk_url("result_detail")
    training_url = pk_url("training_detail")
    organisations = [
        {**row, "url": result_url(row["result_id"])} for row in data.get("organisations", [])
    ]
    trainings = [
        {**row, "url": training_url(row["id"])} for row in data.get("training", {}).get("rows", [])
    ]
    duties = data.get("duties")
    if duties:
        try:
            duty_url: Callable[[int], str] | None = pk_url("personal_obligation_detail")
        except NoReverseMatch:  # the personal duties' pages are not installed
            duty_url = None
        duties = {
            **duties,
            "rows": [
                {**row, "url": duty_url(row["id"]) if duty_url else ""}
                for row in duties.get("rows", [])
            ],
        }
    return {
        "posts": data.get("posts", []),
        "duties": duties,
        "organisations": organisations,
        "training": {**data.get("training", {}), "rows": trainings},
        "ratings": data.get("ratings"),
        "rectifications": data.get("rectifications", []),
        "weights": data.get("weights", {}),
    }


def detail(user: User, result: PersonResult) -> dict[str, object]:
    """Everything the result page shows, in a fixed number of queries."""
    register = scope.can(user, "register", result.organisation)
    return {
        "trace": trace(result),
        "caps": caps(user, result),
        "stale": stale.mark_of(
            result.stale_since, result.stale_reasons, details=True, register=register
        ),
        "versions": versions(user, result),
    }


# --- ratings in the year-end 述职 --------------------------------------------------------------


def report_queryset() -> QuerySet[DutyReport]:
    return DutyReport.objects.select_related("organisation__tier", "organisation__unit", "year")


def rated_officers(report: DutyReport) -> list[User]:
    """The officers of the reported organisation in its year: whom its reviewers rate."""
    year = report.year
    posts = Post.objects.filter(
        organisation_id=report.organisation_id,
        kind__in=Post.OFFICER_KINDS,
        start_date__lte=year.end,
    ).exclude(end_date__lt=year.start)
    return list(User.objects.filter(pk__in=posts.values("user_id")).order_by("username"))


def my_ratings(user: User, report: DutyReport) -> dict[int, PersonRating]:
    """The user's own ratings on the report, by person (a rater sees only their own: §8a)."""
    ratings = scope.filter_for(user, PersonRating.objects.filter(report=report), action="own")
    return {r.person_id: r for r in ratings}
