"""Reads for responsibility lists. Each page's query count is decided here."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Q, QuerySet, When
from django.db.models.functions import ExtractMonth
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from .. import scope
from ..links import pk_url
from ..models import (
    AuditEntry,
    Checklist,
    ChecklistItem,
    Evidence,
    Frequency,
    Obligation,
    Opinion,
    Organisation,
    Post,
    ReopenRequest,
    User,
    Year,
)
from ..models.checklists import DUE_SOON_DAYS, completion_percent, obligation_light

OPEN = Obligation.OPEN_STATUSES
CLOSED_OUT = Obligation.CLOSED_OUT_STATUSES


def years() -> QuerySet[Year]:
    return Year.objects.all()


def current_year() -> Year | None:
    """The active year, else the newest one, in one query. Every page's navigation reads it
    (once per request, `current_year_for`). Not cached: it is the same for everyone, so no
    version comes free with a request, and a per-process copy would outlive a year's
    activation in the other workers; measured on the demo database the read took 0.4–0.6 ms."""
    active_first = Case(When(status=Year.Status.ACTIVE, then=0), default=1)
    return Year.objects.order_by(active_first, "-year").first()


def current_year_for(request: HttpRequest) -> Year | None:
    """`current_year()`, read once per request: the navigation shows it on every page, and a
    page that also needs it shares the same row instead of reading it a second time."""
    if not hasattr(request, "_current_year"):
        request._current_year = current_year()  # type: ignore[attr-defined]
    return request._current_year  # type: ignore[attr-defined]


def year_for(request: HttpRequest, number: int | None = None) -> Year:
    """The year a page is about: the one its URL names, else the current one; 404 when there
    is none. The current year is the navigation's own row (`current_year_for`), so a page
    about it, which most are, reads no year of its own."""
    found = current_year_for(request)
    if number and (found is None or found.year != number):
        found = Year.objects.filter(year=number).first()
    if found is None:
        raise Http404
    return found


def obligation_queryset() -> QuerySet[Obligation]:
    return Obligation.objects.select_related(
        "item__checklist", "organisation__tier", "year", "updated_by"
    )


# --- My work -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedRow:
    """An overdue obligation whose entry has closed: only a reviewer can reopen it, so My work
    offers the request (申请重新开放) and shows the latest one's state instead of "do it now"."""

    obligation: Obligation
    request: ReopenRequest | None


@dataclass
class MyWork:
    overdue: list[Obligation] = field(default_factory=list)
    due_soon: list[Obligation] = field(default_factory=list)
    this_period: list[Obligation] = field(default_factory=list)
    overdue_open: list[Obligation] = field(default_factory=list)  # still open for entry
    overdue_closed: list[ClosedRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.this_period)


def my_work(user: User, *, today: datetime.date | None = None) -> MyWork:
    """Open obligations of the organisations the user fills in for: one query, and one more
    for the reopen requests when some overdue obligation's entry has closed."""
    today = today or timezone.localdate()
    officer_ids = scope.scope_for(user).officer_ids
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    rows = (
        Obligation.objects.filter(
            organisation_id__in=officer_ids,
            year__status=Year.Status.ACTIVE,
            status__in=OPEN,
        )
        .filter(Q(due_date__lte=soon) | Q(period_start__lte=today, period_end__gte=today))
        .select_related("item", "organisation", "year")
        .order_by("due_date", "organisation__path", "item__sort_order")
    )
    work = MyWork()
    closed: list[Obligation] = []
    for obligation in rows:
        if obligation.due_date < today:
            work.overdue.append(obligation)
            if obligation.entry_open(obligation.year.entry_grace_days, today):
                work.overdue_open.append(obligation)
            else:
                closed.append(obligation)
        elif obligation.due_date <= soon:
            work.due_soon.append(obligation)
        else:
            work.this_period.append(obligation)
    latest = latest_reopen_requests(closed) if closed else {}
    work.overdue_closed = [ClosedRow(o, latest.get(o.pk)) for o in closed]
    return work


@dataclass(frozen=True)
class ObligationRow:
    """What a row of My work's tables shows (Jinja2: responsibility/_obligation_rows.html)."""

    url: str
    content: str
    ref: str
    group: str
    organisation_name: str
    period_label: str
    due_date: datetime.date
    badge: Badge


