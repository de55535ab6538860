"""Reads of the reviewers' progress overview (月度进度): one row per organisation."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext

from .. import scope, work_versions
from ..links import pk_url
from ..models import Obligation, Organisation, Tier, User, Year
from ..models.checklists import completion_percent
from ..pagination import CountedPaginator
from .years import CLOSED_OUT, OPEN

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
    page: Page[Organisation]  # the page of organisations shown, with the paginator for the links
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
    organisations = reviewable.filter(unit_id=unit) if unit else reviewable

    def frame() -> tuple[list[tuple[int, str]], int]:
        # Tuples, not instances: the working committee's filter lists 100 units on every page.
        units = Organisation.objects.filter(pk__in=reviewable.values("unit_id")).order_by("path")
        return list(units.values_list("pk", "name")), organisations.count()

    # The unit filter and the count change only with the tree: kept while it stands, they
    # cost one query instead of two (2.3 ms of the committee's page, bench/README.md).
    covered = scope.scope_for(user).cache_key("review")
    key = f"progress:{hashlib.sha256(covered.encode()).hexdigest()[:32]}:{unit or ''}"
    units, count = work_versions.cached(key, (Organisation, Tier), frame)
    unit_names = dict(units)
    paginator = CountedPaginator(
        organisations.select_related("tier").order_by("path"), per_page, count=count
    )
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
