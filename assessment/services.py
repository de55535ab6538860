"""Writes for assessment. Scoring rules are in scoring.py; these functions record decisions."""

from __future__ import annotations

from django.db import transaction

from responsibility.models import Organisation, User, Year
from responsibility.services import audit_record

from .models import GradeCap


@transaction.atomic
def grade_cap_add(
    *,
    actor: User | None,
    organisation: Organisation,
    year: Year,
    max_grade: str,
    reason: str,
    source: str,
) -> GradeCap:
    """Cap an organisation's grade for a year (e.g. an accountability case, 负面清单).

    One cap per source: calling again for the same source updates it.
    """
    cap, _created = GradeCap.objects.update_or_create(
        organisation=organisation,
        year=year,
        source=source,
        defaults={"max_grade": max_grade, "reason": reason, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action="grade_cap.add",
        obj=cap,
        organisation=organisation,
        changes={"max_grade": max_grade, "reason": reason, "source": source},
    )
    return cap


@transaction.atomic
def grade_cap_remove(
    *, actor: User | None, organisation: Organisation, year: Year, source: str
) -> None:
    for cap in GradeCap.objects.filter(organisation=organisation, year=year, source=source):
        audit_record(actor=actor, action="grade_cap.remove", obj=cap, organisation=organisation)
        cap.delete()