@dataclass(frozen=True)
class Badge:
    """An obligation's status as a badge: done, not applicable, or its light (red overdue,
    yellow due within 5 days, green on track with its status label); plus the late mark."""

    kind: str  # done, not_applicable, red, yellow or on_track
    status_label: str
    is_late: bool

    @classmethod
    def of(cls, obligation: Obligation, today: datetime.date, labels: dict[str, str]) -> Badge:
        status = obligation.status
        kind = "on_track"
        if status in (Obligation.Status.DONE, Obligation.Status.NOT_APPLICABLE):
            kind = status
        else:
            light = obligation_light(status, obligation.due_date, today)
            if light in (Obligation.Light.RED, Obligation.Light.YELLOW):
                kind = light
        return cls(kind=kind, status_label=labels.get(status, status), is_late=obligation.is_late)


def status_labels() -> dict[str, str]:
    """The statuses' labels once a page: translating a lazy label costs more than the rest of
    a chip or a row."""
    return {value: str(label) for value, label in Obligation.Status.choices}


def obligation_badge(obligation: Obligation, *, today: datetime.date | None = None) -> Badge:
    return Badge.of(obligation, today or timezone.localdate(), status_labels())


def obligation_rows(
    obligations: list[Obligation], *, today: datetime.date | None = None
) -> list[ObligationRow]:
    """My work's rows of obligations read with their item and organisation."""
    today = today or timezone.localdate()
    url, labels = pk_url("obligation_detail"), status_labels()
    return [
        ObligationRow(
            url=url(o.pk),
            content=o.item.content,
            ref=o.item.ref,
            group=o.item.group,
            organisation_name=o.organisation.name,
            period_label=o.period_label,
            due_date=o.due_date,
            badge=Badge.of(o, today, labels),
        )
        for o in obligations
    ]


def latest_reopen_requests(obligations: list[Obligation]) -> dict[int, ReopenRequest]:
    """Each obligation's latest reopen request: one query."""
    latest: dict[int, ReopenRequest] = {}
    requests = ReopenRequest.objects.filter(obligation__in=obligations).order_by(
        "obligation_id", "-requested_at", "-pk"
    )
    for request in requests:
        latest.setdefault(request.obligation_id, request)
    return latest


def reopen_requests(obligation: Obligation) -> list[ReopenRequest]:
    """The obligation's reopen requests, newest first, with who asked and who decided."""
    return list(
        ReopenRequest.objects.filter(obligation=obligation).select_related(
            "requested_by", "decided_by"
        )
    )


# --- checklist page ----------------------------------------------------------------------------


@dataclass
class GroupProgress:
    name: str
    items: list[ItemRow] = field(default_factory=list)
    points: Decimal = Decimal(0)
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return completion_percent(done=self.done, overdue=self.overdue, total=self.total)


@dataclass
class ChecklistPage:
    checklist: Checklist
    groups: list[GroupProgress]
    total: int
    done: int
    overdue: int
    late: int

    @property
    def due(self) -> int:
        """Obligations that count towards the completion rate (done, or past due)."""
        return self.done + self.overdue

    @property
    def percent(self) -> int:
        return completion_percent(done=self.done, overdue=self.overdue, total=self.total)


def checklist_for(organisation: Organisation, year: Year) -> Checklist | None:
    """The organisation's checklist for the year, holding the objects the caller already has
    (joining them again cost more than the query itself: ~0.8 ms of ORM work a request)."""
    checklist = Checklist.objects.filter(organisation=organisation, year=year).first()
    if checklist is not None:
        checklist.organisation, checklist.year = organisation, year
    return checklist


class ChipRow(NamedTuple):
    """What the checklist page shows of an obligation. Read as plain rows: a branch's ~80
    obligations cost about half as much as model instances (1.8 against 3.5 ms, profiled)."""

    pk: int
    item_id: int
    period_start: datetime.date
    period_end: datetime.date
    period_label: str
    due_date: datetime.date
    status: str
    is_late: bool

    def light(self, today: datetime.date) -> str:
        return obligation_light(self.status, self.due_date, today)


@dataclass(frozen=True)
class Chip:
    """One obligation as a chip (Jinja2: responsibility/_chips.html): its period, light, done
    tick and late mark, linking to the obligation."""

    pk: int
    url: str
    period_start: datetime.date
    period_end: datetime.date
    period_label: str
    due_date: datetime.date
    status: str
    status_label: str
    light: str
    is_late: bool


