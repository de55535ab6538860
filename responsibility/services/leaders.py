"""Writes of a leader's arrangements (domain.md §8b, #19.1): their 分管 areas and 联系支部 with
dates, and the adjustment of a person's duties before the year starts. Who may is the scope's
"link_leader" (reviewers and leads of one of the person's posts' organisations, admins; never
about oneself)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import dates
from ..errors import FieldRefused, ServiceError
from ..models import LeaderLink, Organisation, PersonalDuty, User, Year
from .organisations import ConcurrentEditError, audit_record, diff
from .personal import personal_obligations_generate


@transaction.atomic
def leader_link_create(
    *,
    actor: User,
    person: User,
    kind: str,
    organisation: Organisation,
    department: str = "",
    start_date: datetime.date,
    end_date: datetime.date | None = None,
) -> LeaderLink:
    """Record that `person` is in charge of a department (分管, with the branch of that
    department) or contacts a branch (联系支部), from `start_date`."""
    if kind not in LeaderLink.Kind.values:
        raise ServiceError(_("请选择类别。"))
    if kind == LeaderLink.Kind.IN_CHARGE and not department.strip():
        raise FieldRefused(_("分管请填写分管部门。"), field="department")
    today = timezone.localdate()
    if abs((start_date - today).days) > 366 * dates.DECISION_YEARS:
        raise FieldRefused(_("开始日期不在合理范围内。"), field="start_date")
    if end_date is not None and end_date < start_date:
        raise FieldRefused(_("结束日期不能早于开始日期。"), field="end_date")
    link = LeaderLink.objects.create(
        person=person,
        kind=kind,
        organisation=organisation,
        department=department.strip(),
        start_date=start_date,
        end_date=end_date,
    )
    audit_record(
        actor=actor,
        action="leader_link.create",
        obj=link,
        organisation=organisation,
        changes={
            "person": [None, person.display_name],
            "kind": [None, link.get_kind_display()],
            "organisation": [None, organisation.name],
            **({"department": [None, link.department]} if link.department else {}),
            "start_date": [None, start_date.isoformat()],
        },
    )
    return link


@transaction.atomic
def leader_link_end(
    *, actor: User, link: LeaderLink, version: int, end_date: datetime.date
) -> LeaderLink:
    if end_date < link.start_date:
        raise FieldRefused(_("结束日期不能早于开始日期。"), field="end_date")
    before = link.end_date
    updated = LeaderLink.objects.filter(pk=link.pk, version=version).update(
        end_date=end_date, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEditError
    link.refresh_from_db()
    audit_record(
        actor=actor,
        action="leader_link.end",
        obj=link,
        organisation=link.organisation,
        changes={"end_date": [before.isoformat() if before else None, end_date.isoformat()]},
    )
    return link


# --- adjusting a person's duties -----------------------------------------------------------------


def _adjustable(year: Year) -> None:
    """A person's duties are adjusted before the year starts; once it runs they stand, as the
    organisations' checklists do once locked (an admin may still correct one in the admin)."""
    if year.status != Year.Status.PLANNING:
        raise ServiceError(_("年度已启动，个人履责清单不能再调整。"))


_DUTY_FIELDS = ("content", "standard", "frequency", "due_days", "evidence", "is_active")


def _duty_snapshot(duty: PersonalDuty) -> dict[str, Any]:
    return {name: getattr(duty, name) for name in _DUTY_FIELDS}


@transaction.atomic
def personal_duty_update(
    *, actor: User, duty: PersonalDuty, version: int, **values: Any
) -> PersonalDuty:
    """Change a duty's wording, frequency or due rule, or deactivate it (is_active=False)."""
    _adjustable(duty.year)
    unknown = set(values) - set(_DUTY_FIELDS)
    if unknown:
        raise TypeError(f"not adjustable: {sorted(unknown)}")
    before = _duty_snapshot(duty)
    updated = PersonalDuty.objects.filter(pk=duty.pk, version=version).update(
        **values, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEditError
    duty.refresh_from_db()
    audit_record(
        actor=actor,
        action="personal_duty.update",
        obj=duty,
        organisation=duty.organisation,
        changes=diff(before, _duty_snapshot(duty)),
    )
    return duty


@transaction.atomic
def personal_duty_add(
    *, actor: User, template_of: PersonalDuty, ref: str, content: str, standard: str = ""
) -> PersonalDuty:
    """A duty of the person's own beside the shipped ones (same year, post and schedule as
    `template_of` unless changed afterwards)."""
    _adjustable(template_of.year)
    if not content.strip():
        raise FieldRefused(_("请填写工作内容。"), field="content")
    if PersonalDuty.objects.filter(
        year=template_of.year,
        person=template_of.person,
        organisation=template_of.organisation,
        ref=ref,
    ).exists():
        raise FieldRefused(_("编号已存在。"), field="ref")
    values = {name: getattr(template_of, name) for name in PersonalDuty.EDITABLE_FIELDS}
    values.update(ref=ref, content=content.strip(), standard=standard.strip())
    duty = PersonalDuty.objects.create(
        year=template_of.year,
        person=template_of.person,
        post=template_of.post,
        organisation=template_of.organisation,
        **values,
    )
    audit_record(
        actor=actor,
        action="personal_duty.add",
        obj=duty,
        organisation=duty.organisation,
        changes={"ref": [None, ref], "content": [None, duty.content]},
    )
    if duty.year.status == Year.Status.ACTIVE:
        personal_obligations_generate(year=duty.year, person_ids=[duty.person_id])
    return duty
