"""Named assignees (谁来干): an organisation's secretary names who of its people does an
obligation, or a whole item for the year, by a date no later than the obligation's own.

Who may assign is the scope's person-level "delegate" (its 书记/副书记, admins); the assignee
then fills it in (scope's "work_on") and the reminder sweep writes to them alone.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import ServiceError
from ..models import ChecklistItem, Obligation, Organisation, User
from ..selectors.organisations import holds_post
from .organisations import ConcurrentEditError, audit_record, diff


def _check_assignee(assignee: User, organisation: Organisation, today: datetime.date) -> None:
    """Only a person of the organisation itself, holding a post there today, can be named:
    the reminders and the fill-in right follow the name."""
    if not assignee.is_active or not holds_post(assignee, organisation, today):
        raise ServiceError(
            _("%(name)s 不是%(organisation)s的现任人员，不能指派。")
            % {"name": assignee.display_name, "organisation": organisation.name}
        )


def _check_open(obligation: Obligation) -> None:
    if obligation.year.is_closed:
        raise ServiceError(_("该年度已结束，不能再指派。"))
    if obligation.is_closed_out:
        raise ServiceError(_("该任务已完成或不适用，不能再指派。"))


def _snapshot(obligation: Obligation) -> dict[str, Any]:
    return {
        "assignee": obligation.assignee.display_name if obligation.assignee else None,
        "assignee_due_date": obligation.assignee_due_date,
    }


@transaction.atomic
def obligation_assign(
    *,
    actor: User,
    obligation: Obligation,
    version: int,
    assignee: User,
    due_date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Obligation:
    """Name the person who does the obligation, optionally by a date of its own (never after
    the obligation's due date: the database refuses that too). Refuses a stale version."""
    today = today or timezone.localdate()
    _check_open(obligation)
    if due_date is not None and due_date > obligation.due_date:
        raise ServiceError(
            _("承办期限不能晚于任务的截止日期（%(date)s）。")
            % {"date": obligation.due_date.isoformat()}
        )
    _check_assignee(assignee, obligation.organisation, today)
    before = _snapshot(obligation)
    updated = Obligation.objects.filter(pk=obligation.pk, version=version).update(
        assignee=assignee, assignee_due_date=due_date, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEditError
    obligation.refresh_from_db()
    audit_record(
        actor=actor,
        action="obligation.assign",
        obj=obligation,
        organisation=obligation.organisation,
        changes=diff(before, _snapshot(obligation)),
    )
    return obligation


@transaction.atomic
def obligation_unassign(*, actor: User, obligation: Obligation, version: int) -> Obligation:
    """Take the name off: the obligation is again every officer's of the organisation."""
    _check_open(obligation)
    if obligation.assignee_id is None:
        raise ServiceError(_("该任务尚未指派承办人。"))
    before = _snapshot(obligation)
    updated = Obligation.objects.filter(pk=obligation.pk, version=version).update(
        assignee=None, assignee_due_date=None, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEditError
    obligation.refresh_from_db()
    audit_record(
        actor=actor,
        action="obligation.unassign",
        obj=obligation,
        organisation=obligation.organisation,
        changes=diff(before, _snapshot(obligation)),
    )
    return obligation


@transaction.atomic
def checklist_item_assign(
    *,
    actor: User,
    item: ChecklistItem,
    version: int,
    assignee: User | None,
    today: datetime.date | None = None,
) -> int:
    """A whole item for the year: the item keeps the name, so obligations generated for it
    later take it (services.years), and every open obligation of it gets it now, whoever had
    it before, without a date of its own (one date cannot suit twelve periods). Closed ones
    keep who did them. `None` takes the name off. Returns how many obligations changed."""
    today = today or timezone.localdate()
    checklist = item.checklist
    if checklist.year.is_closed:
        raise ServiceError(_("该年度已结束，不能再指派。"))
    if assignee is not None:
        _check_assignee(assignee, checklist.organisation, today)
    before = item.assignee.display_name if item.assignee else None
    updated = ChecklistItem.objects.filter(pk=item.pk, version=version).update(
        assignee=assignee, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEditError
    item.refresh_from_db()
    count = Obligation.objects.filter(item=item, status__in=Obligation.OPEN_STATUSES).update(
        assignee=assignee, assignee_due_date=None, version=F("version") + 1
    )
    audit_record(
        actor=actor,
        action="checklist_item.assign",
        obj=item,
        organisation=checklist.organisation,
        changes={
            "assignee": [before, assignee.display_name if assignee else None],
            "obligations": count,
        },
    )
    return count
