"""Reads of findings and rectifications: the ledger (整改台账), a rectification's progress
and history, who may be made responsible."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

from django.core.paginator import Page
from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from responsibility import scope
from responsibility.links import pk_url
from responsibility.models import AuditEntry, Tier, User
from responsibility.pagination import CountedPaginator
from responsibility.selectors import history_for

from ..models import (
    AccountabilityCase,
    Finding,
    Rectification,
    RectificationProgress,
)
from .inbox import PAGE_SIZE

# --- findings ----------------------------------------------------------------------------------


def finding_queryset() -> QuerySet[Finding]:
    return Finding.objects.select_related("organisation__tier", "organisation__unit", "recorded_by")


def findings(user: User) -> QuerySet[Finding]:
    """Findings about organisations the person may view, newest first."""
    return finding_queryset().filter(organisation__in=scope.organisations_for(user))


def finding_rectifications(finding: Finding) -> list[Rectification]:
    return list(
        Rectification.objects.filter(
            source_type=Rectification.SourceType.FINDING, source_id=finding.pk
        )
    )


# --- rectifications ----------------------------------------------------------------------------


def rectification_queryset() -> QuerySet[Rectification]:
    return Rectification.objects.select_related(
        "organisation__tier", "organisation__unit", "responsible_person", "year"
    )


@dataclass
class UnitCount:
    unit_id: int | None
    name: str
    total: int = 0
    pending: int = 0
    in_progress: int = 0
    submitted: int = 0
    closed: int = 0
    overdue: int = 0


COUNT_KEYS = ("total", "pending", "in_progress", "submitted", "closed", "overdue")


@dataclass
class Ledger:
    page: Page[Rectification]
    counts: list[UnitCount] = field(default_factory=list)


@dataclass(frozen=True)
class LedgerFilters:
    unit: int | None = None
    state: str = ""
    source: str = ""
    year: int | None = None

    @property
    def as_query(self) -> dict[str, str]:
        values = {
            "unit": str(self.unit or ""),
            "state": self.state,
            "source": self.source,
            "year": str(self.year or ""),
        }
        return {key: value for key, value in values.items() if value}


def ledger_rows(
    user: User, filters: LedgerFilters, *, today: datetime.date | None = None
) -> QuerySet[Rectification]:
    """The rectifications in the person's view scope that match the ledger's filters."""
    today = today or timezone.localdate()
    # Only what a ledger row shows: each extra join made the page query slower to plan than
    # to run (5.4 ms planning with tier and year too, province benchmark).
    rows = Rectification.objects.select_related("organisation__unit", "responsible_person").filter(
        organisation__in=scope.organisations_for(user)
    )
    if filters.unit:
        rows = rows.filter(organisation__unit_id=filters.unit)
    if filters.state == Rectification.OVERDUE:
        rows = rows.filter(Rectification.overdue_filter(today))
    elif filters.state:
        rows = rows.filter(state=filters.state)
    if filters.source:
        rows = rows.filter(source_type=filters.source)
    if filters.year:
        rows = rows.filter(year__year=filters.year)
    # Work still to do first (earliest deadline, so overdue ones lead), then what awaits
    # verification, then what is closed: the ledger is read from the top.
    stage = Case(
        When(state=Rectification.State.CLOSED, then=Value(2)),
        When(state=Rectification.State.SUBMITTED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return rows.order_by(stage, "deadline", "pk")


@dataclass(frozen=True)
class LedgerRow:
    """What a ledger row shows (Jinja2: accountability/_ledger_rows.html); the state fields are
    named as Rectification's, so the state badge reads either."""

    pk: int
    url: str
    organisation_name: str
    unit_name: str
    problem: str
    source_label: str
    person_name: str
    deadline: datetime.date
    display_state: str
    display_state_label: str
    is_late: bool
    returned_count: int


