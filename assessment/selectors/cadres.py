"""Reads of party-affairs cadres (专兼职党务干部, domain.md §8): trainings and their
candidates, a person's record, young cadres' hours."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet, Sum
from django.utils import timezone

from responsibility import scope
from responsibility.models import Organisation, Post, User, Year
from responsibility.selectors import current_post_filter

from ..models import Training, TrainingAttendance

CADRE_KINDS = Post.OFFICER_KINDS_IN_ORDER
# A training belongs to an assessment year (young cadres' hours count per calendar year of
# held_on). Plausible dates run from 1 January of the year before the earliest assessment year
# (or before this year) to 31 December of the year after the latest one (or after this year): a
# late annual return and a session planned ahead pass; 0001-01-01 and 9999-12-31 do not.
TRAINING_YEARS_MARGIN = 1


def training_date_window(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    this_year = (today or timezone.localdate()).year
    span = Year.objects.aggregate(first=Min("year"), last=Max("year"))
    first = min(span["first"] or this_year, this_year) - TRAINING_YEARS_MARGIN
    last = max(span["last"] or this_year, this_year) + TRAINING_YEARS_MARGIN
    return datetime.date(first, 1, 1), datetime.date(last, 12, 31)


# --- reads -------------------------------------------------------------------------------------


def trainings(user: User) -> QuerySet[Training]:
    return (
        Training.objects.filter(organiser__in=scope.organisations_for(user))
        .select_related("organiser", "created_by")
        .annotate(attendees=Count("attendance"))
    )


def attendance_candidates(training: Training) -> list[User]:
    """People with a current post in the organiser's subtree: who may attend its sessions."""
    posts = (
        Post.objects.filter(organisation__path__startswith=training.organiser.path)
        .filter(current_post_filter())
        .select_related("user")
        .order_by("organisation__path", "user__username")
    )
    return list({p.user_id: p.user for p in posts}.values())


@dataclass(frozen=True)
class CandidateGroup:
    """The people of one organisation who may attend a training (the attendance picker)."""

    organisation: Organisation
    people: list[User]


def attendance_groups(training: Training) -> list[CandidateGroup]:
    """`attendance_candidates` grouped by organisation in tree order, people by name within it;
    a person with posts in two organisations is listed once, under the first. One query."""
    posts = (
        Post.objects.filter(organisation__path__startswith=training.organiser.path)
        .filter(current_post_filter())
        .select_related("user", "organisation")
        .order_by("organisation__path", "user__full_name", "user__username")
    )
    groups: dict[int, CandidateGroup] = {}
    seen: set[int] = set()
    for post in posts:
        if post.user_id in seen:
            continue
        seen.add(post.user_id)
        group = groups.setdefault(
            post.organisation_id, CandidateGroup(organisation=post.organisation, people=[])
        )
        group.people.append(post.user)
    return list(groups.values())


@dataclass
class UnitYoungCadres:
    unit: Organisation
    people: int = 0
    hours: Decimal = Decimal(0)
    trained: int = 0
    names: list[str] = field(default_factory=list)

    @property
    def average(self) -> Decimal:
        return (self.hours / self.people).quantize(Decimal("0.1")) if self.people else Decimal(0)


def young_cadres(
    user: User, year: int, today: datetime.date | None = None
) -> list[UnitYoungCadres]:
    """Young cadres (under the configured age) per unit and their party-knowledge hours."""
    today = today or timezone.localdate()
    limit = settings.YOUNG_CADRE_MAX_AGE
    try:
        born_after = today.replace(year=today.year - limit)
    except ValueError:  # 29 February, and the earlier year has none
        born_after = today.replace(year=today.year - limit, day=28)
    posts = (
        Post.objects.filter(
            organisation__in=scope.organisations_for(user, "review"),
            kind__in=CADRE_KINDS,
            user__birth_date__gt=born_after,
        )
        .filter(current_post_filter())
        .select_related("user", "organisation__unit")
    )
    units: dict[int, UnitYoungCadres] = {}
    people: dict[int, int] = {}
    for post in posts:
        unit = post.organisation.unit
        if unit is None or post.user_id in people:
            continue
        row = units.setdefault(unit.pk, UnitYoungCadres(unit=unit))
        row.people += 1
        row.names.append(post.user.display_name)
        people[post.user_id] = unit.pk
    hours = (
        TrainingAttendance.objects.filter(
            person_id__in=people,
            training__held_on__year=year,
            training__is_party_knowledge=True,
        )
        .values("person_id")
        .annotate(total=Sum("hours"))
    )
    for entry in hours:
        row = units[people[entry["person_id"]]]
        row.hours += entry["total"]
        row.trained += 1
    return sorted(units.values(), key=lambda r: r.unit.path)
