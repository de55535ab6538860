"""The year's record of one organisation, read for its year-end report's draft (issue #20.4).

Query budget: four queries here (items, obligations, published deductions, the published
ledger) plus the registered sources' own fixed counts, whatever the size of the record.

Only what the report's readers may already see goes in: a report is read by whoever views its
organisation and by its raters (scope's "read" on assessment.dutyreport), so quarterly
deductions come from published reviews only, and the ledger only once the organisation's result
is published (domain.md §8a: scores before publication are the reviewers'); reviewers' evidence
never does.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, OuterRef
from django.urls import reverse

from responsibility.models import ChecklistItem, Obligation, Organisation, Year

from .. import report_drafts as drafting
from ..models import AnnualResult, ItemScore, LedgerEntry, OrganisationReview
from ..models.reviews import QUARTERS
from ..report_drafts import (
    DraftSection,
    Fact,
    Facts,
    SectionKey,
    merge,
    sections_from,
)

QUARTER_LABELS = dict(QUARTERS)


def report_draft_sections(
    organisation: Organisation, year: Year, today: datetime.date
) -> list[DraftSection]:
    facts: Facts = {}
    merge(facts, _checklist_facts(organisation, year, today))
    merge(facts, _ledger_facts(organisation, year))
    for source in drafting.FACT_SOURCES:
        merge(facts, source(organisation, year, today))
    return sections_from(facts)


def _checklist_facts(organisation: Organisation, year: Year, today: datetime.date) -> Facts:
    items = list(
        ChecklistItem.objects.filter(checklist__organisation=organisation, checklist__year=year)
        .order_by("sort_order", "ref")
        .values("pk", "ref", "content", "group", "frequency")
    )
    rows: dict[int, Fact] = {}
    facts: Facts = {}
    frequency_labels = dict(ChecklistItem._meta.get_field("frequency").flatchoices)
    for item in items:
        row: Fact = {
            "ref": item["ref"],
            "content": item["content"],
            "frequency": str(frequency_labels.get(item["frequency"], item["frequency"])),
            "obligations": 0,
            "done": 0,
            "pending": 0,
            "not_applicable": 0,
            "evidence": 0,
            "done_on": [],
            "late_periods": [],
            "missed_periods": [],
            "links": [],
        }
        rows[item["pk"]] = row
        facts.setdefault(item["group"], {}).setdefault("checklist", []).append(row)
    obligations = (
        Obligation.objects.filter(organisation=organisation, year=year)
        .annotate(evidence_count=Count("evidence"))
        .order_by("due_date", "pk")
        .values_list(
            "pk",
            "item_id",
            "period_label",
            "due_date",
            "status",
            "completed_on",
            "is_late",
            "evidence_count",
        )
    )
    for pk, item_id, period, due, status, completed_on, is_late, evidence in obligations:
        counts = rows.get(item_id)
        if counts is None:
            continue
        counts["obligations"] += 1
        counts["evidence"] += evidence
        if status == Obligation.Status.DONE:
            # obligation_done_has_date: a done obligation always has its date.
            on = completed_on.isoformat() if completed_on else ""
            counts["done"] += 1
            counts["done_on"].append(on)
            counts["links"].append(
                {"label": period, "on": on, "url": reverse("obligation_detail", args=[pk])}
            )
            if is_late:
                counts["late_periods"].append(period)
        elif status == Obligation.Status.NOT_APPLICABLE:
            counts["not_applicable"] += 1
        elif due < today:
            counts["missed_periods"].append(period)
        else:
            counts["pending"] += 1
    deductions = (
        ItemScore.objects.filter(
            review__organisation=organisation,
            review__round__year=year,
            review__status=OrganisationReview.Status.PUBLISHED,
            score__lt=F("max_points"),
        )
        .order_by("review__round__quarter", "item__sort_order", "item__ref")
        .values_list(
            "item__group", "item__ref", "review__round__quarter", "score", "max_points", "reason"
        )
    )
    for group, ref, quarter, score, max_points, reason in deductions:
        facts.setdefault(group, {}).setdefault("deductions", []).append(
            {
                "quarter": str(QUARTER_LABELS[quarter]),
                "ref": ref,
                "lost": f"{max_points - score:.2f}",
                "reason": reason,
            }
        )
    return facts


def _ledger_facts(organisation: Organisation, year: Year) -> Facts:
    published = AnnualResult.objects.filter(
        organisation=OuterRef("organisation"),
        year=OuterRef("year"),
        is_current=True,
        published_at__isnull=False,
    )
    entries = (
        LedgerEntry.objects.filter(
            organisation=organisation, year=year, status=LedgerEntry.Status.APPROVED
        )
        .filter(Exists(published))
        .order_by("decided_at", "pk")
    )
    rows = [
        {
            "kind": str(entry.get_kind_display()),
            "points": f"{entry.points:.2f}",
            "reason": entry.reason,
            "on": entry.decided_at.date().isoformat() if entry.decided_at else "",
        }
        for entry in entries.only("kind", "points", "reason", "decided_at")
    ]
    return {SectionKey.LEDGER.value: {"entries": rows}} if rows else {}


def group_counts(sections: list[DraftSection]) -> dict[str, int]:
    """Items per section, for the audit entry of a draft."""
    return {s.key: sum(len(rows) for rows in s.facts.values()) for s in sections}
