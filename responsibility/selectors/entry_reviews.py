"""Reads of the per-entry review (履责记实逐条审核, issue #20.2): an entry's review history and
the reviewer's random sample of entries to review."""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass

from django.utils import timezone

from .. import scope
from ..links import pk_url
from ..models import EntryReview, Obligation, User, Year
from .obligations import status_labels

SAMPLE_MAX = 200  # rows a sample lists; a larger one asks the reviewer to pick a unit
DEFAULT_PERCENT = 10
# What waits for a reviewer: entries never reviewed, and returned ones resubmitted.
AWAITING_REVIEW = (Obligation.ReviewState.UNREVIEWED, Obligation.ReviewState.RESUBMITTED)


def entry_reviews(obligation: Obligation) -> list[EntryReview]:
    """The entry's review history, newest first: one query."""
    return list(
        EntryReview.objects.filter(obligation=obligation)
        .select_related("reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_span(year: Year, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year.year, 3 * quarter - 2, 1)
    end = (
        datetime.date(year.year, 12, 31)
        if quarter == 4
        else datetime.date(year.year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)
    )
    return start, end


def default_quarter(year: Year, today: datetime.date | None = None) -> int:
    """The quarter running today in the year, else the year's last (a past year) or first."""
    today = today or timezone.localdate()
    if today.year == year.year:
        return quarter_of(today)
    return 4 if today.year > year.year else 1


def default_seed(today: datetime.date | None = None) -> int:
    """Today's date as a number: the same page on the same day draws the same entries."""
    today = today or timezone.localdate()
    return today.year * 10000 + today.month * 100 + today.day


@dataclass(frozen=True)
class SampleRow:
    """One sampled entry (Jinja2: responsibility/_entry_sample_rows.html)."""

    url: str
    organisation: str
    ref: str
    content: str
    period_label: str
    completed_on: datetime.date | None
    status_label: str
    review_label: str
    is_late: bool


@dataclass(frozen=True)
class Sample:
    candidates: int  # completed entries awaiting review in the reviewer's scope and quarter
    size: int  # how many the percentage asks for
    rows: list[SampleRow]

    @property
    def truncated(self) -> bool:
        return self.size > len(self.rows)


def entry_sample(
    user: User,
    *,
    year: Year,
    quarter: int,
    percent: int = DEFAULT_PERCENT,
    seed: int,
) -> Sample:
    """`percent` of the completed entries awaiting review whose period overlaps the quarter,
    across the organisations the person reviews, drawn at random: two queries.

    Reproducible: the candidates are read in primary-key order and drawn with a generator
    seeded by `seed`, so the same seed over the same entries draws the same sample (a
    reviewer can hand the link to a colleague, or redo a day's draw); entries reviewed since
    leave it, as they should."""
    start, end = quarter_span(year, quarter)
    candidates = Obligation.objects.filter(
        scope.within(user, "review"),
        year=year,
        status__in=Obligation.CLOSED_OUT_STATUSES,
        review_state__in=AWAITING_REVIEW,
        period_start__lte=end,
        period_end__gte=start,
    )
    pks = list(candidates.order_by("pk").values_list("pk", flat=True))
    size = math.ceil(len(pks) * percent / 100) if pks else 0
    # Not a secret: a reproducible draw, which a seeded Mersenne Twister is (S311 is for keys).
    drawn = random.Random(seed).sample(pks, min(size, SAMPLE_MAX))  # noqa: S311
    obligations = (
        Obligation.objects.filter(pk__in=drawn)
        .select_related("item", "organisation")
        .order_by("organisation__path", "item__sort_order", "item__ref", "period_start")
    )
    url, statuses = pk_url("entry_review"), status_labels()
    reviews = dict(Obligation.ReviewState.choices)
    rows = [
        SampleRow(
            url=url(o.pk) + "?sampled=1",
            organisation=o.organisation.name,
            ref=o.item.ref,
            content=o.item.content,
            period_label=o.period_label,
            completed_on=o.completed_on,
            status_label=statuses[o.status],
            review_label=str(reviews[o.review_state]),
            is_late=o.is_late,
        )
        for o in obligations
    ]
    return Sample(candidates=len(pks), size=size, rows=rows)
