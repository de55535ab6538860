"""Reads of a checklist: its page (groups, items, chips) and the organisation's opinions.
Each page's query count is decided here."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from .. import scope
from ..links import pk_url
from ..models import (
    Checklist,
    ChecklistItem,
    Frequency,
    Obligation,
    Opinion,
    Organisation,
    Post,
    User,
    Year,
)
from ..models.checklists import completion_percent, obligation_light
from .key_points import key_point_links
from .obligations import status_labels
from .years import CLOSED_OUT, OPEN

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
    # The point of the 机关党委's key-points list the item answers, linked to its row there.
    key_point_ref: str = ""
    key_point_content: str = ""
    key_point_url: str = ""
    key_point_edit_url: str = ""


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
        .select_related("checklist", "parent_item__checklist")
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
    point_urls = key_point_links(items, year.year)
    point_edit_url = pk_url("checklist_item_key_point")
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
                key_point_ref=item.parent_item.ref if item.parent_item else "",
                key_point_content=item.parent_item.content if item.parent_item else "",
                key_point_url=point_urls.get(item.parent_item_id or 0, ""),
                key_point_edit_url=point_edit_url(item.pk),
            )
        )
    return ChecklistPage(
        checklist=checklist,
        groups=[g for g in groups.values() if g.items or not (group or filtering)],
        **totals,
    )


# --- opinions ----------------------------------------------------------------------------------


def _named_key_points() -> Prefetch[str, QuerySet[ChecklistItem], str]:
    """The key points opinions name (one query for all of them), each with its checklist, which
    says whose key-points page it links to."""
    return Prefetch(
        "key_points",
        queryset=ChecklistItem.objects.select_related("checklist").order_by("sort_order", "ref"),
    )


def opinion_for(organisation: Organisation, year: Year) -> Opinion | None:
    return (
        Opinion.objects.filter(organisation=organisation, year=year)
        .select_related("submitted_by", "acknowledged_by")
        .prefetch_related(_named_key_points())
        .first()
    )


def opinions_to_acknowledge(user: User, year: Year) -> list[Opinion]:
    return list(
        Opinion.objects.filter(year=year, organisation__in=scope.organisations_for(user, "review"))
        .select_related("organisation", "submitted_by", "acknowledged_by")
        .prefetch_related(_named_key_points())
        .order_by("acknowledged_at", "-submitted_at")
    )
