"""Writes of a checklist's contents: its items, the tasks dispatched into it (任务交办) and
the organisation's opinions on it."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import scope, work_versions
from ..audit import audit_entry, audit_record_many
from ..errors import ServiceError
from ..models import (
    Checklist,
    ChecklistItem,
    Obligation,
    Opinion,
    Organisation,
    User,
    Year,
)
from ..models.checklists import Frequency, Group
from ..selectors.key_points import key_points_for
from .organisations import ConcurrentEditError, audit_record, diff
from .years import _refresh_due_dates, obligations_generate

# --- checklist items ---------------------------------------------------------------------------


def _item_snapshot(item: ChecklistItem) -> dict[str, Any]:
    return {field: getattr(item, field) for field in ChecklistItem.EDITABLE_FIELDS}


def _check_item_editable(checklist: Checklist, actor: User) -> None:
    if checklist.year.is_closed:
        raise ServiceError(_("该年度已结束，清单只读。"))
    if checklist.is_locked and not scope.scope_for(actor).is_admin:
        raise ServiceError(_("年度已启动，清单已锁定；如需调整请联系管理员。"))


@transaction.atomic
def checklist_item_create(
    *,
    actor: User,
    checklist: Checklist,
    parent_item: ChecklistItem | None = None,
    **fields: Any,
) -> ChecklistItem:
    _check_item_editable(checklist, actor)
    if ChecklistItem.objects.filter(checklist=checklist, ref=fields["ref"]).exists():
        raise ServiceError(_("编号 %(ref)s 已存在。") % {"ref": fields["ref"]})
    item = ChecklistItem.objects.create(checklist=checklist, parent_item=parent_item, **fields)
    audit_record(
        actor=actor,
        action="checklist_item.create",
        obj=item,
        organisation=checklist.organisation,
        changes=diff({}, _item_snapshot(item)),
    )
    if checklist.is_locked:
        obligations_generate(year=checklist.year, checklist_ids=[checklist.pk])
    return item


@transaction.atomic
def checklist_item_update(
    *, actor: User, item: ChecklistItem, version: int, **fields: Any
) -> ChecklistItem:
    """Compare-and-swap update; regenerates obligations when the schedule changed."""
    checklist = item.checklist
    _check_item_editable(checklist, actor)
    before = _item_snapshot(item)
    if (
        "ref" in fields
        and fields["ref"] != item.ref
        and ChecklistItem.objects.filter(checklist=checklist, ref=fields["ref"]).exists()
    ):
        raise ServiceError(_("编号 %(ref)s 已存在。") % {"ref": fields["ref"]})
    updated = ChecklistItem.objects.filter(pk=item.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise ConcurrentEditError
    item.refresh_from_db()
    changes = diff(before, _item_snapshot(item))
    audit_record(
        actor=actor,
        action="checklist_item.update",
        obj=item,
        organisation=checklist.organisation,
        changes=changes,
    )
    if checklist.is_locked and {"frequency", "due_days"} & changes.keys():
        obligations_generate(year=checklist.year, checklist_ids=[checklist.pk])
        _refresh_due_dates(item)
    return item


# --- opinions ----------------------------------------------------------------------------------


@transaction.atomic
def opinion_submit(
    *,
    actor: User,
    organisation: Organisation,
    year: Year,
    content: str,
    key_points: Iterable[ChecklistItem] | None = None,
) -> Opinion:
    """`key_points`: the points of its 机关党委's list the opinion addresses (None: unchanged)."""
    if year.is_closed:
        raise ServiceError(_("该年度已结束。"))
    if not content.strip():
        raise ServiceError(_("请填写意见建议内容。"))
    opinion = Opinion.objects.filter(organisation=organisation, year=year).first()
    before = opinion.content if opinion else None
    if opinion is not None and opinion.acknowledged_at is not None:
        raise ServiceError(_("意见建议已被机关党委签收，不能再修改。"))
    points = None if key_points is None else sorted(set(key_points), key=lambda p: p.pk)
    if points and key_points_for(organisation, year).filter(
        pk__in=[p.pk for p in points]
    ).count() != len(points):
        raise ServiceError(_("只能关联本支部所属机关党委同一年度的工作要点。"))
    if opinion is None:
        opinion = Opinion.objects.create(
            organisation=organisation, year=year, content=content, submitted_by=actor
        )
    else:
        opinion.content = content
        opinion.submitted_by = actor
        opinion.submitted_at = timezone.now()
        opinion.save(update_fields=["content", "submitted_by", "submitted_at"])
    changes: dict[str, Any] = {"content": [before, content]}
    if points is not None:
        named_before = "、".join(p.ref for p in opinion.key_points.order_by("pk"))
        opinion.key_points.set(points)
        changes["key_points"] = [named_before, "、".join(p.ref for p in points)]
    work_versions.bump(Opinion)
    audit_record(
        actor=actor,
        action="opinion.submit",
        obj=opinion,
        organisation=organisation,
        changes=changes,
    )
    return opinion


