"""The shared safe Excel reader (responsibility.excel) under every importer: zip bombs refused
before parsing, formulas refused with their address, capped rows and cells, quoted cells; the
attendance rows through the web form's field; previews that write nothing; plausible dates."""

from __future__ import annotations

import datetime
import io
import re
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessment import attendance_import
from assessment import selectors as assessment_selectors
from assessment import services as assessment_services
from assessment.models import Training, TrainingAttendance
from responsibility import checklist_excel, excel, onboarding, services
from responsibility.excel import XLSX_CONTENT_TYPE
from responsibility.models import Checklist, ChecklistItem, Organisation, Post, User
from tests.factories import World

BOMB_CELL_BYTES = 300 * 1024 * 1024  # the issue's 300 MB cell
MB = 1024 * 1024


def book_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_cached_values(data: bytes) -> bytes:
    """Give every formula a cached value, as Excel and WPS save them (openpyxl writes none)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename.startswith("xl/worksheets/"):
                content = re.sub(
                    rb"(<f>[^<]*</f>)<v\s*/>|(<f>[^<]*</f>)<v></v>", rb"\1\2<v>5</v>", content
                )
            out.writestr(entry, content)
    return target.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A well-formed 300 KB .xlsx whose first sheet holds one 300 MB cell."""
    data = book_bytes({"组织": [["x"]], "人员职务": [["x"]], "Sheet": [["x"]]})
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    chunk = b"A" * MB
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            if entry.filename != "xl/worksheets/sheet1.xml":
                out.writestr(entry, source.read(entry.filename))
                continue
            with out.open(entry.filename, "w", force_zip64=True) as part:
                part.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
                )
                for _ in range(BOMB_CELL_BYTES // MB):
                    part.write(chunk)
                part.write(b"</t></is></c></row></sheetData></worksheet>")
    return target.getvalue()


def refused_quickly(post: Callable[[], Any]) -> tuple[str, float, float]:
    """The page, seconds taken, and MB of Python memory allocated at the peak."""
    started = time.perf_counter()
    page = post().content.decode()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    try:
        post()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return page, seconds, peak / MB


def xlsx_upload(data: bytes, name: str = "导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


def branch_training(world: World) -> Training:
    return assessment_services.training_create(
        actor=world.officer_a,
        organiser=world.branch_a,
        held_on=datetime.date(2026, 3, 1),
        topic="支部工作条例培训",
        hours=D(2),
    )


def database_rows() -> tuple[int, ...]:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Post.objects.count(),
        ChecklistItem.objects.count(),
        TrainingAttendance.objects.count(),
    )


# The bomb to every importer ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("importer", ["checklist", "template", "onboarding", "training"])
def test_it_refuses_a_zip_bomb_to_every_importer_fast_and_small(
    active_world: World, as_user, bomb: bytes, importer: str
) -> None:
    world = active_world
    if importer == "checklist":  # an admin: the started year locks the list for reviewers
        client: Client = as_user(world.admin)
        checklist = Checklist.objects.get(organisation=world.branch_a, year=world.year)
        url = reverse("checklist_import", args=[world.branch_a.pk, checklist.year.year])
    elif importer == "template":
        client = as_user(world.admin)
        url = reverse("checklist_template_import", args=["branch"])
    elif importer == "onboarding":
        client = as_user(world.admin)
        url = reverse("onboarding_import")
    else:  # a plain branch officer, as in the issue
        client = as_user(world.officer_a)
        url = reverse("training_import", args=[branch_training(world).pk])
    before = database_rows()

    page, seconds, megabytes = refused_quickly(
        lambda: client.post(url, {"file": xlsx_upload(bomb)})
    )

    print(f"{importer}: {len(bomb) // 1024} KB bomb refused in {seconds:.3f} s, {megabytes:.1f} MB")
    assert "文件结构异常" in page
    assert "压缩比超过 100 倍" in page
    assert seconds < 2
    assert megabytes < 50
    assert len(page) < 200_000  # nothing of the cell is echoed
    assert database_rows() == before


def test_the_bomb_is_what_the_issue_describes(bomb: bytes) -> None:
    assert len(bomb) < 1 * MB
    sizes = [entry.file_size for entry in zipfile.ZipFile(io.BytesIO(bomb)).infolist()]
    assert max(sizes) > BOMB_CELL_BYTES


def test_a_province_sized_people_workbook_passes_the_zip_limits() -> None:
    """The measurement behind the limits: 30,000 people and 3,000 organisations."""
    workbook = Workbook(write_only=True)
    organisations = workbook.create_sheet("组织")
    organisations.append(onboarding_headers("org"))
    for i in range(3000):
        organisations.append(
            [f"ORG-{i:05d}", f"某某厅第{i}党支部", "党支部", f"ORG-{i // 10:05d}", i]
        )
    people = workbook.create_sheet("人员职务")
    people.append(onboarding_headers("people"))
    for i in range(30_000):
        people.append(
            [
                f"user{i:06d}",
                f"张{chr(0x4E00 + i % 20000)}{chr(0x4E00 + (i * 7) % 20000)}",
                f"138{i * 2654435761 % 10**8:08d}",
                f"user{i:06d}@example.gov.cn",
                f"ORG-{i % 3000:05d}",
                "党员",
                datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 2000),
                None,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    entries = zipfile.ZipFile(io.BytesIO(data)).infolist()
    total = sum(entry.file_size for entry in entries)
    ratio = max(entry.file_size / entry.compress_size for entry in entries if entry.compress_size)
    print(f"30k people: {len(data) / MB:.2f} MB, {len(entries)} parts, {total / MB:.1f} MB")
    print(f"30k people: largest ratio {ratio:.1f}")
    excel.check_archive(data)  # raises if refused
    assert total * (10 * MB / len(data)) < excel.MAX_UNCOMPRESSED_BYTES  # scaled to 10 MB
    assert ratio * 5 < excel.MAX_COMPRESSION_RATIO


def onboarding_headers(sheet: str) -> list[str]:
    columns = onboarding.ORG_COLUMNS if sheet == "org" else onboarding.PEOPLE_COLUMNS
    return [column.header for column in columns]


def test_it_refuses_too_many_parts_and_too_much_uncompressed_data(settings) -> None:
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(excel.MAX_ZIP_ENTRIES + 1):
            archive.writestr(f"part{i}.xml", b"")
    with pytest.raises(excel.ImportRefused, match="部件"):
        excel.check_archive(many.getvalue())

    settings.IMPORT_MAX_BYTES = 100 * MB
    big = io.BytesIO()
    noise = bytes(range(256)) * 4096  # 1 MB that deflate cannot shrink 100 times
    with zipfile.ZipFile(big, "w", zipfile.ZIP_STORED) as archive:
        for i in range(3):
            archive.writestr(f"part{i}.xml", noise * 90)
    with pytest.raises(excel.ImportRefused, match="解压后达 270 MB"):
        excel.check_archive(big.getvalue())


def test_it_calls_garbage_unreadable() -> None:
    with pytest.raises(excel.ImportRefused, match="无法读取"):
        excel.check_archive(b"PK\x03\x04 not really a zip")


# Formulas --------------------------------------------------------------------------------------


def formula_books() -> dict[str, bytes]:
    checklist_rows = [
        ["编号", "类别", "工作内容", "完成标准", "分值", "频次"],
        ["ZB-1", "政治建设", "学习", "", "=2+3", "每年"],
    ]
    onboarding_sheets = {
        "组织": [onboarding_headers("org")],
        "人员职务": [
            onboarding_headers("people"),
            [
                "li_si",
                '=HYPERLINK("http://evil.example","李四")',
                None,
                None,
                "A-ZB",
                "党员",
                "2024-01-01",
            ],
        ],
    }
    attendance_rows = [["用户名", "学时"], ["officer_a", "=2+3"]]
    return {
        "checklist": book_bytes({"责任清单": checklist_rows}),
        "onboarding": book_bytes(onboarding_sheets),
        "training": book_bytes({"参训人员": attendance_rows}),
    }


FORMULA_ADDRESS = {"checklist": "E2", "onboarding": "B2", "training": "B2"}


@pytest.mark.django_db
@pytest.mark.parametrize("cached", [False, True], ids=["no-cached-value", "cached-value"])
@pytest.mark.parametrize("importer", ["checklist", "onboarding", "training"])
def test_it_refuses_a_formula_with_its_address(
    active_world: World, importer: str, cached: bool
) -> None:
    data = formula_books()[importer]
    if cached:
        data = with_cached_values(data)
        values = [
            cell.value
            for sheet in load_workbook(io.BytesIO(data), data_only=True).worksheets
            for row in sheet.iter_rows()
            for cell in row
        ]
        assert 5 in values or "5" in values  # the value Excel would show is there
    if importer == "checklist":
        checklist = Checklist.objects.get(
            organisation=active_world.branch_a, year=active_world.year
        )
        errors = checklist_excel.plan_checklist(
            io.BytesIO(data), checklist=checklist, actor=active_world.admin
        ).errors
    elif importer == "onboarding":
        errors = onboarding.validate_workbook(data).errors
    else:
        errors = attendance_import.attendance_from_excel(
            branch_training(active_world), xlsx_upload(data)
        ).errors
    address = FORMULA_ADDRESS[importer]
    assert [e.message for e in errors] == [f"单元格 {address} 含公式，请粘贴为数值后再导入。"]
    assert (errors[0].row, errors[0].column) == (2, address[0])


# Caps and quoting --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_cell_longer_than_excel_allows(active_world: World) -> None:
    # openpyxl cuts a cell at Excel's limit when writing, so the long text goes in afterwards.
    data = book_bytes({"参训人员": [["用户名", "学时"], ["PLACEHOLDER", 2]]})
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for entry in source.infolist():
            content = source.read(entry.filename)
            out.writestr(entry, content.replace(b"PLACEHOLDER", b"x" * (excel.MAX_CELL_CHARS + 1)))
    data = target.getvalue()
    errors = attendance_import.attendance_from_excel(
        branch_training(active_world), xlsx_upload(data)
    ).errors
    assert [e.message for e in errors] == [
        "单元格 A2 超过 32767 个字符（Excel 单元格的上限），请检查文件。"
    ]


@pytest.mark.django_db
def test_it_refuses_a_sheet_with_too_many_rows(active_world: World) -> None:
    workbook = Workbook()
    workbook.active.append(["用户名", "学时"])
    workbook.active.cell(row=attendance_import.MAX_ATTENDANCE_ROWS + 5, column=1, value="officer_a")
    buffer = io.BytesIO()
    workbook.save(buffer)
    errors = attendance_import.attendance_from_excel(
        branch_training(active_world), xlsx_upload(buffer.getvalue())
    ).errors
    assert len(errors) == 1
    assert "超过 10001 行" in errors[0].message


@pytest.mark.django_db
def test_it_quotes_at_most_fifty_characters_of_a_cell(world: World) -> None:
    long_tier = "层" * 5000
    data = book_bytes(
        {
            "组织": [onboarding_headers("org"), ["A-ZB9", "甲厅第九党支部", long_tier, "A-JGDW"]],
            "人员职务": [onboarding_headers("people")],
        }
    )
    [error] = onboarding.validate_workbook(data).errors
    assert "层" * 50 + "…" in error.message
    assert "层" * 51 not in error.message


# Attendance rows through the web form's field ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("hours", "accepted"),
    [
        ("NaN", None),
        ("sNaN", None),
        ("Infinity", None),
        ("-Infinity", None),
        ("nan", None),
        ("#NUM!", None),
        ("1e400", None),
        (0.04, None),  # rounds to 0.0: refused, not an IntegrityError
        ("0.44", None),  # rounds to 0.4, below the web form's 0.5
        (0.45, D("0.5")),
        ("2.55", D("2.6")),
        (200.04, D("200.0")),
        ("200.05", None),
        ("-1", None),
        ("两小时", None),
    ],
)
def test_it_checks_hours_like_the_web_form_after_rounding(
    active_world: World, hours: Any, accepted: D | None
) -> None:
    data = book_bytes({"参训人员": [["用户名", "学时"], ["officer_a", hours]]})
    plan = attendance_import.attendance_from_excel(branch_training(active_world), xlsx_upload(data))
    if accepted is None:
        assert {(e.row, e.column) for e in plan.errors} == {(2, "学时")}
        assert plan.rows == []
    else:
        assert plan.errors == []
        assert plan.rows == [(active_world.officer_a, accepted)]


@pytest.mark.django_db
def test_it_refuses_an_overlong_username_without_echoing_it(active_world: World) -> None:
    data = book_bytes({"参训人员": [["用户名", "学时"], ["u" * 5000, 2]]})
    [error] = attendance_import.attendance_from_excel(
        branch_training(active_world), xlsx_upload(data)
    ).errors
    assert (error.row, error.column) == (2, "用户名")
    assert "u" * 51 not in error.message


# Previews ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_onboarding_import_previews_then_writes_on_confirm(world: World, as_user) -> None:
    client = as_user(world.admin)
    url = reverse("onboarding_import")
    data = book_bytes(
        {
            "组织": [onboarding_headers("org"), ["A-ZB9", "甲厅第九党支部", "党支部", "A-JGDW"]],
            "人员职务": [
                onboarding_headers("people"),
                ["li_si", "李四", None, None, "A-ZB9", "书记", "2024-01-01"],
            ],
        }
    )
    before = database_rows()
    preview = client.post(url, {"file": xlsx_upload(data)})
    assert preview.templates[0].name == "responsibility/onboarding_import_preview.html"
    assert "确认后将新建组织 1 个、职务 1 条" in preview.content.decode()
    assert database_rows() == before
    cancelled = client.post(url, {"action": "cancel"})
    assert cancelled.status_code == 302
    assert client.post(url, {"action": "confirm"}).status_code == 400  # nothing waits now
    assert database_rows() == before
    client.post(url, {"file": xlsx_upload(data)})
    assert client.post(url, {"action": "confirm"}).status_code == 302
    assert Organisation.objects.filter(code="A-ZB9").exists()
    assert Post.objects.filter(user__username="li_si", organisation__code="A-ZB9").exists()


@pytest.mark.django_db
def test_the_attendance_import_previews_then_writes_on_confirm(
    active_world: World, as_user
) -> None:
    world = active_world
    session = branch_training(world)
    client = as_user(world.officer_a)
    url = reverse("training_import", args=[session.pk])
    data = book_bytes({"参训人员": [["用户名", "学时"], ["officer_a", 1.5]]})
    preview = client.post(url, {"file": xlsx_upload(data)})
    assert preview.templates[0].name == "assessment/training_import_preview.html"
    assert TrainingAttendance.objects.count() == 0
    assert client.post(url, {"action": "cancel"}).status_code == 302
    assert client.post(url, {"action": "confirm"}).status_code == 400
    client.post(url, {"file": xlsx_upload(data)})
    assert client.post(url, {"action": "confirm"}).status_code == 302
    assert list(TrainingAttendance.objects.values_list("person__username", "hours")) == [
        ("officer_a", D("1.5"))
    ]


# Plausible training dates -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("held_on", [datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_it_refuses_an_implausible_training_date(
    active_world: World, as_user, held_on: datetime.date
) -> None:
    world = active_world
    with pytest.raises(services.ServiceError, match="培训日期须在"):
        assessment_services.training_create(
            actor=world.officer_a,
            organiser=world.branch_a,
            held_on=held_on,
            topic="培训",
            hours=D(2),
        )
    response = as_user(world.officer_a).post(
        reverse("training_list"),
        {
            "organiser": world.branch_a.pk,
            "held_on": held_on.isoformat(),
            "topic": "培训",
            "hours": "2",
        },
    )
    assert response.status_code == 200
    assert "培训日期须在" in response.content.decode()
    assert not Training.objects.exists()


@pytest.mark.django_db
def test_the_training_window_spans_the_assessment_years_and_a_year_either_side(
    active_world: World,
) -> None:
    first, last = assessment_selectors.training_date_window(datetime.date(2026, 6, 1))
    assert (first, last) == (datetime.date(2025, 1, 1), datetime.date(2027, 12, 31))
    services.year_create(actor=None, year=2029)
    assert assessment_selectors.training_date_window(datetime.date(2026, 6, 1))[1] == datetime.date(
        2030, 12, 31
    )
