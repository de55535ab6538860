"""Writes of quality flags (质量提示): the nightly and on-save computation, and a reviewer's
dismissal with a reason. The checks themselves are in `responsibility.quality`."""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import ServiceError
from ..models import QualityFlag, User, Year
from ..quality import Finding
from ..quality.checks import all_findings
from .organisations import ConcurrentEditError, audit_record

BATCH = 2000


@dataclass(frozen=True)
class ComputeReport:
    found: int
    created: int
    removed: int


def _write(
    year: Year, findings: Iterable[Finding], existing: Q, now: datetime.datetime
) -> ComputeReport:
    """Make the stored flags matching `existing` the `findings`: new ones created, those found
    again touched (their id and dismissal kept), open ones no longer found removed."""
    found = {f.key: f for f in findings}
    stored = {
        (kind, obligation, other): (pk, dismissed)
        for pk, kind, obligation, other, dismissed in QualityFlag.objects.filter(
            existing, year=year
        ).values_list("pk", "kind", "obligation_id", "other_key", "dismissed_at")
    }
    gone = [pk for key, (pk, dismissed) in stored.items() if key not in found and dismissed is None]
    again = [pk for key, (pk, _dismissed) in stored.items() if key in found]
    new = [
        QualityFlag(
            kind=f.kind,
            obligation_id=f.obligation_id,
            organisation_id=f.organisation_id,
            year=year,
            other_obligation_id=f.other or None,
            other_key=f.other,
            evidence_id=f.evidence_id,
            detail=f.detail,
            computed_at=now,
        )
        for key, f in found.items()
        if key not in stored
    ]
    for start in range(0, len(gone), BATCH):
        QualityFlag.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    for start in range(0, len(again), BATCH):
        QualityFlag.objects.filter(pk__in=again[start : start + BATCH]).update(computed_at=now)
    # ignore_conflicts: an on-save run and the nightly one may find the same flag at once.
    QualityFlag.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    return ComputeReport(found=len(found), created=len(new), removed=len(gone))


@transaction.atomic
def quality_flags_compute(*, year: Year) -> ComputeReport:
    """Every check over the whole year (the nightly run, `tasks.compute_quality_flags`)."""
    return _write(year, all_findings(year), Q(), timezone.now())


@transaction.atomic
def quality_flags_refresh(*, year: Year, obligation_ids: Collection[int]) -> ComputeReport:
    """The checks for the flags touching these obligations (on save): their own flags and
    those of others that name them."""
    ids = list(obligation_ids)
    touching = Q(obligation_id__in=ids) | Q(other_obligation_id__in=ids)
    return _write(year, all_findings(year, focus=ids), touching, timezone.now())


@transaction.atomic
def quality_flag_dismiss(
    *, actor: User, flag: QualityFlag, version: int, reason: str
) -> QualityFlag:
    """A reviewer dismisses a flag (排除) with a reason; compare-and-swap on the version, so of
    two reviewers the second is told someone was first."""
    reason = reason.strip()
    if not reason:
        raise ServiceError(_("排除质量提示必须说明原因。"))
    if flag.dismissed_at is not None:
        raise ServiceError(_("该质量提示已被排除。"))
    now = timezone.now()
    updated = QualityFlag.objects.filter(
        pk=flag.pk, version=version, dismissed_at__isnull=True
    ).update(
        dismissed_by=actor,
        dismissed_at=now,
        dismissal_reason=reason,
        version=F("version") + 1,
    )
    if updated != 1:
        raise ConcurrentEditError
    flag.refresh_from_db()
    audit_record(
        actor=actor,
        action="quality_flag.dismiss",
        obj=flag,
        organisation=flag.organisation,
        changes={
            "kind": [None, flag.kind],
            "obligation": [None, str(flag.obligation_id)],
            "dismissal_reason": [None, reason],
        },
    )
    return flag
