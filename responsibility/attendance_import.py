"""A meeting's sign-in sheet from Excel (用户名 / 出席情况 / 原因): read and checked against the
roster on the meeting date, nothing written. Roster members the sheet does not list did not sign
in: they are recorded absent (未签到) and owe a 补课 like any absentee."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .excel import (
    ImportRefused,
    RowError,
    cell_header,
    cell_text,
    open_workbook,
    quoted,
    sheet_rows,
)
from .excel_rows import NamedPeople, RowForm, TextCell, check_row
from .models import MeetingAttendance, MeetingRecord, User
from .selectors import roster
from .services import AttendanceLine

SIGN_IN_SHEET = "签到表"
MAX_SIGN_IN_ROWS = 2_000  # a 机关党委's members' meeting is a few hundred people
SIGN_IN_HEADERS = {"username": "用户名", "status": "出席情况", "reason": "原因"}
NOT_SIGNED_IN = gettext_lazy("未签到")
STATUS_WORDS = {
    "出席": MeetingAttendance.Status.PRESENT,
    "已签到": MeetingAttendance.Status.PRESENT,
    "签到": MeetingAttendance.Status.PRESENT,
    "缺席": MeetingAttendance.Status.ABSENT,
    "请假": MeetingAttendance.Status.LEAVE,
}


class SignInRowForm(RowForm):
    username = TextCell(label=_("用户名"), max_length=150)
    status = TextCell(label=_("出席情况"), required=False, max_length=10)
    reason = TextCell(label=_("原因"), required=False, max_length=200)

    def clean_status(self) -> str:
        word: str = self.cleaned_data.get("status", "")
        if not word:
            return MeetingAttendance.Status.PRESENT
        if word not in STATUS_WORDS:
            raise forms.ValidationError(
                _("应为“出席”“缺席”或“请假”，不是“%(value)s”。") % {"value": quoted(word)}
            )
        return STATUS_WORDS[word]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        if status and status != MeetingAttendance.Status.PRESENT and not data.get("reason"):
            self.add_error("reason", _("缺席或请假时请填写原因。"))
        return data


@dataclass
class SignInPlan:
    rows: list[tuple[User, str, str]] = field(default_factory=list)  # person, status, reason
    errors: list[RowError] = field(default_factory=list)

    def lines(self) -> list[AttendanceLine]:
        return [
            AttendanceLine(person_id=person.pk, status=status, reason=reason)
            for person, status, reason in self.rows
        ]

    def count(self, status: str) -> int:
        return sum(1 for _person, row_status, _reason in self.rows if row_status == status)

    @property
    def present(self) -> int:
        return self.count(MeetingAttendance.Status.PRESENT)


def sign_in_from_excel(meeting: MeetingRecord, uploaded: IO[bytes]) -> SignInPlan:
    """Read the first sheet through the shared safe reader; the header is its first row. Every
    problem is named by row and column; a name not on the roster refuses the whole file."""
    plan = SignInPlan()
    try:
        with open_workbook(uploaded) as workbook:
            sheet = workbook.worksheets[0] if workbook.worksheets else None
            rows = (
                []
                if sheet is None
                else [values for _n, values in sheet_rows(sheet, max_rows=MAX_SIGN_IN_ROWS + 1)]
            )
    except ImportRefused as refused:
        plan.errors.append(refused.error)
        return plan
    header = [cell_header(value) for value in rows[0]] if rows else []
    if "用户名" not in header:
        plan.errors.append(
            RowError(SIGN_IN_SHEET, 1, "用户名", _("缺少必需的列「用户名」（表头应在第1行）。"))
        )
        return plan
    if len(rows) > MAX_SIGN_IN_ROWS + 1:
        plan.errors.append(
            RowError(
                SIGN_IN_SHEET,
                None,
                "",
                _("数据超过 %(count)d 行，请检查是否选错了文件。") % {"count": MAX_SIGN_IN_ROWS},
            )
        )
        return plan
    at = {name: header.index(title) for name, title in SIGN_IN_HEADERS.items() if title in header}
    people = {
        person.username: person
        for person in roster(meeting.obligation.organisation_id, meeting.held_on)
    }
    named = NamedPeople(
        SIGN_IN_SHEET,
        people,
        lambda name: (
            _("“%(name)s”不在本组织会议当日（%(date)s）的党员名册中。")
            % {"name": quoted(name), "date": meeting.held_on.isoformat()}
        ),
    )
    for number, values in enumerate(rows[1:], start=2):
        raw = {name: values[i] if i < len(values) else None for name, i in at.items()}
        if not any(cell_text(value) for value in raw.values()):
            continue
        checked = check_row(
            SignInRowForm, raw, sheet=SIGN_IN_SHEET, row=number, columns=SIGN_IN_HEADERS
        )
        if not checked.ok:
            plan.errors.extend(checked.errors)
            continue
        person = named.person(checked.values["username"], number, plan.errors)
        if person is None:
            continue
        plan.rows.append((person, checked.values["status"], checked.values.get("reason", "")))
    if not plan.rows and not plan.errors:
        plan.errors.append(RowError(SIGN_IN_SHEET, None, "", _("文件中没有签到人员。")))
    if plan.errors:
        return plan
    plan.rows += [
        (person, MeetingAttendance.Status.ABSENT, str(NOT_SIGNED_IN))
        for username, person in people.items()
        if username not in named.seen
    ]
    plan.rows.sort(key=lambda row: (row[0].full_name, row[0].username))
    return plan
