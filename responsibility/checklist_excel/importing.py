"""The import plan: what a checked file would write (`services.template_import` and
`services.checklist_import` write it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import scope
from ..excel import RowError
from ..model_fields import concrete_field
from ..models import Checklist, ChecklistItem, TemplateItem, Tier, User
from .layout import (
    COLUMN_BY_KEY,
    POINTS_TOTAL,
    CellError,
    ItemRow,
    ParsedFile,
    SkippedRow,
    points_text,
)
from .reading import read_workbook

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
DEACTIVATE = "deactivate"
ACTION_LABELS = {
    CREATE: gettext_lazy("新增"),
    UPDATE: gettext_lazy("更新"),
    UNCHANGED: gettext_lazy("无变化"),
    DEACTIVATE: gettext_lazy("停用"),
}


@dataclass
class PlannedItem:
    action: str
    ref: str
    content: str
    row: ItemRow | None = None  # None for items the file no longer lists
    existing_pk: int | None = None
    version: int = 0
    sort_order: int = 0
    changes: dict[str, Any] = field(default_factory=dict)  # field → new value
    parent: ChecklistItem | None = None

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])

    @property
    def existing(self) -> int:
        """The existing item's pk, which every update and deactivation plans name."""
        if self.existing_pk is None:
            raise ValueError(f"a planned {self.action} names no existing item")
        return self.existing_pk

    @property
    def changed_labels(self) -> list[str]:
        return [_field_label(name) for name in self.changes]


def _field_label(name: str) -> str:
    model = TemplateItem if name == "is_active" else ChecklistItem
    return str(concrete_field(model, name).verbose_name)


