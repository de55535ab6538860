"""Supervision findings (督查发现) and the rectification loop (整改)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import stale
from assessment.services import person_results_mark_stale
from responsibility import dates, files, scope, work_versions
from responsibility.models import Evidence, Organisation, User
from responsibility.selectors import holds_post
from responsibility.services import (
    ConcurrentEditError,
    ServiceError,
    audit_record,
    diff,
    evidence_upload,
)

from ..models import (
    Finding,
    Rectification,
    RectificationProgress,
)
from ..selectors import officers_of, reviewers_of
from ..sources import Source
from .notifications import notify


@files.atomic()
def finding_create(
    *,
    actor: User,
    organisation: Organisation,
    found_on: datetime.date,
    problem: str,
    severity: str,
    uploads: Iterable[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Finding:
    dates.check_finding(found_on, today=today or timezone.localdate())
    if not problem.strip():
        raise ServiceError(_("请填写发现的问题。"))
    finding = Finding.objects.create(
        organisation=organisation,
        found_on=found_on,
        problem=problem,
        severity=severity,
        recorded_by=actor,
    )
    files = [
        evidence_upload(actor=actor, organisation=organisation, upload=upload) for upload in uploads
    ]
    if files:
        finding.evidence.add(*files)
    audit_record(
        actor=actor,
        action="finding.create",
        obj=finding,
        organisation=organisation,
        changes=diff(
            {},
            {
                "found_on": found_on,
                "severity": finding.get_severity_display(),
                "problem": problem,
                "evidence": ", ".join(e.original_name for e in files) or None,
            },
        ),
    )
    return finding


def _rectification_snapshot(rectification: Rectification) -> dict[str, Any]:
    return {
        "problem": rectification.problem,
        "measures": rectification.measures,
        "deadline": rectification.deadline,
        "responsible_person": (
            rectification.responsible_person.display_name
            if rectification.responsible_person
            else None
        ),
        "state": rectification.get_state_display(),
    }


def _people_of(rectification: Rectification) -> list[User]:
    """Who answers for a rectification: its organisation's officers and the responsible person."""
    people = list(
        officers_of([rectification.organisation_id]).get(rectification.organisation_id, [])
    )
    if rectification.responsible_person is not None:
        people.append(rectification.responsible_person)
    return people


