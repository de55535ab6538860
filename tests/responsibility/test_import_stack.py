"""The one Excel import stack: every importer checks each data row through its row form
(`excel_rows.check_row`), and a field's error comes back as a RowError naming the sheet, the
Excel row and the column header."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook

from assessment import attendance_import
from assessment import services as assessment_services
from assessment.forms import AttendanceRowForm
from responsibility import checklist_excel, onboarding
from responsibility.checklist_excel import ChecklistRowForm
from responsibility.excel import RowError
from responsibility.excel_rows import RowForm, TextCell, check_row
from responsibility.models import Checklist
from responsibility.onboarding.row_forms import OrganisationRowForm, PersonRowForm
from tests.factories import World

CHECKLIST_HEADERS = ["编号", "类别", "工作任务", "分值", "频次", "会议类事项"]  # 工作任务: an alias
ORG_HEADERS = [column.header for column in onboarding.ORG_COLUMNS]
PEOPLE_HEADERS = [column.header for column in onboarding.PEOPLE_COLUMNS]


def book(sheets: dict[str, list[list[Any]]]) -> io.BytesIO:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def checklist_rows(bad: dict[int, Any] | None = None) -> list[list[Any]]:
    rows = [
        ["YD-01", "政治建设", "学习", 5, "每年", "否"],
        ["YD-02", "政治建设", "谈心谈话", 5, "每季度", "是"],
    ]
    for index, value in (bad or {}).items():
        rows[1][index] = value
    return [CHECKLIST_HEADERS, *rows]


def org_rows(bad: dict[int, Any] | None = None) -> list[list[Any]]:
    rows = [
        ["A-ZB8", "甲厅第八党支部", "党支部", "A-JGDW", 80],
        ["A-ZB9", "甲厅第九党支部", "党支部", "A-JGDW", 90],
    ]
    for index, value in (bad or {}).items():
        rows[1][index] = value
    return [ORG_HEADERS, *rows]


def people_rows(bad: dict[int, Any] | None = None) -> list[list[Any]]:
    rows = [
        ["zhangsan", "张三", None, None, "A-ZB1", "委员", "2024-01-01", None],
        ["lisi", "李四", None, None, "A-ZB1", "党员", "2024-01-01", None],
    ]
    for index, value in (bad or {}).items():
        rows[1][index] = value
    return [PEOPLE_HEADERS, *rows]


def attendance_rows(bad: dict[int, Any] | None = None) -> list[list[Any]]:
    rows = [["officer_a", 2], ["member", 1.5]]
    for index, value in (bad or {}).items():
        rows[1][index] = value
    return [["用户名", "学时"], *rows]


def run(world: World, importer: str, bad: dict[int, Any] | None = None) -> list[RowError]:
    """The errors of one importer's check (its preview) of a file whose row 3 has `bad`."""
    if importer == "checklist":
        checklist = Checklist.objects.get(organisation=world.branch_a, year=world.year)
        return checklist_excel.plan_checklist(
            book({"清单": checklist_rows(bad)}), checklist=checklist, actor=world.admin
        ).errors
    if importer == "template":  # the reader templates share (their plan adds the 100-point sum)
        return checklist_excel.read_workbook(book({"模板": checklist_rows(bad)})).errors
    if importer == "organisations":
        sheets = {"组织": org_rows(bad), "人员职务": [PEOPLE_HEADERS]}
        return onboarding.validate_workbook(book(sheets)).errors
    if importer == "people":
        sheets = {"组织": [ORG_HEADERS], "人员职务": people_rows(bad)}
        return onboarding.validate_workbook(book(sheets)).errors
    training = assessment_services.training_create(
        actor=world.officer_a,
        organiser=world.branch_a,
        held_on=datetime.date(2026, 3, 1),
        topic="支部工作条例培训",
        hours=Decimal(2),
    )
    return attendance_import.attendance_from_excel(
        training, book({"参训人员": attendance_rows(bad)})
    ).errors


