"""Reads of a 机关党委's annual key-points list (工作要点清单): its points, how the branches
below it answer them, and the branches' opinions (意见建议) on them.

The key points are the 机关党委's own checklist for the year; a branch item answers one of them
through `ChecklistItem.parent_item`, an opinion names those it addresses (`Opinion.key_points`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from .. import scope
from ..links import pk_url
from ..models import Checklist, ChecklistItem, Opinion, Organisation, Tier, User, Year
from ..models.checklists import completion_percent
from .years import CLOSED_OUT, OPEN


def key_points_for(organisation: Organisation, year: Year) -> QuerySet[ChecklistItem]:
    """The points a branch's items and opinion may answer: its own 机关党委's list, that year
    (the nearest 机关党委 above it; a branch under a 党总支 answers the same one)."""
    return ChecklistItem.objects.filter(
        checklist__year=year,
        checklist__organisation_id__in=organisation.ancestor_ids,
        checklist__organisation__tier__kind=Tier.Kind.ORGAN_COMMITTEE,
    ).order_by("sort_order", "ref")


def key_point_url(organisation_id: int, year: int, point_id: int) -> str:
    """Where one point is shown: its row on the 机关党委's key-points page."""
    return f"{reverse('key_point_list', args=[organisation_id, year])}#kp-{point_id}"


@dataclass(frozen=True)
class KeyPointOpinion:
    """A branch's opinion naming a point: who, what (the whole text; it is one a year), and
    whether the 机关党委 has acknowledged it."""

    organisation: str
    content: str
    url: str
    acknowledged: bool


@dataclass
class KeyPointRow:
    """One point with the branches' progress on it: the branch items answering it and their
    obligations (done, overdue, and due = done + overdue, as the completion rate counts)."""

    pk: int
    ref: str
    group: str
    content: str
    standard: str
    branches: int = 0
    items: int = 0
    total: int = 0
    done: int = 0
    overdue: int = 0
    opinions: list[KeyPointOpinion] = field(default_factory=list)

    @property
    def anchor(self) -> str:
        return f"kp-{self.pk}"

    @property
    def due(self) -> int:
        return self.done + self.overdue

    @property
    def percent(self) -> int:
        return completion_percent(done=self.done, overdue=self.overdue, total=self.total)


@dataclass
class KeyPointsPage:
    organisation: Organisation
    year: Year
    checklist: Checklist | None
    points: list[KeyPointRow]
    branch_count: int  # branches below the 机关党委 with a checklist that year

    @property
    def answered(self) -> int:
        return sum(1 for point in self.points if point.items)


def key_points_page(
    user: User, organisation: Organisation, year: Year, *, today: datetime.date | None = None
) -> KeyPointsPage:
    """The 机关党委's points for the year with the branches' progress and opinions on each.

    Four queries whatever the number of branches: the points, one aggregate over the branch
    items answering them and their obligations, the branches with a checklist, and the opinions
    naming the points that the person may see (a branch officer sees their own branch's; the
    progress figures are totals over all branches, naming none)."""
    today = today or timezone.localdate()
    points = list(
        ChecklistItem.objects.filter(checklist__organisation=organisation, checklist__year=year)
        .select_related("checklist")
        .order_by("sort_order", "ref")
    )
    rows = {
        point.pk: KeyPointRow(
            pk=point.pk,
            ref=point.ref,
            group=point.group,
            content=point.content,
            standard=point.standard,
        )
        for point in points
    }
    checklist = points[0].checklist if points else None
    if checklist is None:
        checklist = Checklist.objects.filter(organisation=organisation, year=year).first()
    if rows:
        answering = (
            ChecklistItem.objects.filter(parent_item__in=list(rows), checklist__year=year)
            .values("parent_item")
            .annotate(
                items=Count("pk", distinct=True),
                branches=Count("checklist__organisation", distinct=True),
                total=Count("obligations"),
                done=Count("obligations", filter=Q(obligations__status__in=CLOSED_OUT)),
                overdue=Count(
                    "obligations",
                    filter=Q(obligations__status__in=OPEN, obligations__due_date__lt=today),
                ),
            )
            .order_by()
        )
        for progress in answering:
            row = rows[progress["parent_item"]]
            row.items, row.branches = progress["items"], progress["branches"]
            row.total, row.done = progress["total"], progress["done"]
            row.overdue = progress["overdue"]
        _add_opinions(user, year, rows)
    branch_count = Checklist.objects.filter(
        year=year,
        organisation__path__startswith=organisation.path,
        organisation__tier__kind=Tier.Kind.BRANCH,
    ).count()
    return KeyPointsPage(
        organisation=organisation,
        year=year,
        checklist=checklist,
        points=list(rows.values()),
        branch_count=branch_count,
    )


def _add_opinions(user: User, year: Year, rows: dict[int, KeyPointRow]) -> None:
    opinion_url = pk_url("opinion_edit", year.year)
    links = (
        Opinion.key_points.through.objects.filter(checklistitem_id__in=list(rows))
        .filter(scope.within(user, "view", via="opinion__organisation"))
        .select_related("opinion__organisation")
        .order_by("opinion__organisation__path")
    )
    by_point: dict[int, list[KeyPointOpinion]] = defaultdict(list)
    for link in links:
        opinion = link.opinion
        by_point[link.checklistitem_id].append(
            KeyPointOpinion(
                organisation=opinion.organisation.name,
                content=opinion.content,
                url=opinion_url(opinion.organisation_id),
                acknowledged=opinion.acknowledged_at is not None,
            )
        )
    for pk, opinions in by_point.items():
        rows[pk].opinions = opinions


def key_point_links(items: list[ChecklistItem], year: int) -> dict[int, str]:
    """Each answered point's URL, for items read with `parent_item__checklist`: one reverse
    per 机关党委 rather than per item."""
    urls: dict[int, str] = {}
    bases: dict[int, str] = {}
    for item in items:
        point = item.parent_item
        if point is None:
            continue
        organisation_id = point.checklist.organisation_id
        if organisation_id not in bases:
            bases[organisation_id] = reverse("key_point_list", args=[organisation_id, year])
        urls[point.pk] = f"{bases[organisation_id]}#kp-{point.pk}"
    return urls
