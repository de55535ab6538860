"""Reads of the ledger and the year-end duty reports with their (anonymous) tallies."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from responsibility import scope
from responsibility.models import (
    Organisation,
    User,
    Year,
)

from ..models import (
    DutyReport,
    Grade,
    LedgerEntry,
    Vote,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def ledger_entries(user: User, year: Year) -> list[LedgerEntry]:
    return list(
        LedgerEntry.objects.filter(
            year=year, organisation__in=scope.organisations_for(user, "review")
        )
        .select_related("organisation__unit", "proposed_by", "decided_by", "evidence")
        .order_by("status", "-proposed_at")
    )


def report_queryset() -> QuerySet[DutyReport]:
    return DutyReport.objects.select_related("organisation__tier", "year", "submitted_by")


def reports(user: User, year: Year) -> list[DutyReport]:
    return list(
        report_queryset()
        .filter(year=year, organisation__in=scope.organisations_for(user, "review"))
        .annotate(
            votes_count=Count("votes", distinct=True), raters_count=Count("raters", distinct=True)
        )
        .order_by("organisation__path")
    )


def vote_tally(report: DutyReport) -> list[tuple[StrOrPromise, int]]:
    """Counts per grade, never who voted what (anonymous in results)."""
    return _tally(Vote.objects.filter(report=report))


def _tally_for(organisation: Organisation, year: Year) -> list[tuple[StrOrPromise, int]]:
    return _tally(Vote.objects.filter(report__organisation=organisation, report__year=year))


def _tally(votes: QuerySet[Vote]) -> list[tuple[StrOrPromise, int]]:
    counts = Counter(votes.values_list("choice", flat=True))
    return [(grade.label, counts.get(grade.value, 0)) for grade in Grade]