def _compare_and_swap(rectification: Rectification, version: int, **fields: Any) -> None:
    updated = Rectification.objects.filter(pk=rectification.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise ConcurrentEditError
    work_versions.bump(Rectification)
    rectification.refresh_from_db()


def _check_person(person: User | None, organisation: Organisation) -> None:
    if person is not None and not holds_post(person, organisation):
        raise ServiceError(_("责任人须在“%(org)s”任职。") % {"org": organisation.name})


def _mark_people(actor: User, rectification: Rectification, *also: int | None) -> None:
    """A rectification counts in its responsible person's result (assessment.person_scoring):
    a change after publication marks that result 待更新."""
    people = {pk for pk in (rectification.responsible_person_id, *also) if pk is not None}
    if people:
        person_results_mark_stale(
            actor=actor,
            year=rectification.year,
            person_ids=people,
            change=stale.Change.RECTIFICATION,
        )


def existing_for(source: Source) -> Rectification | None:
    if source.id is None:
        return None
    return Rectification.objects.filter(source_type=source.type, source_id=source.id).first()


@transaction.atomic
def rectification_create(
    *,
    actor: User,
    source: Source,
    organisation: Organisation,
    problem: str,
    deadline: datetime.date,
    measures: str = "",
    responsible_person: User | None = None,
    today: datetime.date | None = None,
) -> Rectification:
    """Assign a rectification (交办整改). `organisation` is the source's, or chosen if manual.
    Only a reviewer of the organisation, or an officer of its unit's 机关纪委, assigns (scope's
    "assign"; a liaison officer records findings but does not assign, domain.md §8a)."""
    today = today or timezone.localdate()
    if not scope.can(actor, "assign", organisation):
        raise ServiceError(_("只有审核人可以交办整改。"))
    if source.organisation is not None and organisation.pk != source.organisation.pk:
        raise ServiceError(_("责任组织必须是问题来源所属的组织。"))
    dates.check_deadline(deadline, today=today)
    if not problem.strip():
        raise ServiceError(_("请填写需要整改的问题。"))
    year = source.year
    if year is None:
        raise ServiceError(_("尚未设置考核年度，不能交办整改。"))
    if existing_for(source) is not None:
        raise ServiceError(_("该问题已交办整改，请勿重复交办。"))
    _check_person(responsible_person, organisation)
    rectification = Rectification.objects.create(
        year=year,
        organisation=organisation,
        responsible_person=responsible_person,
        source_type=source.type,
        source_id=source.id,
        source_label=source.label[:200],
        problem=problem,
        measures=measures,
        deadline=deadline,
        created_by=actor,
    )
    work_versions.bump(Rectification)
    audit_record(
        actor=actor,
        action="rectification.create",
        obj=rectification,
        organisation=organisation,
        changes={
            "source": [None, rectification.get_source_type_display()],
            **diff({}, _rectification_snapshot(rectification)),
        },
    )
    notify(
        recipients=_people_of(rectification),
        title=_("新的整改任务：%(org)s") % {"org": organisation.name},
        body=_("问题：%(problem)s\n整改期限：%(deadline)s")
        % {"problem": problem, "deadline": f"{deadline:%Y-%m-%d}"},
        url=rectification.get_absolute_url(),
    )
    _mark_people(actor, rectification)
    return rectification


@transaction.atomic
def rectification_update(
    *,
    actor: User,
    rectification: Rectification,
    version: int,
    problem: str,
    measures: str,
    deadline: datetime.date,
    responsible_person: User | None,
    today: datetime.date | None = None,
) -> Rectification:
    """The assigning tier corrects problem, deadline or responsible person (compare-and-swap).
    A moved deadline is set on the day of the edit; an unchanged one is not checked again."""
    if rectification.state == Rectification.State.CLOSED:
        raise ServiceError(_("整改已销号，不能再修改。"))
    if deadline != rectification.deadline:
        dates.check_deadline(deadline, today=today or timezone.localdate())
    _check_person(responsible_person, rectification.organisation)
    before = _rectification_snapshot(rectification)
    old_person = rectification.responsible_person_id
    _compare_and_swap(
        rectification,
        version,
        problem=problem,
        measures=measures,
        deadline=deadline,
        responsible_person=responsible_person,
    )
    audit_record(
        actor=actor,
        action="rectification.update",
        obj=rectification,
        organisation=rectification.organisation,
        changes=diff(before, _rectification_snapshot(rectification)),
    )
    _mark_people(actor, rectification, old_person)
    return rectification


@files.atomic()
def rectification_progress_add(
    *,
    actor: User,
    rectification: Rectification,
    version: int,
    text: str,
    measures: str = "",
    uploads: Iterable[UploadedFile] = (),
    evidence: Iterable[Evidence] = (),
) -> RectificationProgress:
    """Report progress with evidence; the first report starts the work (待整改 → 整改中)."""
    if not rectification.is_open:
        raise ServiceError(_("当前状态不能填报整改进展。"))
    if not text.strip():
        raise ServiceError(_("请填写整改进展。"))
    before = _rectification_snapshot(rectification)
    fields: dict[str, Any] = {"state": Rectification.State.IN_PROGRESS}
    if measures.strip():
        fields["measures"] = measures
    _compare_and_swap(rectification, version, **fields)
    progress = RectificationProgress.objects.create(
        rectification=rectification, text=text, created_by=actor
    )
    files = [
        evidence_upload(actor=actor, organisation=rectification.organisation, upload=upload)
        for upload in uploads
    ]
    files += [e for e in evidence if e.organisation_id == rectification.organisation_id]
    if files:
        progress.evidence.add(*files)
    changes = diff(before, _rectification_snapshot(rectification))
    changes["progress"] = [None, text]
    if files:
        changes["evidence"] = [None, ", ".join(e.original_name for e in files)]
    audit_record(
        actor=actor,
        action="rectification.progress",
        obj=rectification,
        organisation=rectification.organisation,
        changes=changes,
    )
    return progress


@transaction.atomic
def rectification_submit(
    *,
    actor: User,
    rectification: Rectification,
    version: int,
    today: datetime.date | None = None,
) -> Rectification:
    """The responsible organisation asks for verification (整改中 → 待复查)."""
    today = today or timezone.localdate()
    if rectification.state != Rectification.State.IN_PROGRESS:
        raise ServiceError(_("只有整改中的事项可以提交复查。"))
    if not rectification.measures.strip():
        raise ServiceError(_("请先填写整改措施。"))
    late = rectification.is_late or today > rectification.deadline
    _compare_and_swap(
        rectification,
        version,
        state=Rectification.State.SUBMITTED,
        submitted_at=timezone.now(),
        is_late=late,
    )
    audit_record(
        actor=actor,
        action="rectification.submit",
        obj=rectification,
        organisation=rectification.organisation,
        changes={"state": [_("整改中"), _("待复查")], "is_late": [None, late]},
    )
    if late:
        _mark_people(actor, rectification)
    notify(
        recipients=reviewers_of(rectification.organisation),
        title=_("整改待复查：%(org)s") % {"org": rectification.organisation.name},
        body=_("问题：%(problem)s\n整改措施：%(measures)s")
        % {"problem": rectification.problem, "measures": rectification.measures},
        url=rectification.get_absolute_url(),
    )
    return rectification


@transaction.atomic
def rectification_verify(
    *,
    actor: User,
    rectification: Rectification,
    version: int,
    approve: bool,
    note: str,
) -> Rectification:
    """The upper tier verifies: close (复查销号) or return with a reason (待复查 → 整改中)."""
    if rectification.state != Rectification.State.SUBMITTED:
        raise ServiceError(_("只有待复查的事项可以复查。"))
    if not approve and not note.strip():
        raise ServiceError(_("退回整改必须说明原因。"))
    if approve:
        _compare_and_swap(
            rectification,
            version,
            state=Rectification.State.CLOSED,
            closed_at=timezone.now(),
            closed_by=actor,
            verification_note=note,
        )
        action, title = "rectification.close", _("整改已销号：%(org)s")
    else:
        _compare_and_swap(
            rectification,
            version,
            state=Rectification.State.IN_PROGRESS,
            returned_count=F("returned_count") + 1,
            return_reason=note,
            submitted_at=None,
        )
        action, title = "rectification.return", _("整改被退回：%(org)s")
    audit_record(
        actor=actor,
        action=action,
        obj=rectification,
        organisation=rectification.organisation,
        changes={"state": [_("待复查"), rectification.get_state_display()], "note": [None, note]},
    )
    notify(
        recipients=_people_of(rectification),
        title=title % {"org": rectification.organisation.name},
        body=note,
        url=rectification.get_absolute_url(),
    )
    _mark_people(actor, rectification)
    return rectification
