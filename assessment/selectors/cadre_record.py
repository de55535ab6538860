"""A person's cadre record (党务干部档案) and the 干部任职/岗位交流 reference sheet built from it
(issue #19.4): posts with dates, rotations linked to posts, training hours per year against the
year's requirement, the published results of their organisations, the business-backbone pool,
and the sections other apps contribute (`record_sections`: accountability's cases, to the
register's audience only).

`records` reads any number of people in a fixed number of queries (one per region), so the
record page, the printable sheet and a unit's workbook cost the same whatever their size."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone

from responsibility import scope
from responsibility.models import Organisation, Post, User, Year
from responsibility.models.personal import LeaderLink, PersonalObligation
from responsibility.selectors import current_post_filter
from responsibility.selectors.personal import DutyRow, Tally

from ..models import (
    AnnualResult,
    BackboneCandidate,
    PersonResult,
    Rotation,
    Scheme,
    TrainingAttendance,
)
from ..record_sections import RecordSection, sections_for


@dataclass(frozen=True)
class YearHours:
    """Party-knowledge training hours (党务知识培训) of a calendar year against the requirement."""

    year: int
    hours: Decimal
    required: Decimal
    other_hours: Decimal = Decimal(0)

    @property
    def met(self) -> bool:
        return self.hours >= self.required

    @property
    def missing(self) -> Decimal:
        return max(self.required - self.hours, Decimal(0))


@dataclass
class YearDuties:
    """The person's own duties (个人履责) of one year with their progress."""

    year: int
    rows: list[DutyRow] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


@dataclass
class CadreRecord:
    person: User
    posts: list[Post] = field(default_factory=list)
    attendance: list[TrainingAttendance] = field(default_factory=list)
    rotations: list[Rotation] = field(default_factory=list)
    hours: list[YearHours] = field(default_factory=list)
    results: list[AnnualResult] = field(default_factory=list)
    grades: list[PersonResult] = field(default_factory=list)
    duties: list[YearDuties] = field(default_factory=list)
    links: list[LeaderLink] = field(default_factory=list)
    candidacies: list[BackboneCandidate] = field(default_factory=list)
    sections: list[RecordSection] = field(default_factory=list)

    @property
    def current_posts(self) -> list[Post]:
        return [p for p in self.posts if p.is_current()]

    def _since(self, kind: str) -> datetime.date | None:
        dates = [p.start_date for p in self.current_posts if p.kind == kind]
        return min(dates) if dates else None

    @property
    def full_time_since(self) -> datetime.date | None:
        return self._since(Post.Kind.CADRE_FULL_TIME)

    @property
    def part_time_since(self) -> datetime.date | None:
        return self._since(Post.Kind.CADRE_PART_TIME)


DEFAULT_HOURS_REQUIRED: Decimal = Scheme._meta.get_field("training_hours_required").get_default()


def training_hours_required(schemes: Mapping[int, Decimal | None], year: int) -> Decimal:
    """The party-knowledge hours the year's scheme requires (the scheme's default for a year
    without a scheme, or a calendar year that is no assessment year)."""
    required = schemes.get(year)
    return DEFAULT_HOURS_REQUIRED if required is None else required


