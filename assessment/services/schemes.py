"""Writes of a year's scheme, the grade caps on its results and the mark on results
that a change has made out of date (待更新)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypedDict

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import dates
from responsibility.models import Organisation, User, Year
from responsibility.services import (
    ConcurrentEditError,
    ServiceError,
    audit_record,
    diff,
)

from .. import stale
from ..models import (
    PERSON_FIELDS,
    AnnualResult,
    Grade,
    GradeCap,
    Scheme,
    SchemePreview,
)

# --- results out of date (待更新) ---------------------------------------------------------------


@transaction.atomic
def results_mark_stale(
    *,
    actor: User | None,
    year: Year,
    change: stale.Change,
    organisation: Organisation | None = None,
    detail: str = "",
) -> int:
    """Mark the year's current published results (one organisation's, or all) 待更新: an input
    changed after publication. An unpublished result needs no mark: computing updates it in
    place. Returns how many results were marked."""
    now = timezone.now()
    reason = stale.reason(change, now, detail)
    results = AnnualResult.objects.filter(year=year, is_current=True, published_at__isnull=False)
    if organisation is not None:
        results = results.filter(organisation=organisation)
    # Locked: two changes at once must both land in the reasons (a read-modify-write).
    rows = list(results.select_related("organisation", "year").select_for_update(of=("self",)))
    for row in rows:
        row.stale_since = row.stale_since or now
        row.stale_reasons = stale.add(row.stale_reasons or [], reason)
    AnnualResult.objects.bulk_update(rows, ["stale_since", "stale_reasons"], batch_size=2000)
    if rows:
        # A cap's detail names the case: the trail keeps the kind of change only.
        changes: dict[str, Any] = {"stale": change.value, "count": len(rows)}
        if detail and change not in stale.CONFIDENTIAL:
            changes["detail"] = detail
        audit_record(
            actor=actor,
            action="results.stale",
            obj=rows[0] if organisation is not None else year,
            organisation=organisation,
            changes=changes,
        )
    return len(rows)


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

    One cap per source: calling again for the same source updates it. A new or lowered/raised
    cap marks a published result 待更新.
    """
    before = (
        GradeCap.objects.filter(organisation=organisation, year=year, source=source)
        .values_list("max_grade", flat=True)
        .first()
    )
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
    if before != max_grade:
        results_mark_stale(
            actor=actor,
            year=year,
            organisation=organisation,
            change=stale.Change.CAP,
            detail=(
                _("新增：不高于“%(grade)s”，%(reason)s")
                if before is None
                else _("调整为：不高于“%(grade)s”，%(reason)s")
            )
            % {"grade": Grade(max_grade).label, "reason": reason},
        )
    return cap


@transaction.atomic
def grade_cap_remove(
    *, actor: User | None, organisation: Organisation, year: Year, source: str
) -> None:
    for cap in GradeCap.objects.filter(organisation=organisation, year=year, source=source):
        audit_record(actor=actor, action="grade_cap.remove", obj=cap, organisation=organisation)
        results_mark_stale(
            actor=actor,
            year=year,
            organisation=organisation,
            change=stale.Change.CAP,
            detail=_("移除：不高于“%(grade)s”，%(reason)s")
            % {"grade": cap.get_max_grade_display(), "reason": cap.reason},
        )
        cap.delete()


# --- schemes -----------------------------------------------------------------------------------


class AssessmentError(ServiceError):
    """An assessment rule refused the operation; the message is shown to the user."""


def scheme_create(*, actor: User | None, year: Year) -> Scheme:
    """Give a new year its scheme with the domain defaults (registered with
    responsibility.services.years by AppConfig.ready, so it runs inside year_create's
    transaction and is covered by its "year.create" audit entry). Idempotent."""
    scheme, _created = Scheme.objects.get_or_create(year=year)
    return scheme


class PreviewRecord(TypedDict):
    """A what-if preview as it is kept (`assessment.whatif.Preview.record`)."""

    draft: dict[str, Any]
    changes: list[dict[str, Any]]
    organisations: int
    digest: str


@transaction.atomic
def scheme_update(
    *,
    actor: User,
    scheme: Scheme,
    version: int,
    preview: PreviewRecord | None = None,
    shown_digest: str = "",
    **fields: Any,
) -> Scheme:
    """Save the scheme's numbers (compare-and-swap on `version`) and, with `preview`, the
    what-if preview computed for them, noting whether it is the one the admin was shown
    (`shown_digest`, the digest of the table on their screen)."""
    if fields.get("report_deadline") is not None:
        dates.check_report_deadline(fields["report_deadline"], year=scheme.year)
    total = sum(
        (Decimal(fields.get(name, getattr(scheme, name))) for name in WEIGHT_FIELDS), Decimal(0)
    )
    if total != 100:
        raise AssessmentError(
            _("三部分权重之和必须为 100，当前为 %(total)s。") % {"total": f"{total.normalize():f}"}
        )
    before = {name: getattr(scheme, name) for name in Scheme.EDITABLE_FIELDS}
    if scheme.pk is None:  # a year made outside year_create: its defaults are stored now
        scheme = scheme_create(actor=actor, year=scheme.year)
    updated = Scheme.objects.filter(pk=scheme.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise ConcurrentEditError
    scheme.refresh_from_db()
    changes = diff(before, {name: getattr(scheme, name) for name in Scheme.EDITABLE_FIELDS})
    audit_record(actor=actor, action="scheme.update", obj=scheme, changes=changes)
    if preview is not None:
        SchemePreview.objects.create(
            scheme=scheme,
            scheme_version=scheme.version,
            created_by=actor,
            draft=preview["draft"],
            changes=preview["changes"],
            organisations=preview["organisations"],
            was_shown=bool(shown_digest) and shown_digest == preview["digest"],
        )
    if set(changes) - NOT_SCORING:
        results_mark_stale(actor=actor, year=scheme.year, change=stale.Change.SCHEME)
    if set(changes) & PERSON_SCORING:
        from .people import person_results_mark_stale

        person_results_mark_stale(actor=actor, year=scheme.year, change=stale.Change.SCHEME)
    return scheme


# Scheme fields no stored result depends on: the cap grade is copied into each GradeCap when a
# case is registered, and the deadline only gates report submission.
NOT_SCORING = frozenset({"accountability_cap", "report_deadline", *PERSON_FIELDS})
# What person results depend on: their own fields (but the cap, copied into each
# PersonGradeCap), the grade bands and the late share.
PERSON_SCORING = frozenset(
    {
        *(set(PERSON_FIELDS) - {"person_accountability_cap"}),
        "good_min",
        "fairly_good_min",
        "average_min",
        "late_deduction_percent",
    }
)


WEIGHT_FIELDS = ("weight_process", "weight_quarterly", "weight_year_end")
