"""Writes of the checklist Excel import: a checked plan (`responsibility.checklist_excel`)
becomes a tier's template or an organisation's checklist items, in one transaction."""

from __future__ import annotations

from django.db import transaction

from ..checklist_excel.importing import (
    CREATE,
    DEACTIVATE,
    UNCHANGED,
    UPDATE,
    ImportPlan,
    ImportResult,
)
from ..models import Checklist, ChecklistItem, TemplateItem, Tier, User
from .checklists import checklist_item_create, checklist_item_update
from .organisations import ConcurrentEditError, audit_record


@transaction.atomic
def template_import(*, actor: User, plan: ImportPlan, tier: Tier) -> ImportResult:
    """Write a checked template plan: create, update, deactivate; one audit entry."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    result = ImportResult()
    for planned in plan.items:
        if planned.action == UNCHANGED:
            result.unchanged += 1
        elif planned.action == DEACTIVATE:
            TemplateItem.objects.filter(pk=planned.existing).update(is_active=False)
            result.deactivated += 1
        elif planned.action == UPDATE:
            # Only the changed fields: columns the file lacks keep their values.
            TemplateItem.objects.filter(pk=planned.existing).update(**planned.changes)
            result.updated += 1
        elif planned.row is not None:
            TemplateItem.objects.create(
                tier=tier,
                sort_order=planned.sort_order,
                is_active=True,
                **planned.row.fields(),
            )
            result.created += 1
    audit_record(
        actor=actor,
        action="template.import",
        obj=tier,
        changes={
            action: [p.ref for p in plan.items if p.action == action]
            for action in (CREATE, UPDATE, DEACTIVATE)
        },
    )
    return result


@transaction.atomic
def checklist_import(*, actor: User, plan: ImportPlan, checklist: Checklist) -> ImportResult:
    """Write a checked checklist plan through the item services (lock rules, one audit entry
    per item).

    Raises ServiceError or ConcurrentEditError; the transaction then rolls back every item
    written before it.
    """
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    existing = {item.pk: item for item in ChecklistItem.objects.filter(checklist=checklist)}
    result = ImportResult()
    for planned in plan.items:
        if planned.action == UNCHANGED:
            result.unchanged += 1
        elif planned.action == CREATE:
            if planned.row is None:
                raise ValueError("a planned creation carries its row")
            checklist_item_create(
                actor=actor,
                checklist=checklist,
                parent_item=planned.parent,
                sort_order=planned.sort_order,
                **planned.row.fields(),
            )
            result.created += 1
        elif planned.action == UPDATE:
            item = existing.get(planned.existing)
            if item is None:
                raise ConcurrentEditError
            item.checklist = checklist
            checklist_item_update(
                actor=actor, item=item, version=planned.version, **planned.changes
            )
            result.updated += 1
    return result
