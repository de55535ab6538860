"""Exporting an organisation's checklist with every obligation's status."""

from __future__ import annotations

import datetime
import re
from typing import IO, Any

from django.db.models import Count, Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from ..excel import FORMULA_PREFIXES, HEADER_FILL, HEADER_FONT
from ..models import Checklist, ChecklistItem, Obligation

EXPORT_SHEET = "责任清单"
EXPORT_COLUMNS = (
    ("编号", 12),
    ("类别", 16),
    ("工作内容", 48),
    ("完成标准", 40),
    ("分值", 8),
    ("频次", 10),
    ("周期", 14),
    ("截止日期", 12),
    ("状态", 14),
    ("完成日期", 12),
    ("逾期完成", 10),
    ("完成情况", 48),
    ("佐证材料数", 10),
)
_UNSAFE_FILENAME_RE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def export_filename(checklist: Checklist) -> str:
    name = _UNSAFE_FILENAME_RE.sub("_", checklist.organisation.name)
    return f"{name}-{checklist.year.year}年度责任清单.xlsx"


def export_items(checklist: Checklist) -> list[ChecklistItem]:
    """The checklist's items with their obligations and evidence counts: two queries."""
    obligations = Obligation.objects.annotate(evidence_count=Count("evidence")).order_by(
        "period_start", "pk"
    )
    return list(
        ChecklistItem.objects.filter(checklist=checklist)
        .order_by("sort_order", "ref", "pk")
        .prefetch_related(
            Prefetch("obligations", queryset=obligations, to_attr="export_obligations")
        )
    )


def _export_cell(worksheet: Any, value: Any, number_format: str | None = None) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_PREFIXES):
            # Typed text: stored as a string, shown with Excel's quote prefix, never evaluated.
            cell = WriteOnlyCell(worksheet, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            return cell
        return value
    if number_format is not None and value is not None:
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = number_format
        return cell
    return value


def write_export(
    checklist: Checklist, handle: IO[bytes], *, today: datetime.date | None = None
) -> None:
    """Write the checklist with every obligation's status as .xlsx into `handle`.

    A write-only workbook streams rows to a temporary file, so memory stays flat; one row per
    obligation, one row for an item without obligations. Labels are Chinese whatever the UI
    language is.
    """
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(EXPORT_SHEET)
    for index, (_header_text, width) in enumerate(EXPORT_COLUMNS, start=1):
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"
    header = []
    for title, _width in EXPORT_COLUMNS:
        cell = WriteOnlyCell(worksheet, value=title)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        header.append(cell)
    worksheet.append(header)
    with translation.override("zh-hans"):
        statuses = dict(Obligation.Status.choices)
        overdue = str(Obligation.Light.RED.label)
        yes, no = _("是"), _("否")
        for item in export_items(checklist):
            head = [
                _export_cell(worksheet, item.ref),
                _export_cell(worksheet, str(item.get_group_display())),
                _export_cell(worksheet, item.content),
                _export_cell(worksheet, item.standard),
                item.points,
                _export_cell(worksheet, str(item.get_frequency_display())),
            ]
            obligations: list[Obligation] = item.export_obligations  # type: ignore[attr-defined]
            if not obligations:
                worksheet.append([*head, None, None, None, None, None, None, None])
                continue
            for obligation in obligations:
                status = str(statuses[obligation.status])
                if obligation.light(today) == Obligation.Light.RED:
                    status = f"{status}（{overdue}）"
                worksheet.append(
                    [
                        *head,
                        _export_cell(worksheet, obligation.period_label),
                        _export_cell(worksheet, obligation.due_date, "yyyy-mm-dd"),
                        status,
                        _export_cell(worksheet, obligation.completed_on, "yyyy-mm-dd"),
                        yes if obligation.is_late else no,
                        _export_cell(worksheet, obligation.description),
                        obligation.evidence_count,  # type: ignore[attr-defined]
                    ]
                )
    workbook.save(handle)