def where(errors: list[RowError]) -> list[tuple[str, int | None, str, str]]:
    return [(e.sheet, e.row, e.column, e.message) for e in errors]


def hours_message(value: str) -> str:
    return AttendanceRowForm({"username": "x", "hours": value}).errors["hours"][0]


# (importer, its row form, a field, that field's column in the file, its sheet in errors)
IMPORTERS = [
    ("checklist", ChecklistRowForm, "content", "工作任务", ""),
    ("template", ChecklistRowForm, "frequency", "频次", ""),
    ("organisations", OrganisationRowForm, "name", "组织名称", "组织"),
    ("people", PersonRowForm, "kind", "职务", "人员职务"),
    ("training", AttendanceRowForm, "hours", "学时", "参训人员"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("importer", "form_class", "field", "column", "sheet"),
    IMPORTERS,
    ids=[case[0] for case in IMPORTERS],
)
def test_it_checks_every_importers_rows_through_its_row_form(
    active_world: World,
    monkeypatch: pytest.MonkeyPatch,
    importer: str,
    form_class: type[RowForm],
    field: str,
    column: str,
    sheet: str,
) -> None:
    assert issubclass(form_class, RowForm)
    assert where(run(active_world, importer)) == []  # the file is good as it stands

    def refuse(form: RowForm) -> Any:
        raise ValidationError("本列由行表单检查。")

    monkeypatch.setattr(form_class, f"clean_{field}", refuse, raising=False)

    assert where(run(active_world, importer)) == [
        (sheet, 2, column, "本列由行表单检查。"),
        (sheet, 3, column, "本列由行表单检查。"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("importer", "bad", "expected"),
    [
        ("checklist", {3: "五分"}, ("", 3, "分值", "不是有效的数字（“五分”）。")),
        ("template", {5: "也许"}, ("", 3, "会议类事项", "请填写“是”或“否”（“也许”）。")),
        ("organisations", {4: -1}, ("组织", 3, "排序", "须为不超过 2147483647 的非负整数。")),
        (
            "people",
            {6: "昨天"},
            ("人员职务", 3, "任职开始", "无法识别的日期，请填写如 2024-01-01 的日期。"),
        ),
        ("training", {1: "两小时"}, ("参训人员", 3, "学时", None)),
    ],
    ids=["checklist", "template", "organisations", "people", "training"],
)
def test_it_names_a_bad_cell_by_row_and_column_in_every_importer(
    active_world: World, importer: str, bad: dict[int, Any], expected: tuple[Any, ...]
) -> None:
    sheet, row, column, message = expected
    if message is None:  # the web form's own field, in the UI's language
        message = hours_message("两小时")
    assert where(run(active_world, importer, bad)) == [(sheet, row, column, message)]


class PairForm(RowForm):
    first = TextCell(max_length=3)
    second = TextCell(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("second") == "x":
            raise ValidationError("整行有误。")
        return data


@pytest.mark.parametrize(
    ("values", "errors", "cleaned"),
    [
        ({"first": 100.0, "second": "\u3000y "}, [], {"first": "100", "second": "y"}),
        ({"first": "abcd"}, [("表", 7, "甲", "不能超过3个字符。")], {"second": ""}),
        ({"second": "y"}, [("表", 7, "甲", "不能为空。")], {"second": "y"}),
        ({"first": "a", "second": "x"}, [("表", 7, "", "整行有误。")], {"first": "a"}),
    ],
    ids=["clean", "too-long", "blank", "whole-row"],
)
def test_check_row_turns_a_row_dict_into_values_or_errors(
    values: dict[str, Any], errors: list[tuple[Any, ...]], cleaned: dict[str, Any]
) -> None:
    checked = check_row(
        PairForm, values, sheet="表", row=7, columns={"first": "甲", "second": "乙"}
    )
    assert where(checked.errors) == errors
    assert checked.ok == (not errors)
    for name, value in cleaned.items():
        assert checked.values[name] == value
