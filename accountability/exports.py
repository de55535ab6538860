"""The rectification ledger as an Excel workbook, for any number of rows.

Rows come from the database in chunks and openpyxl's write-only mode writes them straight to a
temporary file, so memory stays flat; the response then streams that file. A cell that begins
with = + - @ (or a tab or carriage return) is written as text with Excel's quote prefix, so a
problem description can never run as a formula (CSV/formula injection).
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from responsibility.excel import FORMULA_PREFIXES, XLSX_CONTENT_TYPE
from responsibility.models import Year

from .models import Rectification

CHUNK = 2000

COLUMNS = [
    (gettext_lazy("编号"), 8),
    (gettext_lazy("单位"), 18),
    (gettext_lazy("责任组织"), 24),
    (gettext_lazy("来源"), 12),
    (gettext_lazy("来源说明"), 28),
    (gettext_lazy("问题"), 48),
    (gettext_lazy("整改措施"), 48),
    (gettext_lazy("责任人"), 10),
    (gettext_lazy("整改期限"), 12),
    (gettext_lazy("状态"), 10),
    (gettext_lazy("逾期提交"), 10),
    (gettext_lazy("退回次数"), 10),
    (gettext_lazy("交办时间"), 18),
    (gettext_lazy("销号时间"), 18),
]


def cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A cell whose text is always text."""
    written = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        written.data_type = "s"
        written.quotePrefix = True
    return written


def _local(moment: datetime.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def ledger_rows(rows: Iterable[Rectification], today: datetime.date) -> Iterator[list[Any]]:
    """Each rectification as a ledger row. The labels are looked up once: get_FOO_display
    rebuilds and translates its choices on every call, which showed at province scale."""
    sources = {value: str(label) for value, label in Rectification.SourceType.choices}
    states = {value: str(label) for value, label in Rectification.State.choices}
    overdue, late = _("逾期"), _("是")
    for rectification in rows:
        unit = rectification.organisation.unit
        person = rectification.responsible_person
        yield [
            rectification.pk,
            unit.name if unit else "",
            rectification.organisation.name,
            sources.get(rectification.source_type, rectification.source_type),
            rectification.source_label,
            rectification.problem,
            rectification.measures,
            person.display_name if person else "",
            rectification.deadline,
            overdue
            if rectification.is_overdue(today)
            else states.get(rectification.state, rectification.state),
            late if rectification.is_late else "",
            rectification.returned_count,
            _local(rectification.created_at),
            _local(rectification.closed_at),
        ]


def write_ledger(rows: Iterable[Rectification], target: Any, *, today: datetime.date) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("整改台账"))
    for index, (_title, width) in enumerate(COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title, _width in COLUMNS:
        heading = cell(sheet, str(title))
        heading.font = Font(bold=True)
        header.append(heading)
    sheet.append(header)
    for row in ledger_rows(rows, today):
        sheet.append([cell(sheet, value) for value in row])
    workbook.save(target)


def ledger_response(rows: QuerySet[Rectification], *, today: datetime.date) -> FileResponse:
    """One query, chunked; the file is streamed from a temporary file on disk."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    write_ledger(rows.iterator(chunk_size=CHUNK), handle, today=today)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"整改台账-{today:%Y%m%d}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def annual_results_sheet(workbook: Workbook, year: Year, organisation_ids: list[int]) -> None:
    """The rectification ledger sheet of the annual results workbook (registered in apps.py):
    rectifications of the exported organisations whose deadline falls in the year."""
    from assessment.sheet_writer import Column, SheetWriter

    sheet = SheetWriter(
        workbook, str(_("整改台账")), [Column(str(title), width) for title, width in COLUMNS]
    )
    today = timezone.localdate()
    rows = (
        Rectification.objects.filter(organisation_id__in=organisation_ids, deadline__year=year.year)
        .select_related("organisation__unit", "responsible_person")
        .order_by("organisation__path", "deadline", "pk")
    )
    for row in ledger_rows(rows.iterator(chunk_size=CHUNK), today):
        sheet.row(row)