@transaction.atomic
def opinion_acknowledge(*, actor: User, opinion: Opinion, reply: str) -> Opinion:
    if opinion.acknowledged_at is not None:
        raise ServiceError(_("该意见建议已签收。"))
    opinion.acknowledged_by = actor
    opinion.acknowledged_at = timezone.now()
    opinion.reply = reply
    opinion.save(update_fields=["acknowledged_by", "acknowledged_at", "reply"])
    work_versions.bump(Opinion)
    audit_record(
        actor=actor,
        action="opinion.acknowledge",
        obj=opinion,
        organisation=opinion.organisation,
        changes={"reply": [None, reply]},
    )
    return opinion


# --- dispatched tasks (任务交办) ------------------------------------------------------------------

DISPATCH_POINTS = Decimal(2)


@transaction.atomic
def obligations_dispatch(
    *,
    actor: User,
    organisations: Iterable[Organisation],
    year: Year,
    ref: str,
    content: str,
    due_date: datetime.date,
    standard: str = "",
    points: Decimal = DISPATCH_POINTS,
) -> list[Obligation]:
    """Turn an ad-hoc task into a one-off item, with its one obligation, in each organisation's
    checklist: it is then filled in, reminded, scored and audited like every other duty."""
    if year.status != Year.Status.ACTIVE:
        raise ServiceError(_("只能向进行中的年度交办任务。"))
    if not year.start <= due_date <= year.end:
        raise ServiceError(_("截止日期须在本年度内。"))
    targets = list(organisations)
    if not targets:
        return []
    checklists = {
        c.organisation_id: c
        for c in Checklist.objects.filter(year=year, organisation__in=targets).select_related(
            "year", "organisation"
        )
    }
    missing = [o.name for o in targets if o.pk not in checklists]
    if missing:
        raise ServiceError(
            _("以下组织本年度没有责任清单，无法交办：%(names)s") % {"names": "、".join(missing)}
        )
    # Query budget flat in the number of organisations (tests/responsibility/test_dispatch.py):
    # one collision check, one INSERT of the items, one generation round (up to
    # CHECKLIST_CHUNK checklists), one read of the obligations and one INSERT of the audit.
    chosen = [checklists[o.pk] for o in targets]
    taken = set(
        ChecklistItem.objects.filter(checklist__in=chosen, ref=ref).values_list(
            "checklist_id", flat=True
        )
    )
    for organisation, checklist in zip(targets, chosen, strict=True):
        if checklist.pk in taken:
            raise ServiceError(
                _("%(org)s 的清单中已有编号 %(ref)s。") % {"org": organisation.name, "ref": ref}
            )
        taken.add(checklist.pk)  # an organisation chosen twice would collide with itself
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            checklist=checklist,
            ref=ref,
            group=Group.DISPATCHED,
            content=content,
            standard=standard,
            points=points,
            frequency=Frequency.ONCE,
            due_days=(due_date - year.start).days,
            sort_order=10_000,
        )
        for checklist in chosen
    )
    checklist_ids = [checklist.pk for checklist in chosen]
    obligations_generate(year=year, checklist_ids=checklist_ids)
    # Found through (checklist, ref), which is unique, rather than the new items' pks, so this
    # does not depend on the backend returning pks from a bulk INSERT.
    by_organisation = {
        obligation.organisation_id: obligation
        for obligation in Obligation.objects.filter(
            year=year, item__checklist_id__in=checklist_ids, item__ref=ref
        ).select_related("item")
    }
    created = [by_organisation[organisation.pk] for organisation in targets]
    audit_record_many(
        audit_entry(
            actor=actor,
            action="obligation.dispatch",
            obj=obligation,
            organisation=organisation,
            changes={"ref": ref, "content": content, "due_date": due_date.isoformat()},
        )
        for organisation, obligation in zip(targets, created, strict=True)
    )
    return created
