"""Writes of the key-points cascade: which point of its 机关党委's key-points list (工作要点清单)
a branch item answers."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ..errors import ServiceError
from ..models import ChecklistItem, User
from ..selectors.key_points import key_points_for
from .organisations import ConcurrentEditError, audit_record


def key_point_label(point: ChecklistItem | None) -> str | None:
    """How the audit trail names a point: its reference and the start of its content."""
    return None if point is None else str(point)


@transaction.atomic
def checklist_item_key_point_set(
    *, actor: User, item: ChecklistItem, key_point: ChecklistItem | None, version: int
) -> ChecklistItem:
    """Link the item to the point it answers (or unlink it: None). Only a point of the
    organisation's own 机关党委, that year. The link changes no schedule or score, so a locked
    checklist still takes it; a closed year does not."""
    checklist = item.checklist
    if checklist.year.is_closed:
        raise ServiceError(_("该年度已结束，清单只读。"))
    allowed = key_points_for(checklist.organisation, checklist.year)
    if key_point is not None and not allowed.filter(pk=key_point.pk).exists():
        raise ServiceError(_("只能关联本支部所属机关党委同一年度的工作要点。"))
    before = item.parent_item
    updated = ChecklistItem.objects.filter(pk=item.pk, version=version).update(
        parent_item=key_point, version=F("version") + 1
    )
    if updated != 1:
        raise ConcurrentEditError
    item.refresh_from_db(fields=["parent_item", "version"])
    if (before.pk if before else None) != (key_point.pk if key_point else None):
        audit_record(
            actor=actor,
            action="checklist_item.key_point",
            obj=item,
            organisation=checklist.organisation,
            changes={"key_point": [key_point_label(before), key_point_label(key_point)]},
        )
    return item
