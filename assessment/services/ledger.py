"""Writes of the bonus/deduction ledger: a proposal and its second reviewer's decision."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import files, handovers, scope, work_versions
from responsibility.models import Evidence, Organisation, User, Year
from responsibility.services import (
    audit_record,
    evidence_upload,
)

from .. import stale
from ..models import (
    LedgerEntry,
)
from .reviews import _check_not_own
from .schemes import AssessmentError, results_mark_stale

# --- bonus/deduction ledger --------------------------------------------------------------------


@files.atomic()
def ledger_propose(
    *,
    actor: User,
    organisation: Organisation,
    year: Year,
    kind: str,
    points: Decimal,
    reason: str,
    evidence: Evidence | None = None,
    upload: UploadedFile | None = None,
) -> LedgerEntry:
    """`upload`, if given, becomes the entry's evidence in the same transaction."""
    _check_not_own(actor, organisation)
    if not reason.strip():
        raise AssessmentError(_("加减分必须说明理由。"))
    if not Decimal(0) < points <= 20:
        raise AssessmentError(_("加减分分值须大于 0 且不超过 20。"))
    if upload is not None:
        evidence = evidence_upload(
            actor=actor, organisation=organisation, upload=upload, reviewers_only=True
        )
    entry = LedgerEntry.objects.create(
        organisation=organisation,
        year=year,
        kind=kind,
        points=points,
        reason=reason,
        evidence=evidence,
        proposed_by=actor,
    )
    work_versions.bump(LedgerEntry)
    audit_record(
        actor=actor,
        action="ledger.propose",
        obj=entry,
        organisation=organisation,
        changes={"kind": kind, "points": str(points), "reason": reason},
    )
    handovers.announce("ledger_proposed", obj=entry, actor=actor)
    return entry


@transaction.atomic
def ledger_decide(*, actor: User, entry: LedgerEntry, approve: bool) -> LedgerEntry:
    _check_not_own(actor, entry.organisation)
    if entry.status != LedgerEntry.Status.PENDING:
        raise AssessmentError(_("该加减分已审批。"))
    if not scope.can(actor, "second", entry):
        raise AssessmentError(_("加减分须由提出人以外的审核人审批。"))
    entry.status = LedgerEntry.Status.APPROVED if approve else LedgerEntry.Status.REJECTED
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    work_versions.bump(LedgerEntry)
    audit_record(
        actor=actor,
        action="ledger.approve" if approve else "ledger.reject",
        obj=entry,
        organisation=entry.organisation,
        changes={"status": ["pending", entry.status]},
    )
    if approve:  # only approved entries count (results.load_inputs); a rejection changes nothing
        sign = "+" if entry.kind == LedgerEntry.Kind.BONUS else "−"
        results_mark_stale(
            actor=actor,
            year=entry.year,
            organisation=entry.organisation,
            change=stale.Change.LEDGER,
            detail=f"{sign}{Decimal(entry.points).normalize():f} {entry.reason}",
        )
    return entry
