"""Reads of the annual results: the table, a result's breakdown, its caps and versions,
and the year's scheme."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.paginator import Page
from django.db.models import QuerySet

from responsibility import scope, work_versions
from responsibility.links import pk_url
from responsibility.models import ChecklistItem, Organisation, Tier, User, Year
from responsibility.pagination import CountedPaginator, pk_page

from .. import stale
from ..models import (
    GRADE_ORDER,
    AnnualResult,
    Grade,
    GradeCap,
    LedgerEntry,
    Scheme,
    SchemePreview,
)
from ..scoring import CAP_NOTE
from .reports import _tally_for
from .reviews import published_reviews

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def results_table(
    user: User, year: Year, *, tier: int | None = None, unit: int | None = None
) -> QuerySet[AnnualResult]:
    """Current results the user may read (scope's "read": reviewers' in scope, everyone's in
    scope once published). A queryset, so the page can paginate it: the province's 3,000 rows
    in one page took ~0.7 s and 1.5 MB of HTML."""
    queryset = scope.filter_for(
        user, AnnualResult.objects.filter(year=year, is_current=True), action="read"
    )
    if tier:
        queryset = queryset.filter(organisation__tier_id=tier)
    if unit:
        queryset = queryset.filter(organisation__unit_id=unit)
    return queryset.select_related("organisation__tier", "organisation__unit").order_by(
        "organisation__tier__sort_order", "rank_in_tier", "organisation__path"
    )


@dataclass(frozen=True)
class ResultRow:
    """What a row of the results list shows (Jinja2: assessment/_result_rows.html)."""

    pk: int
    url: str
    name: str
    unit_name: str
    tier_name: str
    process_score: Decimal
    quarterly_score: Decimal | None
    year_end_score: Decimal | None
    ledger_points: Decimal
    composite: Decimal
    grade: str
    grade_label: str
    grade_note: str
    rank_in_tier: int | None
    published: bool
    version: int
    stale_summary: str  # the 待更新 mark without a cap's detail; "" when up to date


RESULT_ROW_FIELDS = (
    "organisation__name",
    "organisation__unit__name",
    "organisation__tier__name",
    "version",
    "process_score",
    "quarterly_score",
    "year_end_score",
    "ledger_points",
    "composite",
    "grade",
    "grade_note",
    "rank_in_tier",
    "published_at",
    "stale_since",
    "stale_reasons",
)


def results_page(
    user: User,
    year: Year,
    *,
    tier: int | None = None,
    unit: int | None = None,
    number: int | str | None = 1,
    per_page: int = 50,
) -> Page[ResultRow]:
    """One page of `results_table`. The ordering spans the tier and the tree, so the database
    sorts every row in scope; it sorts only their ids, then fetches the page's 50 rows whole
    (province: 7.6 ms for the wide sorted page, 3.3 ms for the ids). The ids come with the
    list's total (`pk_page`), so there is no separate COUNT. The ids change only when results
    are computed or published, or the tree changes: they are kept while those stand, shared by
    everyone with the same rights (3.3 ms of the committee's 14.7 ms page, bench/README.md)."""
    queryset = results_table(user, year, tier=tier, unit=unit)

    def ids() -> tuple[list[int], int, int]:
        page = pk_page(queryset, number, per_page)
        return list(page.object_list), page.number, page.paginator.count

    user_scope = scope.scope_for(user)
    rights = f"{user_scope.cache_key('review')}|{user_scope.cache_key('view_results')}"
    key = ":".join(
        map(
            str,
            (
                "results",
                year.pk,
                hashlib.sha256(rights.encode()).hexdigest()[:32],
                tier or "",
                unit or "",
                number,
                per_page,
            ),
        )
    )
    pks, current, count = work_versions.cached(key, (AnnualResult, Organisation, Tier), ids)
    page = Page(pks, current, CountedPaginator(queryset, per_page, count=count))
    results = (
        AnnualResult.objects.select_related("organisation__tier", "organisation__unit")
        .only(*RESULT_ROW_FIELDS)
        .order_by()
        .in_bulk(page.object_list)
    )
    url = pk_url("result_detail")
    grades = {value: str(label) for value, label in Grade.choices}
    rows = []
    for pk in page.object_list:
        r = results[pk]
        organisation = r.organisation
        mark = stale.mark_of(r.stale_since, r.stale_reasons)
        rows.append(
            ResultRow(
                pk=pk,
                url=url(pk),
                name=organisation.name,
                unit_name=organisation.unit.name if organisation.unit else "",
                tier_name=organisation.tier.name,
                process_score=r.process_score,
                quarterly_score=r.quarterly_score,
                year_end_score=r.year_end_score,
                ledger_points=r.ledger_points,
                composite=r.composite,
                grade=r.grade,
                grade_label=grades.get(r.grade, r.grade),
                grade_note=r.grade_note,
                rank_in_tier=r.rank_in_tier,
                published=r.published_at is not None,
                version=r.version,
                stale_summary=mark.summary() if mark is not None else "",
            )
        )
    page.object_list = rows
    return page


def stale_count(year: Year) -> int:
    """How many current results are marked 待更新 (the admin's refresh button says so)."""
    return AnnualResult.objects.filter(
        year=year, is_current=True, stale_since__isnull=False
    ).count()


def stale_mark(user: User, result: AnnualResult) -> stale.Mark | None:
    """The result's 待更新 mark with its details; a cap's detail names the accountability case,
    so only the register's audience reads it (domain.md §8a)."""
    return stale.mark_of(
        result.stale_since,
        result.stale_reasons,
        details=True,
        register=scope.can(user, "register", result.organisation),
    )


def result_queryset() -> QuerySet[AnnualResult]:
    return AnnualResult.objects.select_related("organisation__tier", "organisation__unit", "year")


def result_versions(user: User, result: AnnualResult) -> list[AnnualResult]:
    """The result's versions the person may read: unpublished ones (and their reasons) only
    for its reviewers (scope's "read")."""
    versions = AnnualResult.objects.filter(organisation=result.organisation, year=result.year)
    return list(scope.filter_for(user, versions, action="read").order_by("-version"))


@dataclass(frozen=True)
class CapLine:
    """One grade cap as the result page shows it."""

    max_grade: StrOrPromise
    reason: str


def grade_caps(user: User, result: AnnualResult) -> list[CapLine]:
    """The caps on the result's grade. Their reasons name accountability cases, which exist only
    for the register's audience (domain.md §8a): everyone else reads the capped grade with a
    neutral note, and the reasons are not fetched for them."""
    caps = GradeCap.objects.filter(organisation=result.organisation, year=result.year)
    if scope.can(user, "register", result.organisation):
        return [CapLine(c.get_max_grade_display(), c.reason) for c in caps.order_by("pk")]
    lowest = max(
        caps.values_list("max_grade", flat=True),
        key=lambda grade: GRADE_ORDER.index(Grade(grade)),
        default=None,
    )
    return [] if lowest is None else [CapLine(Grade(lowest).label, CAP_NOTE)]


def result_breakdown(user: User, result: AnnualResult) -> dict[str, object]:
    """Where each number of a result comes from, in a fixed number of queries."""
    from ..results import default_as_of, obligation_facts, rules_from
    from ..scoring import process_score

    year = result.year
    scheme = scheme_for(year)
    facts = obligation_facts(year, [result.organisation_id]).get(result.organisation_id, [])
    process = process_score(facts, rules_from(scheme), as_of=default_as_of(year))
    items = {
        item.pk: item
        for item in ChecklistItem.objects.filter(
            checklist__organisation=result.organisation, checklist__year=year
        )
    }
    process_rows = [
        (items[item_id], row)
        for item_id, row in sorted(process.items.items(), key=lambda kv: items[kv[0]].sort_order)
        if item_id in items
    ]
    return {
        "scheme": scheme,
        "process_rows": process_rows,
        "reviews": published_reviews(result.organisation, year),
        "ledger": list(
            LedgerEntry.objects.filter(
                organisation=result.organisation, year=year, status=LedgerEntry.Status.APPROVED
            ).select_related("proposed_by", "decided_by")
        ),
        "tally": _tally_for(result.organisation, year),
        "caps": grade_caps(user, result),
        "stale": stale_mark(user, result),
        "versions": result_versions(user, result),
    }


def scheme_for(year: Year) -> Scheme:
    """The year's scheme. Every year gets one when it is created (services.scheme_create,
    hooked into year_create); a year made outside the services reads the domain defaults,
    unsaved: a read never writes."""
    return Scheme.objects.filter(year=year).first() or Scheme(year=year)


def scheme_previews(year: Year, limit: int = 5) -> list[SchemePreview]:
    """The latest what-if previews saved with the year's scheme, newest first: one query."""
    return list(
        SchemePreview.objects.filter(scheme__year=year)
        .select_related("created_by")
        .order_by("-created_at", "-pk")[:limit]
    )