def chips(
    rows: Iterable[ChipRow],
    today: datetime.date,
    *,
    url: Callable[[int], str] | None = None,
    labels: dict[str, str] | None = None,
) -> list[Chip]:
    """The rows as chips; a page of many items passes its link pattern and labels once."""
    url = url or pk_url("obligation_detail")
    labels = labels or status_labels()
    return [
        Chip(
            pk=row.pk,
            url=url(row.pk),
            period_start=row.period_start,
            period_end=row.period_end,
            period_label=row.period_label,
            due_date=row.due_date,
            status=row.status,
            status_label=labels.get(row.status, row.status),
            light=row.light(today),
            is_late=row.is_late,
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ItemRow:
    """What the checklist page shows of an item (Jinja2: responsibility/_checklist_groups.html):
    what to do, how often, points, evidence, who, the standard, and its obligations' chips."""

    ref: str
    content: str
    frequency_label: str
    required_count: int
    points: Decimal
    evidence: str
    responsible_post_label: str
    standard: str
    as_needed: bool
    edit_url: str
    record_url: str
    obligations: list[Chip]


def checklist_page(
    organisation: Organisation,
    year: Year,
    *,
    group: str = "",
    status: str = "",
    month: int | None = None,
    today: datetime.date | None = None,
) -> ChecklistPage | None:
    """The organisation's checklist for the year, its items by group with their (filtered)
    obligations, and progress over all of them; None when it has no checklist that year.

    Two queries: the items carry their checklist (a separate query for it cost ~1.5 ms of a
    ~40 ms request on the province benchmark), and the obligations are read by organisation and
    year through their own index, without joining the items. A checklist with no items yet
    costs one more query, to tell it from no checklist at all."""
    today = today or timezone.localdate()
    items = list(
        ChecklistItem.objects.filter(checklist__organisation=organisation, checklist__year=year)
        .select_related("checklist")
        .order_by("sort_order", "ref")
    )
    checklist = items[0].checklist if items else checklist_for(organisation, year)
    if checklist is None:
        return None
    checklist.organisation, checklist.year = organisation, year
    obligations = [
        ChipRow(*row)
        for row in Obligation.objects.filter(organisation=organisation, year=year)
        .order_by("period_start", "pk")
        .values_list(*ChipRow._fields)
    ]
    by_item: dict[int, list[ChipRow]] = defaultdict(list)
    groups: dict[str, GroupProgress] = {}
    totals = {"total": 0, "done": 0, "overdue": 0, "late": 0}
    item_group = {item.pk: item.group for item in items}
    for item in items:
        groups.setdefault(item.group, GroupProgress(name=item.group)).points += item.points
    for obligation in obligations:
        progress = groups[item_group[obligation.item_id]]
        progress.total += 1
        totals["total"] += 1
        if obligation.status in CLOSED_OUT:
            progress.done += 1
            totals["done"] += 1
        elif obligation.due_date < today:
            progress.overdue += 1
            totals["overdue"] += 1
        if obligation.is_late:
            totals["late"] += 1
        if status == "overdue":
            keep = obligation.status in OPEN and obligation.due_date < today
        else:
            keep = not status or obligation.status == status
        if keep and month is not None:
            keep = obligation.period_start.month <= month <= obligation.period_end.month
        if keep:
            by_item[obligation.item_id].append(obligation)
    filtering = bool(status or month)
    # Labels once per page: get_FOO_display translates every choice on each call (~5 ms here).
    frequencies = {value: str(label) for value, label in Frequency.choices}
    posts = {value: str(label) for value, label in Post.Kind.choices}
    edit_url, record_url = pk_url("checklist_item_edit"), pk_url("occurrence_create")
    chip_url, labels = pk_url("obligation_detail"), status_labels()
    for item in items:
        if group and item.group != group:
            continue
        shown = by_item.get(item.pk, [])
        if filtering and not shown:
            continue
        groups[item.group].items.append(
            ItemRow(
                ref=item.ref,
                content=item.content,
                frequency_label=frequencies.get(item.frequency, item.frequency),
                required_count=item.required_count,
                points=item.points,
                evidence=item.evidence,
                responsible_post_label=posts.get(item.responsible_post, item.responsible_post),
                standard=item.standard,
                as_needed=item.frequency == Frequency.AS_NEEDED,
                edit_url=edit_url(item.pk),
                record_url=record_url(item.pk),
                obligations=chips(shown, today, url=chip_url, labels=labels),
            )
        )
    return ChecklistPage(
        checklist=checklist,
        groups=[g for g in groups.values() if g.items or not (group or filtering)],
        **totals,
    )


# --- obligation page ---------------------------------------------------------------------------


def obligation_evidence(obligation: Obligation) -> list[Evidence]:
    return list(obligation.evidence.select_related("uploaded_by").order_by("uploaded_at"))


def reusable_evidence(obligation: Obligation, limit: int = 20) -> list[Evidence]:
    """The organisation's recent files, so one file can support several obligations."""
    return list(
        Evidence.objects.filter(organisation_id=obligation.organisation_id, reviewers_only=False)
        .exclude(obligations=obligation)
        .order_by("-uploaded_at")[:limit]
    )


def obligation_history(obligation: Obligation) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type=Obligation._meta.label_lower, object_id=str(obligation.pk)
        ).select_related("actor")
    )