def records(people: Sequence[User], viewer: User) -> list[CadreRecord]:
    """The records of `people` as `viewer` may see them; the caller has checked "view_person"
    for each. Published results of their organisations: all of them for the person themself,
    else those the viewer may read; backbone candidacies: those of organisations the viewer
    reviews; other apps' sections: by their own rules."""
    by_id = {person.pk: CadreRecord(person=person) for person in people}
    ids = list(by_id)
    if not ids:
        return []
    posts = (
        Post.objects.filter(user_id__in=ids)
        .select_related("organisation__tier", "organisation__unit")
        .order_by("user_id", "-start_date", "-pk")
    )
    organisations: dict[int, set[int]] = defaultdict(set)
    for post in posts:
        by_id[post.user_id].posts.append(post)
        organisations[post.user_id].add(post.organisation_id)

    attendance = (
        TrainingAttendance.objects.filter(person_id__in=ids)
        .select_related("training__organiser")
        .order_by("person_id", "-training__held_on", "-pk")
    )
    hours: dict[int, dict[int, list[Decimal]]] = defaultdict(
        lambda: defaultdict(lambda: [Decimal(0), Decimal(0)])
    )
    for row in attendance:
        by_id[row.person_id].attendance.append(row)
        slot = hours[row.person_id][row.training.held_on.year]
        slot[0 if row.training.is_party_knowledge else 1] += row.hours
    schemes = dict(Year.objects.values_list("year", "scheme__training_hours_required"))
    assessed = set(schemes)
    for pk, record in by_id.items():
        first = min((p.start_date.year for p in record.posts), default=None)
        years = set(hours[pk]) | {y for y in assessed if first is not None and y >= first}
        record.hours = [
            YearHours(
                year=y,
                hours=hours[pk][y][0],
                other_hours=hours[pk][y][1],
                required=training_hours_required(schemes, y),
            )
            for y in sorted(years, reverse=True)
        ]

    rotations = (
        Rotation.objects.filter(person_id__in=ids)
        .select_related(
            "recorded_by",
            "from_post_link__organisation",
            "to_post_link__organisation",
        )
        .order_by("person_id", "-moved_on", "-pk")
    )
    for rotation in rotations:
        by_id[rotation.person_id].rotations.append(rotation)

    all_organisations = set().union(*organisations.values())
    in_scope = Q(organisation__in=scope.organisations_for(viewer, "view_results"))
    own = Q(organisation_id__in=organisations[viewer.pk]) if viewer.pk in by_id else Q(pk__in=[])
    results = (
        AnnualResult.objects.filter(
            in_scope | own,
            organisation_id__in=all_organisations,
            is_current=True,
            published_at__isnull=False,
        )
        .annotate(in_scope=ExpressionWrapper(in_scope, output_field=BooleanField()))
        .select_related("organisation", "year")
        .order_by("-year__year", "organisation__path")
    )
    for result in results:
        for pk, record in by_id.items():
            # One's own record shows all one's organisations' results, even of posts one no
            # longer holds; someone else's, only those the viewer may read anyway.
            if result.organisation_id in organisations[pk] and (pk == viewer.pk or result.in_scope):
                record.results.append(result)

    _grades(by_id, viewer)
    _duties(by_id, viewer)

    if scope.scope_for(viewer).may_any("review"):
        candidacies = (
            BackboneCandidate.objects.filter(person_id__in=ids)
            .filter(scope.within(viewer, "review"))
            .select_related("organisation", "proposed_by", "post__organisation")
            .order_by("person_id", "-proposed_on", "-pk")
        )
        for candidacy in candidacies:
            by_id[candidacy.person_id].candidacies.append(candidacy)

    for pk, sections in sections_for(list(people), viewer).items():
        by_id[pk].sections = sections
    return list(by_id.values())


def _grades(by_id: dict[int, CadreRecord], viewer: User) -> None:
    """The person's own grade year by year (个人抓党建考核): published current results, by the
    rule that `person_results.for_person` reads them with (scope's "read"). One query."""
    grades = scope.filter_for(
        viewer,
        PersonResult.objects.filter(
            person_id__in=list(by_id), is_current=True, published_at__isnull=False
        ),
        action="read",
    )
    for grade in grades.select_related("year", "organisation").order_by("-year__year", "pk"):
        by_id[grade.person_id].grades.append(grade)


def _duties(by_id: dict[int, CadreRecord], viewer: User) -> None:
    """Their personal duties (个人履责) year by year, as far as the viewer may see them
    (scope's "view_personal"), and their 分管 and 联系支部 links. Two queries."""
    today = timezone.localdate()
    obligations = scope.filter_for(
        viewer,
        PersonalObligation.objects.filter(person_id__in=list(by_id), duty__is_active=True),
        action="view_personal",
    ).select_related("duty", "organisation", "year")
    years: dict[tuple[int, int], YearDuties] = {}
    rows: dict[int, DutyRow] = {}
    for obligation in obligations.order_by(
        "person_id", "-year__year", "organisation__path", "duty__sort_order", "period_start"
    ):
        key = (obligation.person_id, obligation.year.year)
        year = years.get(key)
        if year is None:
            year = years[key] = YearDuties(year=obligation.year.year)
            by_id[obligation.person_id].duties.append(year)
        duty = obligation.duty
        row = rows.get(duty.pk)
        if row is None:
            row = rows[duty.pk] = DutyRow(
                ref=duty.ref,
                content=duty.content,
                standard=duty.standard,
                frequency_label=str(duty.get_frequency_display()),
                organisation_name=obligation.organisation.name,
            )
            year.rows.append(row)
        row.obligations.append(obligation)
        row.tally.count(obligation, today)
        year.tally.count(obligation, today)
    links = LeaderLink.objects.filter(person_id__in=list(by_id)).select_related("organisation")
    for link in links.order_by("person_id", "-end_date", "kind", "start_date", "pk"):
        by_id[link.person_id].links.append(link)


def record(person: User, viewer: User) -> CadreRecord:
    return records([person], viewer)[0]


def rotation_posts(person: User) -> QuerySet[Post]:
    """The posts a rotation may end: the person's current ones."""
    return (
        Post.objects.filter(user=person)
        .filter(current_post_filter())
        .select_related("organisation")
        .order_by("organisation__path", "kind")
    )


def rotation_organisations(viewer: User, person: User) -> QuerySet[Organisation]:
    """Where `viewer` may start a person's new post: the organisations they review in the
    units of the person's current posts (a province's reviewer is not offered its every
    organisation; a move to another unit is that unit's reviewers' to record)."""
    units = (
        Post.objects.filter(user=person).filter(current_post_filter()).values("organisation__unit")
    )
    return (
        scope.organisations_for(viewer, "review")
        .filter(unit__in=units)
        .select_related("tier")
        .order_by("path")
    )
