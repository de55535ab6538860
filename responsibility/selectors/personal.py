"""Reads of people's own duties (个人履责, #19.1): a person's duties of a year with their
progress, their 分管 and 联系支部 links with the contact branch's progress, and the leaders'
personal progress beside an organisation's. Every page here reads a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from .. import scope
from ..models import (
    AuditEntry,
    Evidence,
    LeaderLink,
    Obligation,
    Organisation,
    PersonalDuty,
    PersonalObligation,
    User,
    Year,
)
from ..models.checklists import completion_percent
from .years import CLOSED_OUT, OPEN


def personal_obligation_queryset() -> QuerySet[PersonalObligation]:
    return PersonalObligation.objects.select_related(
        "duty", "person", "organisation__tier", "year", "updated_by"
    )


def my_personal_obligations(
    user: User, *, today: datetime.date, soon: datetime.date
) -> list[PersonalObligation]:
    """The person's own open obligations of an active year that are due soon, overdue or of the
    current period: one query (pobl_person_year_due_idx)."""
    return list(
        PersonalObligation.objects.filter(
            person_id=user.pk,
            year__status=Year.Status.ACTIVE,
            status__in=OPEN,
            duty__is_active=True,
        )
        .filter(Q(due_date__lte=soon) | Q(period_start__lte=today, period_end__gte=today))
        .select_related("duty", "organisation", "year")
        .order_by("due_date", "duty__sort_order", "pk")
    )


@dataclass
class Tally:
    total: int = 0
    done: int = 0
    overdue: int = 0
    late: int = 0

    @property
    def percent(self) -> int:
        return completion_percent(done=self.done, overdue=self.overdue, total=self.total)

    def count(self, obligation: PersonalObligation, today: datetime.date) -> None:
        self.total += 1
        if obligation.status in CLOSED_OUT:
            self.done += 1
        elif obligation.due_date < today:
            self.overdue += 1
        if obligation.is_late:
            self.late += 1


@dataclass
class DutyRow:
    """One duty of the person's list with its obligations (the period chips) and progress."""

    ref: str
    content: str
    standard: str
    frequency_label: str
    organisation_name: str
    obligations: list[PersonalObligation] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)


@dataclass
class ContactRow:
    """A 分管 or 联系支部 link, with the organisation's progress for the year."""

    link: LeaderLink
    tally: Tally


@dataclass
class PersonDuties:
    person: User
    year: Year | None
    duties: list[DutyRow]
    tally: Tally
    links: list[ContactRow]


def person_duties(
    viewer: User, person: User, year: Year | None, *, today: datetime.date | None = None
) -> PersonDuties:
    """A person's page (我的履责): their duties of the year that the viewer may see, their links
    (current and past) and each linked organisation's progress: three queries at any size."""
    today = today or timezone.localdate()
    duties: dict[int, DutyRow] = {}
    tally = Tally()
    if year is not None:
        rows = scope.filter_for(
            viewer,
            PersonalObligation.objects.filter(person=person, year=year, duty__is_active=True),
            action="view_personal",
        ).select_related("duty", "organisation")
        for obligation in rows.order_by("organisation__path", "duty__sort_order", "period_start"):
            duty = obligation.duty
            row = duties.get(duty.pk)
            if row is None:
                row = duties[duty.pk] = DutyRow(
                    ref=duty.ref,
                    content=duty.content,
                    standard=duty.standard,
                    frequency_label=duty.get_frequency_display(),
                    organisation_name=obligation.organisation.name,
                )
            row.obligations.append(obligation)
            row.tally.count(obligation, today)
            tally.count(obligation, today)
    links = list(
        LeaderLink.objects.filter(person=person)
        .select_related("organisation")
        .order_by("-end_date", "kind", "start_date", "pk")
    )
    progress = organisation_tallies([link.organisation_id for link in links], year, today)
    return PersonDuties(
        person=person,
        year=year,
        duties=list(duties.values()),
        tally=tally,
        links=[ContactRow(link, progress.get(link.organisation_id, Tally())) for link in links],
    )


def planned_duties(viewer: User, person: User) -> list[PersonalDuty]:
    """The person's duties of a year still in planning, to be adjusted before it starts (one
    query)."""
    return list(
        scope.filter_for(
            viewer,
            PersonalDuty.objects.filter(person=person, year__status=Year.Status.PLANNING),
            action="view_personal",
        )
        .select_related("year", "organisation")
        .order_by("year__year", "organisation__path", "sort_order", "ref")
    )


def organisation_tallies(
    organisation_ids: list[int], year: Year | None, today: datetime.date
) -> dict[int, Tally]:
    """The organisations' progress on their own checklists for the year (one query, none
    without organisations): the counts the progress overview and checklist pages show."""
    if not organisation_ids or year is None:
        return {}
    counts = (
        Obligation.objects.filter(year=year, organisation_id__in=organisation_ids)
        .values("organisation_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status__in=CLOSED_OUT)),
            overdue=Count("pk", filter=Q(status__in=OPEN, due_date__lt=today)),
            late=Count("pk", filter=Q(is_late=True)),
        )
        .values_list("organisation_id", "total", "done", "overdue", "late")
        .order_by()
    )
    return {pk: Tally(total, done, overdue, late) for pk, total, done, overdue, late in counts}


@dataclass
class LeaderRow:
    """A leader's personal progress, beside their organisation's (organisation page)."""

    person_id: int
    name: str
    tally: Tally


def leaders_progress(
    viewer: User, organisation: Organisation, year: Year | None, *, today: datetime.date
) -> list[LeaderRow]:
    """Each person with personal duties in the organisation for the year that the viewer may
    see, with completion and overdue counts: one query (none without a year)."""
    if year is None:
        return []
    rows = (
        scope.filter_for(
            viewer,
            PersonalObligation.objects.filter(
                organisation=organisation, year=year, duty__is_active=True
            ),
            action="view_personal",
        )
        .values("person_id", "person__full_name", "person__username")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status__in=CLOSED_OUT)),
            overdue=Count("pk", filter=Q(status__in=OPEN, due_date__lt=today)),
            late=Count("pk", filter=Q(is_late=True)),
        )
        .values_list(
            "person_id", "person__full_name", "person__username", "total", "done", "overdue", "late"
        )
        .order_by("person__full_name", "person_id")
    )
    return [
        LeaderRow(pk, full_name or username, Tally(total, done, overdue, late))
        for pk, full_name, username, total, done, overdue, late in rows
    ]


def personal_obligation_evidence(obligation: PersonalObligation) -> list[Evidence]:
    return list(obligation.evidence.select_related("uploaded_by").order_by("uploaded_at"))


def personal_obligation_history(obligation: PersonalObligation) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type=PersonalObligation._meta.label_lower, object_id=str(obligation.pk)
        ).select_related("actor")
    )