# What a ledger row reads: a rectification has five text fields the page never prints, and its
# person a password hash.
LEDGER_ROW_FIELDS = (
    "organisation__name",
    "organisation__unit__name",
    "responsible_person__username",
    "responsible_person__first_name",
    "responsible_person__last_name",
    "responsible_person__full_name",
    "source_type",
    "problem",
    "deadline",
    "state",
    "is_late",
    "returned_count",
)


def ledger(
    user: User, filters: LedgerFilters, *, page: int | str = 1, today: datetime.date | None = None
) -> Ledger:
    """Counts per unit and one page of rows: 2 queries at any size."""
    today = today or timezone.localdate()
    rows = ledger_rows(user, filters, today=today)
    # Counts show every state of every unit, whatever state or unit the list is filtered to.
    overview = ledger_rows(user, replace(filters, state="", unit=None), today=today)
    per_unit = (
        overview.order_by()
        .values("organisation__unit_id", "organisation__unit__name")
        .annotate(
            total=Count("pk"),
            pending=Count("pk", filter=Q(state=Rectification.State.PENDING)),
            in_progress=Count("pk", filter=Q(state=Rectification.State.IN_PROGRESS)),
            submitted=Count("pk", filter=Q(state=Rectification.State.SUBMITTED)),
            closed=Count("pk", filter=Q(state=Rectification.State.CLOSED)),
            overdue=Count("pk", filter=Rectification.overdue_filter(today)),
        )
        .order_by("organisation__unit__sort_order", "organisation__unit__path")
    )
    counts = [
        UnitCount(
            unit_id=entry["organisation__unit_id"],
            name=entry["organisation__unit__name"] or "",
            **{key: entry[key] for key in COUNT_KEYS},
        )
        for entry in per_unit
    ]
    paginator = CountedPaginator(
        rows.only(*LEDGER_ROW_FIELDS), PAGE_SIZE, count=listed_count(counts, filters)
    )
    current = paginator.get_page(page)
    # Labels and the link pattern once a page: row by row they were most of the page's cost.
    url = pk_url("rectification_detail")
    sources = {value: str(label) for value, label in Rectification.SourceType.choices}
    states = {value: str(label) for value, label in Rectification.State.choices}
    overdue = gettext("逾期")
    ledger_page = []
    for r in current.object_list:
        organisation, person = r.organisation, r.responsible_person
        is_overdue = r.is_overdue(today)
        ledger_page.append(
            LedgerRow(
                pk=r.pk,
                url=url(r.pk),
                organisation_name=organisation.name,
                unit_name=organisation.unit.name if organisation.unit else "",
                problem=r.problem,
                source_label=sources.get(r.source_type, r.source_type),
                person_name=person.display_name if person else "",
                deadline=r.deadline,
                display_state=Rectification.OVERDUE if is_overdue else r.state,
                display_state_label=overdue if is_overdue else states.get(r.state, r.state),
                is_late=r.is_late,
                returned_count=r.returned_count,
            )
        )
    current.object_list = ledger_page
    return Ledger(page=current, counts=counts)


def listed_count(counts: list[UnitCount], filters: LedgerFilters) -> int:
    """How many rows the filtered list holds, read off the per-unit counts: they are taken
    with the same source and year filters, in a column per state and one for overdue."""
    column = filters.state or "total"
    return sum(
        getattr(row, column)
        for row in counts
        if filters.unit is None or row.unit_id == filters.unit
    )


def ledger_units(user: User) -> list[tuple[int, str]]:
    """The units a person may filter the ledger by, as (id, name) choices."""
    return list(
        scope.organisations_for(user)
        .filter(tier__kind=Tier.Kind.UNIT)
        .order_by("sort_order", "path")
        .values_list("pk", "name")
    )


def rectification_progress(rectification: Rectification) -> list[RectificationProgress]:
    return list(
        rectification.progress.select_related("created_by").prefetch_related(
            Prefetch("evidence", to_attr="files")
        )
    )


def history(obj: Rectification | Finding | AccountabilityCase) -> list[AuditEntry]:
    return list(history_for(obj._meta.label_lower, obj.pk))
