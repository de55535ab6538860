"""The accountability register (问责) and the grade cap it applies."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import Scheme
from assessment.services import (
    grade_cap_add,
    grade_cap_remove,
    person_grade_cap_add,
    person_grade_cap_remove,
)
from responsibility import dates, files
from responsibility.models import Organisation, User, Year
from responsibility.services import (
    ConcurrentEditError,
    ServiceError,
    audit_record,
    diff,
    evidence_check,
)

from ..models import (
    AccountabilityCase,
    Finding,
    Rectification,
)

ACCOUNTABILITY_DEFAULT_CAP = "average"  # domain.md §5: an accountability case caps below "好"


@dataclass(frozen=True)
class CaseInput:
    year: Year
    target_type: str
    organisation: Organisation
    person: User | None
    form: str
    reason: str
    decided_on: datetime.date
    findings: Sequence[Finding] = ()
    rectifications: Sequence[Rectification] = ()


def _check_case(data: CaseInput) -> None:
    if data.form not in AccountabilityCase.FORMS_FOR.get(data.target_type, ()):
        raise ServiceError(_("该问责方式不适用于所选问责对象。"))
    if data.target_type == AccountabilityCase.TargetType.PERSON and data.person is None:
        raise ServiceError(_("问责个人时请选择被问责人。"))
    dates.check_decision(data.decided_on, today=timezone.localdate())


def _cap(actor: User, case: AccountabilityCase) -> None:
    """Apply the year's cap for accountability (负面清单) to the case's organisation."""
    scheme = Scheme.objects.filter(year=case.year).first()
    grade_cap_add(
        actor=actor,
        organisation=case.organisation,
        year=case.year,
        max_grade=scheme.accountability_cap if scheme else ACCOUNTABILITY_DEFAULT_CAP,
        reason=_("被问责（%(form)s，%(date)s）")
        % {"form": case.get_form_display(), "date": f"{case.decided_on:%Y-%m-%d}"},
        source=case.cap_source,
    )
    if case.person is not None:
        # A case against a person also caps that person's own result (issue #19.3).
        person_grade_cap_add(
            actor=actor,
            person=case.person,
            organisation=case.organisation,
            year=case.year,
            max_grade=(scheme.person_accountability_cap if scheme else ACCOUNTABILITY_DEFAULT_CAP),
            reason=_("被问责（%(form)s，%(date)s）")
            % {"form": case.get_form_display(), "date": f"{case.decided_on:%Y-%m-%d}"},
            source=case.cap_source,
        )


def _attach_document(case: AccountabilityCase, upload: UploadedFile) -> None:
    """The decision document stays with the case, served only through the register's check."""
    case.document_type = evidence_check(upload)
    case.document_name = (upload.name or "document")[-255:]
    extension = case.document_name.rsplit(".", 1)[-1].lower() if "." in case.document_name else ""
    files.save(case.document, f"{uuid.uuid4().hex}.{extension}".rstrip("."), upload)


def _case_snapshot(case: AccountabilityCase) -> dict[str, Any]:
    return {
        "year": case.year.year,
        "target": case.get_target_type_display(),
        "organisation": case.organisation.name,
        "person": case.person.display_name if case.person else None,
        "form": case.get_form_display(),
        "reason": case.reason,
        "decided_on": case.decided_on,
        "document": case.document_name or None,
    }


@files.atomic()
def case_create(
    *, actor: User, data: CaseInput, upload: UploadedFile | None = None
) -> AccountabilityCase:
    _check_case(data)
    case = AccountabilityCase(
        year=data.year,
        target_type=data.target_type,
        organisation=data.organisation,
        person=data.person if data.target_type == AccountabilityCase.TargetType.PERSON else None,
        form=data.form,
        reason=data.reason,
        decided_on=data.decided_on,
        created_by=actor,
    )
    if upload is not None:
        _attach_document(case, upload)
    case.save()
    case.findings.set(data.findings)
    case.rectifications.set(data.rectifications)
    # The register is confidential: its audit entries name no organisation, so no
    # organisation-level history can reveal that a case exists.
    audit_record(
        actor=actor,
        action="accountability.create",
        obj=case,
        changes=diff({}, _case_snapshot(case)),
    )
    _cap(actor, case)
    return case


@files.atomic()
def case_update(
    *,
    actor: User,
    case: AccountabilityCase,
    version: int,
    data: CaseInput,
    upload: UploadedFile | None = None,
) -> AccountabilityCase:
    _check_case(data)
    before = _case_snapshot(case)
    old_organisation, old_year, old_person = case.organisation, case.year, case.person
    fields: dict[str, Any] = {
        "year": data.year,
        "target_type": data.target_type,
        "organisation": data.organisation,
        "person": data.person if data.target_type == AccountabilityCase.TargetType.PERSON else None,
        "form": data.form,
        "reason": data.reason,
        "decided_on": data.decided_on,
    }
    if upload is not None:
        _attach_document(case, upload)
        fields |= {
            "document": case.document.name,
            "document_name": case.document_name,
            "document_type": case.document_type,
        }
    updated = AccountabilityCase.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise ConcurrentEditError
    case.refresh_from_db()
    case.findings.set(data.findings)
    case.rectifications.set(data.rectifications)
    audit_record(
        actor=actor,
        action="accountability.update",
        obj=case,
        changes=diff(before, _case_snapshot(case)),
    )
    if (old_organisation.pk, old_year.pk) != (case.organisation_id, case.year_id):
        grade_cap_remove(
            actor=actor, organisation=old_organisation, year=old_year, source=case.cap_source
        )
    if old_person is not None and (old_person.pk, old_year.pk) != (case.person_id, case.year_id):
        person_grade_cap_remove(
            actor=actor, person=old_person, year=old_year, source=case.cap_source
        )
    _cap(actor, case)
    return case