@dataclass
class ImportPlan:
    """What a checked file would write; applied only when `errors` is empty."""

    errors: list[RowError] = field(default_factory=list)
    items: list[PlannedItem] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 0
    has_parent_column: bool = False
    file_points: Decimal = Decimal(0)  # the sum over the file's rows
    total_points: Decimal = Decimal(0)  # the list's total once imported
    parent_checklist: Checklist | None = None
    skipped: list[SkippedRow] = field(default_factory=list)  # notes, rows after 合计

    def count(self, action: str) -> int:
        return sum(1 for item in self.items if item.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTION_LABELS}

    @property
    def changes_anything(self) -> bool:
        return any(item.action != UNCHANGED for item in self.items)

    @property
    def total_label(self) -> str:
        return points_text(self.total_points)

    @property
    def total_is_full(self) -> bool:
        return self.total_points == POINTS_TOTAL


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0

    def summary(self) -> str:
        text = _(
            "导入成功：新增 %(created)d 项、更新 %(updated)d 项、无变化 %(unchanged)d 项。"
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.deactivated:
            text += _("停用文件中未列出的事项 %(count)d 项。") % {"count": self.deactivated}
        return text


# Planning --------------------------------------------------------------------------------------


def _changes(existing: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in wanted.items() if getattr(existing, name) != value}


def _plan_from(parsed: ParsedFile) -> ImportPlan:
    return ImportPlan(
        errors=list(parsed.errors),
        sheet=parsed.sheet,
        header_row=parsed.header_row,
        has_parent_column=parsed.has_parent_column,
        skipped=list(parsed.skipped),
        file_points=sum((row.points for row in parsed.rows), Decimal(0)),
    )


def plan_template(source: IO[bytes], *, tier: Tier) -> ImportPlan:
    """Check a file against a tier's template; nothing is written."""
    parsed = read_workbook(source)
    plan = _plan_from(parsed)
    plan.has_parent_column = False  # templates cite no upper level: the column is ignored
    if plan.errors:
        return plan
    existing = {item.ref: item for item in TemplateItem.objects.filter(tier=tier)}
    for order, row in enumerate(parsed.rows, start=1):
        wanted = {**parsed.present(row.fields()), "sort_order": order * 10, "is_active": True}
        item = existing.pop(row.ref, None)
        if item is None:
            plan.items.append(PlannedItem(CREATE, row.ref, row.content, row, sort_order=order * 10))
            continue
        changes = _changes(item, wanted)
        plan.items.append(
            PlannedItem(
                UPDATE if changes else UNCHANGED,
                row.ref,
                row.content,
                row,
                existing_pk=item.pk,
                sort_order=order * 10,
                changes=changes,
            )
        )
    for item in sorted(existing.values(), key=lambda i: (i.sort_order, i.ref)):
        if item.is_active:
            plan.items.append(PlannedItem(DEACTIVATE, item.ref, item.content, existing_pk=item.pk))
    plan.total_points = plan.file_points
    if plan.file_points != POINTS_TOTAL:
        plan.errors.append(
            CellError(
                None,
                "分值",
                _("模板各事项的分值合计为 %(total)s 分，应为 100 分；请调整分值后重新上传。")
                % {"total": points_text(plan.file_points)},
            )
        )
    return plan


def upper_checklist(checklist: Checklist) -> Checklist | None:
    """The checklist a key-points list cites: the nearest ancestor's list for the same year."""
    ancestor_ids = checklist.organisation.ancestor_ids
    if not ancestor_ids:
        return None
    candidates = {
        c.organisation_id: c
        for c in Checklist.objects.filter(
            organisation_id__in=ancestor_ids, year_id=checklist.year_id
        ).select_related("organisation")
    }
    for organisation_id in reversed(ancestor_ids):
        if organisation_id in candidates:
            return candidates[organisation_id]
    return None


def checklist_editable_error(checklist: Checklist, actor: User) -> str | None:
    """Why `actor` may not change the checklist now, or None (the services' own rules)."""
    if checklist.year.is_closed:
        return _("该年度已结束，清单只读。")
    if checklist.is_locked and not scope.scope_for(actor).is_admin:
        return _("年度已启动，清单已锁定；如需调整请联系管理员。")
    return None


def plan_checklist(source: IO[bytes], *, checklist: Checklist, actor: User) -> ImportPlan:
    """Check a file against an organisation's checklist for a year; nothing is written."""
    refused = checklist_editable_error(checklist, actor)
    if refused:
        return ImportPlan(errors=[CellError(None, "", refused)])
    parsed = read_workbook(source)
    plan = _plan_from(parsed)
    if plan.errors:
        return plan
    existing = {item.ref: item for item in ChecklistItem.objects.filter(checklist=checklist)}
    parents: dict[str, ChecklistItem] = {}
    wanted_parents = {row.parent_ref for row in parsed.rows} - {""}
    if wanted_parents:
        plan.parent_checklist = upper_checklist(checklist)
        if plan.parent_checklist is not None:
            parents = {
                item.ref: item
                for item in ChecklistItem.objects.filter(
                    checklist=plan.parent_checklist, ref__in=wanted_parents
                )
            }
    parent_header = COLUMN_BY_KEY["parent_ref"].header
    next_order = (
        ChecklistItem.objects.filter(checklist=checklist).aggregate(m=Max("sort_order"))["m"] or 0
    )
    for row in parsed.rows:
        parent = None
        if row.parent_ref:
            if plan.parent_checklist is None:
                plan.errors.append(
                    CellError(
                        row.row,
                        parent_header,
                        _("上级组织没有%(year)s年度责任清单，无法关联上级事项“%(ref)s”。")
                        % {"year": checklist.year.year, "ref": row.parent_ref},
                    )
                )
                continue
            parent = parents.get(row.parent_ref)
            if parent is None:
                plan.errors.append(
                    CellError(
                        row.row,
                        parent_header,
                        _("「%(org)s」%(year)s年度责任清单中没有编号为 %(ref)s 的事项。")
                        % {
                            "org": plan.parent_checklist.organisation.name,
                            "year": checklist.year.year,
                            "ref": row.parent_ref,
                        },
                    )
                )
                continue
        item = existing.pop(row.ref, None)
        if item is None:
            next_order += 10
            plan.items.append(
                PlannedItem(CREATE, row.ref, row.content, row, sort_order=next_order, parent=parent)
            )
            continue
        changes = _changes(item, parsed.present(row.fields()))
        if plan.has_parent_column and item.parent_item_id != (parent.pk if parent else None):
            changes["parent_item"] = parent
        plan.items.append(
            PlannedItem(
                UPDATE if changes else UNCHANGED,
                row.ref,
                row.content,
                row,
                existing_pk=item.pk,
                version=item.version,
                sort_order=item.sort_order,
                changes=changes,
                parent=parent,
            )
        )
    plan.total_points = plan.file_points + sum(
        (item.points for item in existing.values()), Decimal(0)
    )
    return plan
