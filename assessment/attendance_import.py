"""A training's attendance from Excel (用户名 / 学时): read and checked, nothing written."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO

from django.utils.translation import gettext as _

from responsibility.excel import (
    ImportRefused,
    RowError,
    cell_header,
    cell_text,
    open_workbook,
    quoted,
    rounded_number,
    sheet_rows,
)
from responsibility.excel_rows import NamedPeople, check_row
from responsibility.models import User

from .forms import AttendanceRowForm
from .models import Training
from .selectors.cadres import attendance_candidates

# --- attendance from Excel -----------------------------------------------------------------------

ATTENDANCE_SHEET = "参训人员"


MAX_ATTENDANCE_ROWS = 10_000  # a province-wide session has a few thousand attendees
ATTENDANCE_HEADERS = {"username": "用户名", "hours": "学时"}


@dataclass
class AttendancePlan:
    rows: list[tuple[User, Decimal | None]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    already: set[int] = field(default_factory=set)  # people the training lists already (kept)

    @property
    def new_count(self) -> int:
        return sum(1 for person, _hours in self.rows if person.pk not in self.already)


def attendance_from_excel(training: Training, uploaded: IO[bytes]) -> AttendancePlan:
    """Read 用户名 / 学时 rows; every problem is named by row and column, nothing is written.

    The first sheet is read through the shared safe reader (bomb, formulas, caps); the header
    is its first row. Each row goes through AttendanceRowForm (the shared `check_row`), 学时
    rounded to one decimal first.
    """
    plan = AttendancePlan()
    try:
        with open_workbook(uploaded) as workbook:
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            rows = (
                []
                if sheet is None
                else [values for _n, values in sheet_rows(sheet, max_rows=MAX_ATTENDANCE_ROWS + 1)]
            )
    except ImportRefused as refused:
        plan.errors.append(refused.error)
        return plan
    header = [cell_header(value) for value in rows[0]] if rows else []
    if "用户名" not in header:
        plan.errors.append(
            RowError(ATTENDANCE_SHEET, 1, "用户名", _("缺少必需的列「用户名」（表头应在第1行）。"))
        )
        return plan
    name_at = header.index("用户名")
    hours_at = header.index("学时") if "学时" in header else None
    candidates = {u.username: u for u in attendance_candidates(training)}
    named = NamedPeople(
        ATTENDANCE_SHEET,
        candidates,
        lambda name: _("找不到用户“%(name)s”，或其不在主办组织范围内。") % {"name": quoted(name)},
    )
    for number, values in enumerate(rows[1:], start=2):
        raw_name = values[name_at] if name_at < len(values) else None
        raw_hours = values[hours_at] if hours_at is not None and hours_at < len(values) else None
        if not cell_text(raw_name) and not cell_text(raw_hours):
            continue
        checked = check_row(
            AttendanceRowForm,
            {"username": raw_name, "hours": rounded_number(raw_hours, 1)},
            sheet=ATTENDANCE_SHEET,
            row=number,
            columns=ATTENDANCE_HEADERS,
        )
        if not checked.ok:
            plan.errors.extend(checked.errors)
            continue
        person = named.person(checked.values["username"], number, plan.errors)
        if person is None:
            continue
        plan.rows.append((person, checked.values["hours"]))
    if len(plan.rows) > MAX_ATTENDANCE_ROWS:
        plan.errors.append(
            RowError(
                ATTENDANCE_SHEET,
                None,
                "",
                _("数据超过 %(count)d 行，请拆分后分批导入。") % {"count": MAX_ATTENDANCE_ROWS},
            )
        )
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(ATTENDANCE_SHEET, None, "", _("文件中没有参训人员。")))
    plan.already = set(training.attendance.values_list("person_id", flat=True))
    return plan