# --- reviewer overview -------------------------------------------------------------------------


@dataclass
class MonthCell:
    total: int = 0
    done: int = 0
    overdue: int = 0
    label: str = ""  # "6月 已完成 3 / 4" for the link; translated once a page, not once a cell

    @property
    def light(self) -> str:
        if self.total == 0:
            return ""
        if self.overdue:
            return "red"
        if self.done == self.total:
            return "green"
        return "yellow"


@dataclass
class ProgressRow:
    """An organisation's row of the progress overview
    (Jinja2: responsibility/_progress_rows.html), linking to its checklist."""

    organisation_id: int
    name: str
    tier_name: str
    url: str
    months: list[MonthCell]
    unit_name: str = ""
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return completion_percent(done=self.done, overdue=self.overdue, total=self.total)


@dataclass
class ProgressOverview:
    rows: list[ProgressRow]
    page: Page  # the page of organisations shown, with the paginator for the links
    units: list[tuple[int, str]]  # (pk, name) of the units for the filter; [] if only one


# Organisations per page, each with 12 month cells. At 50 the working committee's page cost
# ~1.8× the floor page and ~100 KB; at 30, ~1.5× and ~65 KB (bench/README.md).
PROGRESS_PAGE_SIZE = 30


def progress_overview(
    user: User,
    year: Year,
    *,
    today: datetime.date | None = None,
    unit: int | None = None,
    page: int | str | None = 1,
    per_page: int = PROGRESS_PAGE_SIZE,
) -> ProgressOverview:
    """One page of the organisations the user reviews × month of period end: 4 queries at any
    size (the units for the filter, the count, the page, its obligations' counts).

    A working-committee reviewer reviews ~3,000 organisations: one page of all of them took
    ~3 s and 6 MB of HTML (province benchmark), so it is paginated and can be narrowed to a unit.
    """
    today = today or timezone.localdate()
    reviewable = scope.organisations_for(user, "review").filter(tier__has_checklist=True)
    # Tuples, not instances: the working committee's filter lists 100 units on every page.
    units = list(
        Organisation.objects.filter(pk__in=reviewable.values("unit_id"))
        .order_by("path")
        .values_list("pk", "name")
    )
    unit_names = dict(units)
    organisations = reviewable.filter(unit_id=unit) if unit else reviewable
    paginator = Paginator(organisations.select_related("tier").order_by("path"), per_page)
    current = paginator.get_page(page)
    checklist_url = pk_url("checklist_detail", year.year)
    rows = {
        org.pk: ProgressRow(
            organisation_id=org.pk,
            name=org.name,
            tier_name=org.tier.name,
            url=checklist_url(org.pk),
            months=[MonthCell() for _ in range(12)],
            unit_name=unit_names.get(org.unit_id, ""),
        )
        for org in current.object_list
    }
    overview = ProgressOverview(
        rows=list(rows.values()), page=current, units=units if len(units) > 1 else []
    )
    if not rows:
        return overview
    counts = (
        Obligation.objects.filter(year=year, organisation_id__in=list(rows))
        .annotate(month=ExtractMonth("period_end"))
        .values("organisation_id", "month")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(status__in=CLOSED_OUT)),
            overdue=Count("pk", filter=Q(status__in=OPEN, due_date__lt=today)),
        )
        .values_list("organisation_id", "month", "total", "done", "overdue")
        .order_by()
    )
    label = gettext("%(m)s月 已完成 %(d)s / %(t)s")
    # Tuples, not dicts: a page of 50 organisations has ~330 of these.
    for organisation_id, month, total, done, overdue in counts:
        row = rows[organisation_id]
        cell = row.months[month - 1]
        cell.total, cell.done, cell.overdue = total, done, overdue
        cell.label = label % {"m": month, "d": done, "t": total}
        row.total += total
        row.done += done
        row.overdue += overdue
    return overview


# --- opinions ----------------------------------------------------------------------------------


def opinion_for(organisation: Organisation, year: Year) -> Opinion | None:
    return (
        Opinion.objects.filter(organisation=organisation, year=year)
        .select_related("submitted_by", "acknowledged_by")
        .first()
    )


def opinions_to_acknowledge(user: User, year: Year) -> list[Opinion]:
    return list(
        Opinion.objects.filter(year=year, organisation__in=scope.organisations_for(user, "review"))
        .select_related("organisation", "submitted_by", "acknowledged_by")
        .order_by("acknowledged_at", "-submitted_at")
    )
