"""Supervision's share of a year-end report's draft (assessment.report_drafts, issue #20.4):
the organisation's findings of the year and its rectifications with their state.

A rectification that answers an obligation or a quarterly deduction goes to that item's
checklist group, beside the item; the others (findings, review comments, manual ones) go to the
supervision section. Two queries, whatever the number of rows. Nothing of the accountability
register is read: a case is never named in a report (domain.md §8a); findings' and
rectifications' evidence stay out too.
"""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.models import ItemScore
from assessment.report_drafts import Facts, SectionKey
from responsibility.models import Obligation, Organisation, Year

from .models import Finding, Rectification

SUPERVISION = SectionKey.SUPERVISION.value


def report_facts(organisation: Organisation, year: Year, today: datetime.date) -> Facts:
    facts: Facts = {}
    findings = Finding.objects.filter(
        organisation=organisation, found_on__gte=year.start, found_on__lte=year.end
    ).order_by("found_on", "pk")
    for finding in findings.only("found_on", "problem", "severity"):
        facts.setdefault(SUPERVISION, {}).setdefault("findings", []).append(
            {
                "on": finding.found_on.isoformat(),
                "severity": str(finding.get_severity_display()),
                "problem": finding.problem,
                "url": reverse("finding_detail", args=[finding.pk]),
            }
        )
    obligation_group = Obligation.objects.filter(pk=OuterRef("source_id")).values("item__group")[:1]
    score_group = ItemScore.objects.filter(pk=OuterRef("source_id")).values("item__group")[:1]
    rectifications = (
        Rectification.objects.filter(organisation=organisation, year=year)
        .annotate(obligation_group=Subquery(obligation_group), score_group=Subquery(score_group))
        .order_by("deadline", "pk")
        .only("problem", "state", "deadline", "is_late", "source_type", "source_label")
    )
    for rectification in rectifications:
        if rectification.source_type == Rectification.SourceType.OBLIGATION:
            key = rectification.obligation_group or SUPERVISION
        elif rectification.source_type == Rectification.SourceType.ITEM_SCORE:
            key = rectification.score_group or SUPERVISION
        else:
            key = SUPERVISION
        open_late = rectification.is_open and rectification.deadline < today
        facts.setdefault(key, {}).setdefault("rectifications", []).append(
            {
                "problem": rectification.problem,
                "state": str(_("逾期")) if open_late else str(rectification.get_state_display()),
                "deadline": rectification.deadline.isoformat(),
                "late": rectification.is_late,
                "source": rectification.source_label
                or str(rectification.get_source_type_display()),
                "url": reverse("rectification_detail", args=[rectification.pk]),
            }
        )
    return facts
