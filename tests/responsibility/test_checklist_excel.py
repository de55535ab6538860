"""Checklists and Excel: template and checklist import (preview, confirm), export, permissions."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from responsibility import checklist_excel, services
from responsibility.models import (
    AuditEntry,
    Checklist,
    ChecklistItem,
    Obligation,
    TemplateItem,
    Tier,
)
from responsibility.views.checklist_excel import SESSION_KEY
from tests.factories import World

PLANNING_YEAR = 2027
HEADERS = ["编号", "类别", "工作内容", "完成标准", "分值", "频次", "每期次数", "截止天数"]


def xlsx(
    rows: Sequence[Sequence[Any]],
    *,
    headers: Sequence[Any] | None = HEADERS,
    above: Sequence[Sequence[Any]] = (),
    merges: Sequence[str] = (),
) -> bytes:
    """A workbook with optional title rows above the header and merged ranges."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = "Sheet1"
    for row in above:
        worksheet.append(list(row))
    if headers is not None:
        worksheet.append(list(headers))
    for row in rows:
        worksheet.append(list(row))
    for cells in merges:
        worksheet.merge_cells(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, url: str, data: bytes, name: str = "清单.xlsx") -> Any:
    return client.post(
        url,
        {
            "action": "preview",
            "file": SimpleUploadedFile(name, data, content_type=checklist_excel.XLSX_CONTENT_TYPE),
        },
    )


def confirm(client: Client, url: str) -> Any:
    return client.post(url, {"action": "confirm"})


def item_state() -> tuple[int, int, int]:
    """Items, active template items, and audit entries of changes (not sign-ins or refusals)."""
    return (
        ChecklistItem.objects.count(),
        TemplateItem.objects.filter(is_active=True).count(),
        AuditEntry.objects.exclude(action__startswith="auth.")
        .exclude(action__startswith="access.")
        .count(),
    )


def stashed_files() -> list[str]:
    try:
        return default_storage.listdir("imports")[1]
    except FileNotFoundError:
        return []


@pytest.fixture
def planning(world: World) -> World:
    """The world with a planning year: every checklist generated, none locked."""
    world.year = services.year_create(actor=None, year=PLANNING_YEAR)
    services.checklists_create(actor=None, year=world.year)
    return world


def import_url(world: World, organisation: Any = None) -> str:
    organisation = organisation or world.branch_a
    return reverse("checklist_import", args=[organisation.pk, world.year.year])


def template_url(kind: str = "branch") -> str:
    return reverse("checklist_template_import", args=[kind])


def messy_office_workbook() -> bytes:
    """The shape offices send: two title rows, merged group cells, an extra column,
    full-width spaces in headers, numbers stored as text, a 合计 row."""
    return xlsx(
        above=[
            ["甲厅第一党支部2027年度党建工作要点"],
            ["填报单位：甲厅第一党支部\u3000\u3000填报日期：2027年1月5日"],
        ],
        headers=[
            "序\u3000号",
            "类\u3000别",
            " 工作任务 ",
            "完成标准*",
            "分值（分）",
            "频次",
            "每期次数",
            "责任处室",
            "上级事项编号",
        ],
        rows=[
            [
                "YD-01",
                "政治建设",
                "学习贯彻党的创新理论",
                "每季度集中学习",
                "５",
                "每季度",
                "",
                "办公室",
                "JG-1-01",
            ],
            ["YD-02", None, "落实意识形态工作责任制", "", "3分", "每半年", "", "", ""],
            ["ZB-1-01", None, "第一议题学习（调整）", "", 2.5, "每月", "２", "", ""],
            ["YD-03", "组织建设", "开展主题党日", "", "4", "每月", None, "", "JG-3-01"],
            ["YD-04", None, "发展党员", "", " ６ 分", "一次性", None, "", None],
            [None, "合计", None, None, "20.5", None, None, None, None],
        ],
        merges=["A1:I1", "A2:I2", "B4:B6", "B7:B8", "B9:D9"],
    )


# The messy office workbook ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_previews_and_imports_a_messy_office_workbook(planning: World, as_user) -> None:
    client = as_user(planning.unit_a_reviewer)
    url = import_url(planning)
    before = item_state()

    response = upload(client, url, messy_office_workbook())

    assert response.status_code == 200
    assert response.templates[0].name == "responsibility/checklist_import_preview.html"
    plan = response.context["plan"]
    assert plan.errors == []
    assert (plan.sheet, plan.header_row) == ("Sheet1", 3)
    assert plan.counts == {"create": 4, "update": 1, "unchanged": 0, "deactivate": 0}
    rows = {item.ref: item.row for item in plan.items}
    assert rows["YD-02"].group == "政治建设"  # inherited from the merged cell above
    assert rows["ZB-1-01"].group == "政治建设"
    assert rows["YD-04"].group == "组织建设"
    assert [rows[ref].points for ref in ("YD-01", "YD-02", "ZB-1-01", "YD-04")] == [
        Decimal(5),
        Decimal(3),
        Decimal("2.5"),
        Decimal(6),
    ]
    assert rows["ZB-1-01"].required_count == 2
    page = response.content.decode()
    assert "确认导入" in page
    assert "将新增 4 项、更新 1 项" in page
    assert item_state() == before  # a preview writes nothing
    assert len(stashed_files()) == 1

    response = confirm(client, url)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "checklist_detail", args=[planning.branch_a.pk, PLANNING_YEAR]
    )
    checklist = Checklist.objects.get(organisation=planning.branch_a, year=planning.year)
    created = {i.ref: i for i in checklist.items.filter(ref__startswith="YD-")}
    assert set(created) == {"YD-01", "YD-02", "YD-03", "YD-04"}
    assert created["YD-01"].frequency == "quarterly"
    assert created["YD-01"].parent_item.ref == "JG-1-01"
    assert created["YD-01"].parent_item.checklist.organisation == planning.organ_a
    assert created["YD-03"].parent_item.ref == "JG-3-01"
    assert created["YD-04"].frequency == "once"
    assert created["YD-04"].due_days == 10  # the default: the file has no 截止天数 column
    assert created["YD-01"].sort_order > checklist.items.get(ref="ZB-7-01").sort_order
    updated = checklist.items.get(ref="ZB-1-01")
    assert (updated.content, updated.points, updated.required_count) == (
        "第一议题学习（调整）",
        Decimal("2.50"),
        2,
    )
    assert updated.due_days == TemplateItem.objects.get(tier__kind="branch", ref="ZB-1-01").due_days
    assert updated.version == 2
    actions = AuditEntry.objects.filter(
        actor=planning.unit_a_reviewer, action__startswith="checklist_item."
    ).values_list("action", flat=True)
    assert sorted(actions) == ["checklist_item.create"] * 4 + ["checklist_item.update"]
    assert stashed_files() == []
    follow = client.get(response["Location"])
    assert "导入成功：新增 4 项、更新 1 项" in follow.content.decode()


@pytest.mark.django_db
def test_it_reads_the_product_template_and_headings_across_the_columns(
    planning: World, as_user
) -> None:
    client = as_user(planning.admin)
    template = client.get(reverse("checklist_import_template"))
    workbook = load_workbook(io.BytesIO(template.content))
    worksheet = workbook["责任清单"]
    worksheet.append(["一、政治建设"])
    worksheet.append(["YD-01", None, "学习", "", 5, "每年", 1, 31, "记录", "书记", "是"])
    worksheet.append(["二、组织建设（30分）"])
    worksheet.append(["YD-02", None, "主题党日", "", 5, "每月", None, None, "", "", "否"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    plan = upload(client, import_url(planning), buffer.getvalue()).context["plan"]

    first, second = (item.row for item in plan.items)
    assert (first.group, first.due_days, first.responsible_post, first.is_meeting) == (
        "政治建设",
        31,
        "secretary",
        True,
    )
    assert (second.group, second.is_meeting) == ("组织建设", False)


# Rejected files --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_writes_nothing_when_the_last_row_is_bad(planning: World, as_user) -> None:
    client = as_user(planning.admin)
    data = xlsx(
        [
            ["YD-01", "政治建设", "学习", "", 5, "每年"],
            ["YD-02", "政治建设", "谈心谈话", "", 5, "每季度"],
            ["YD-03", "组织建设", "主题党日", "", 5, "每月"],
            ["YD-04", "组织建设", "党费收缴", "", "五分", "每月"],
        ],
        above=[["2027年度工作要点"], []],
    )
    before = item_state()

    response = upload(client, import_url(planning), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "未导入任何数据" in page
    assert "<td>第7行</td><td>分值</td>" in page
    assert "不是有效的数字（“五分”）" in page
    assert "确认导入" not in page
    [error] = response.context["errors"]
    assert str(error) == "第7行「分值」：不是有效的数字（“五分”）。"
    assert item_state() == before
    assert stashed_files() == []
    assert confirm(client, import_url(planning)).status_code == 400  # nothing to confirm


@pytest.mark.django_db
def test_it_refuses_over_long_content_and_standard_by_row_and_column(
    planning: World, as_user
) -> None:
    data = xlsx(
        [
            ["YD-01", "政治建设", "学习", "", 5, "每年"],
            ["YD-02", "政治建设", "字" * 1001, "每季度1次", 5, "每季度"],
            ["YD-03", "组织建设", "主题党日", "准" * 2001, 5, "每月"],
        ]
    )
    before = item_state()
    response = upload(as_user(planning.admin), import_url(planning), data)
    errors = [str(e) for e in response.context["errors"]]
    assert errors == [
        "第3行「工作内容」：不能超过1000个字符（现有1001个）。",
        "第4行「完成标准」：不能超过2000个字符（现有2001个）。",
    ]
    assert item_state() == before


@pytest.mark.django_db
def test_it_names_both_rows_of_a_duplicate_ref(planning: World, as_user) -> None:
    data = xlsx(
        [
            ["YD-01", "政治建设", "学习", "", 5, "每年"],
            ["YD-02", "政治建设", "谈心谈话", "", 5, "每季度"],
            ["ＹＤ-01", "组织建设", "主题党日", "", 5, "每月"],  # full-width letters, same ref
        ]
    )
    response = upload(as_user(planning.admin), import_url(planning), data)
    errors = [str(e) for e in response.context["errors"]]
    assert errors == ["第4行「编号」：编号 YD-01 与第2行重复。"]


@pytest.mark.django_db
def test_it_reports_every_bad_cell_at_once(planning: World) -> None:
    data = xlsx(
        [
            ["", "政治建设", "学习", "", -1, "每年"],
            ["YD-02", "宣传建设", "", "", 1.234, "偶尔", "0", "十天"],
            ["YD-03", None, "谈心", "", None, "每月", "2次", "15天"],
            ["YD-04", "组织建设", "学习", "", "", "每年", None, None],
            ["YD-05", "组织建设", "学习", "", 5, "每年", None, None, "多余"],
        ],
        headers=[*HEADERS, None],
    )
    checklist = Checklist.objects.get(organisation=planning.branch_a, year=planning.year)
    plan = checklist_excel.plan_checklist(
        io.BytesIO(data), checklist=checklist, actor=planning.admin
    )
    found = {(e.row, e.column) for e in plan.errors}
    assert found == {
        (2, "编号"),
        (2, "分值"),
        (3, "类别"),
        (3, "工作内容"),
        (3, "分值"),
        (3, "频次"),
        (3, "每期次数"),
        (3, "截止天数"),
        (4, "分值"),
        (5, "分值"),
    }
    messages = {str(e) for e in plan.errors}
    assert "第4行「分值」：不能为空。" in messages
    assert "第5行「分值」：不能为空。" in messages
    assert "第2行「分值」：不能为负数（“-1”）。" in messages
    assert "第3行「分值」：最多保留两位小数（“1.234”）。" in messages


def test_an_exact_header_wins_over_an_alias() -> None:
    data = xlsx(
        [[1, "ZB-9-01", "政治建设", "学习", 5, "每年"]],
        headers=["序号", "编号", "类别", "内容", "分数", "频率"],
    )
    parsed = checklist_excel.read_workbook(io.BytesIO(data))
    assert parsed.errors == []
    [row] = parsed.rows
    assert (row.ref, row.content, row.points, row.frequency) == ("ZB-9-01", "学习", 5, "yearly")


@pytest.mark.django_db
def test_it_rejects_garbage_bytes(planning: World, as_user) -> None:
    before = item_state()
    response = upload(as_user(planning.admin), import_url(planning), b"\x00\x01garbage" * 100)
    assert response.status_code == 200
    assert "不是有效的 Excel（.xlsx）文件" in response.content.decode()
    assert item_state() == before
    assert stashed_files() == []


@pytest.mark.django_db
def test_it_rejects_a_missing_column(planning: World, as_user) -> None:
    data = xlsx(
        [["YD-01", "政治建设", "学习", "每年"]], headers=["编号", "类别", "工作内容", "频次"]
    )
    response = upload(as_user(planning.admin), import_url(planning), data)
    page = response.content.decode()
    assert "<td>第1行</td><td>分值</td>" in page
    assert "缺少必需的列「分值」" in page


@pytest.mark.django_db
def test_it_rejects_a_sheet_without_a_header(planning: World, as_user) -> None:
    data = xlsx([["随便写点什么"]] * 20, headers=None)
    response = upload(as_user(planning.admin), import_url(planning), data)
    assert "找不到表头" in response.content.decode()


@pytest.mark.django_db
def test_it_rejects_a_file_over_the_size_limit(planning: World, as_user, settings) -> None:
    settings.IMPORT_MAX_BYTES = 1000
    response = upload(as_user(planning.admin), import_url(planning), messy_office_workbook())
    assert "文件超过" in response.content.decode()
    assert stashed_files() == []
    data = messy_office_workbook()
    parsed = checklist_excel.read_workbook(io.BytesIO(data))
    assert parsed.errors[0].message.startswith("文件超过")


@pytest.mark.django_db
def test_it_rejects_an_unknown_parent_ref(planning: World, as_user) -> None:
    data = xlsx(
        [["YD-01", "政治建设", "学习", "", 5, "每年", 1, 10, "JG-9-99"]],
        headers=[*HEADERS, "上级事项编号"],
    )
    response = upload(as_user(planning.admin), import_url(planning), data)
    [error] = response.context["errors"]
    assert (error.row, error.column) == (2, "上级事项编号")
    assert "没有编号为 JG-9-99 的事项" in error.message


# Preview and confirm ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_confirm_without_a_preview(planning: World, as_user) -> None:
    before = item_state()
    response = confirm(as_user(planning.admin), import_url(planning))
    assert response.status_code == 400
    assert "没有待确认的导入" in response.content.decode()
    assert item_state() == before


@pytest.mark.django_db
def test_it_refuses_confirm_when_the_stored_file_changed(planning: World, as_user) -> None:
    client = as_user(planning.admin)
    url = import_url(planning)
    upload(client, url, messy_office_workbook())
    [name] = stashed_files()
    other = xlsx([["EVIL-1", "政治建设", "篡改", "", 5, "每年"]])
    with default_storage.open(f"imports/{name}", "wb") as handle:
        handle.write(other)
    before = item_state()

    response = confirm(client, url)

    assert response.status_code == 400
    assert item_state() == before
    assert not ChecklistItem.objects.filter(ref="EVIL-1").exists()
    assert stashed_files() == []


@pytest.mark.django_db
def test_it_refuses_a_tampered_session(planning: World, as_user, settings, tmp_path) -> None:
    client = as_user(planning.admin)
    url = import_url(planning)
    upload(client, url, messy_office_workbook())
    session = client.session
    [key] = session[SESSION_KEY]
    session[SESSION_KEY][key]["name"] = "evidence/../../secret.xlsx"
    session.save()
    before = item_state()
    assert confirm(client, url).status_code == 400
    assert item_state() == before


@pytest.mark.django_db
def test_a_preview_is_for_its_own_checklist_only(planning: World, as_user) -> None:
    client = as_user(planning.wc_reviewer)
    upload(client, import_url(planning), messy_office_workbook())
    before = item_state()
    assert confirm(client, import_url(planning, planning.branch_a2)).status_code == 400
    assert item_state() == before


@pytest.mark.django_db
def test_cancel_discards_the_preview(planning: World, as_user) -> None:
    client = as_user(planning.admin)
    url = import_url(planning)
    upload(client, url, messy_office_workbook())
    assert client.post(url, {"action": "cancel"}).status_code == 302
    assert stashed_files() == []
    assert confirm(client, url).status_code == 400


@pytest.mark.django_db
def test_confirm_checks_the_file_again(planning: World, as_user) -> None:
    """The check passes at preview; by confirm the list is locked, so nothing is written."""
    client = as_user(planning.unit_a_reviewer)
    url = import_url(planning)
    upload(client, url, messy_office_workbook())
    Checklist.objects.filter(organisation=planning.branch_a).update(
        locked_at=datetime.datetime(2027, 1, 1, tzinfo=datetime.UTC)
    )
    before = item_state()
    response = confirm(client, url)
    assert response.status_code == 200
    assert "清单已锁定" in response.content.decode()
    assert item_state() == before


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_back_every_row(
    planning: World, as_user, monkeypatch
) -> None:
    client = as_user(planning.admin)
    url = import_url(planning)
    upload(client, url, messy_office_workbook())
    calls = []
    real_create = services.checklist_item_create

    def failing_create(**kwargs: Any) -> ChecklistItem:
        calls.append(kwargs["ref"])
        if len(calls) == 3:
            raise services.ServiceError("编号冲突")
        return real_create(**kwargs)

    monkeypatch.setattr(
        "responsibility.services.checklist_excel.checklist_item_create", failing_create
    )
    before = item_state()

    response = confirm(client, url)

    assert response.status_code == 200
    assert "未导入任何数据：编号冲突" in response.content.decode()
    assert calls == ["YD-01", "YD-02", "YD-03"]  # ZB-1-01 was updated in between
    assert item_state() == before
    assert (
        ChecklistItem.objects.get(checklist__organisation=planning.branch_a, ref="ZB-1-01").version
        == 1
    )
    assert stashed_files() == []


# Locks -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_locked_checklist_is_refused_to_reviewers(active_world: World, as_user) -> None:
    client = as_user(active_world.unit_a_reviewer)
    url = import_url(active_world)
    page = client.get(url).content.decode()
    assert "清单已锁定" in page
    assert 'name="file"' not in page
    before = item_state()
    response = upload(client, url, messy_office_workbook())
    assert "清单已锁定" in response.content.decode()
    assert item_state() == before


@pytest.mark.django_db
def test_an_admin_may_import_into_a_locked_checklist(active_world: World, as_user) -> None:
    client = as_user(active_world.admin)
    url = import_url(active_world)
    upload(client, url, messy_office_workbook())
    assert confirm(client, url).status_code == 302
    item = ChecklistItem.objects.get(checklist__organisation=active_world.branch_a, ref="YD-03")
    assert item.obligations.count() == 12  # monthly: the locked list gets its obligations


# Template import -------------------------------------------------------------------------------


def template_rows(points: Sequence[Any]) -> list[list[Any]]:
    return [
        ["ZB-1-01", "政治建设", "第一议题", "", points[0], "每月"],
        ["NEW-1", "组织建设", "主题党日", "", points[1], "每月"],
        ["NEW-2", "纪律建设", "警示教育", "", points[2], "每年"],
    ]


@pytest.mark.django_db
def test_template_import_refuses_points_not_summing_to_100(world: World, as_user) -> None:
    client = as_user(world.admin)
    before = item_state()
    response = upload(client, template_url(), xlsx(template_rows([40, 30, 25])))
    page = response.content.decode()
    assert "合计为 95 分，应为 100 分" in page
    assert "确认导入" not in page
    assert item_state() == before


@pytest.mark.django_db
def test_template_import_replaces_the_template(world: World, as_user) -> None:
    client = as_user(world.admin)
    branch = Tier.objects.get(kind="branch")
    old_refs = set(
        TemplateItem.objects.filter(tier=branch, is_active=True).values_list("ref", flat=True)
    )
    organ_before = TemplateItem.objects.filter(tier__kind="organ_committee", is_active=True).count()

    response = upload(client, template_url(), xlsx(template_rows(["４０", "30分", 30])))

    plan = response.context["plan"]
    assert plan.counts == {
        "create": 2,
        "update": 1,
        "unchanged": 0,
        "deactivate": len(old_refs) - 1,
    }
    assert "停用" in response.content.decode()
    assert confirm(client, template_url()).status_code == 302

    active = TemplateItem.objects.filter(tier=branch, is_active=True)
    assert set(active.values_list("ref", flat=True)) == {"ZB-1-01", "NEW-1", "NEW-2"}
    assert sum(i.points for i in active) == 100
    assert TemplateItem.objects.filter(tier=branch, is_active=False).count() == len(old_refs) - 1
    first = active.get(ref="ZB-1-01")
    assert (first.content, first.sort_order, first.deduction_rule != "") == ("第一议题", 10, True)
    assert (
        TemplateItem.objects.filter(tier__kind="organ_committee", is_active=True).count()
        == organ_before
    )
    entry = AuditEntry.objects.get(action="template.import")
    assert entry.changes["create"] == ["NEW-1", "NEW-2"]

    # The same file again: nothing to change; a deactivated item comes back when listed again.
    again = upload(client, template_url(), xlsx(template_rows([40, 30, 30])))
    assert again.context["plan"].counts["unchanged"] == 3


@pytest.mark.django_db
def test_template_import_is_for_admins_only(world: World, as_user) -> None:
    url = template_url()
    for persona in (world.unit_a_reviewer, world.wc_reviewer, world.officer_a):
        client = as_user(persona)
        assert client.get(url).status_code == 403
        assert upload(client, url, xlsx(template_rows([40, 30, 30]))).status_code == 403
        assert confirm(client, url).status_code == 403
    assert as_user(world.admin).get(template_url("nope")).status_code == 404


# Permissions -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_may_not_import_into_their_own_checklist(planning: World, as_user) -> None:
    client = as_user(planning.officer_a)
    url = import_url(planning)
    before = item_state()
    assert client.get(url).status_code == 403
    assert upload(client, url, messy_office_workbook()).status_code == 403
    assert confirm(client, url).status_code == 403
    assert item_state() == before


@pytest.mark.django_db
def test_unit_a_does_not_exist_for_an_officer_of_unit_b(planning: World, as_user) -> None:
    client = as_user(planning.officer_b)
    assert client.get(import_url(planning)).status_code == 404
    assert upload(client, import_url(planning), messy_office_workbook()).status_code == 404
    export = reverse("checklist_export", args=[planning.branch_a.pk, PLANNING_YEAR])
    assert client.get(export).status_code == 404


@pytest.mark.django_db
def test_a_missing_checklist_is_404(world: World, as_user) -> None:
    url = reverse("checklist_export", args=[world.branch_a.pk, 1999])
    assert as_user(world.admin).get(url).status_code == 404
    url = reverse("checklist_import", args=[world.branch_a.pk, 1999])
    assert as_user(world.admin).get(url).status_code == 404


# Export ----------------------------------------------------------------------------------------


def read_export(response: Any) -> Any:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_exports_the_checklist_with_statuses(active_world: World, as_user) -> None:
    world = active_world
    january = Obligation.objects.get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="1月"
    )
    Obligation.objects.filter(pk=january.pk).update(
        status="done", completed_on=datetime.date(2026, 1, 20), description="=1+1", is_late=True
    )
    ChecklistItem.objects.filter(checklist__organisation=world.branch_a, ref="ZB-1-01").update(
        content="@SUM(A1)"
    )

    response = as_user(world.officer_a).get(
        reverse("checklist_export", args=[world.branch_a.pk, 2026])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == checklist_excel.XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=utf-8''" in disposition
    assert "2026%E5%B9%B4%E5%BA%A6" in disposition  # 2026年度, percent-encoded
    workbook = read_export(response)
    worksheet = workbook["责任清单"]
    assert worksheet.freeze_panes == "A2"
    header = [cell.value for cell in worksheet[1]]
    assert header == [title for title, _width in checklist_excel.export.EXPORT_COLUMNS]
    assert worksheet["A1"].font.bold
    assert worksheet.column_dimensions["C"].width == 48

    rows = [list(row) for row in worksheet.iter_rows(min_row=2)]
    by_key = {(row[0].value, row[6].value): row for row in rows}
    done = by_key[("ZB-3-02", "1月")]
    assert done[8].value == "已完成"
    assert done[9].value.date() == datetime.date(2026, 1, 20)
    assert done[10].value == "是"
    assert done[11].value == "=1+1"
    assert done[11].data_type == "s"  # text, never a formula
    assert done[12].value == 0
    overdue = by_key[("ZB-3-02", "5月")]
    assert overdue[8].value == "未开始（已逾期）"
    assert overdue[10].value == "否"
    assert by_key[("ZB-3-02", "6月")][8].value == "未开始"
    formula_like = next(row for row in rows if row[0].value == "ZB-1-01")
    assert (formula_like[2].value, formula_like[2].data_type) == ("@SUM(A1)", "s")
    total_obligations = Obligation.objects.filter(organisation=world.branch_a).count()
    assert len(rows) == total_obligations
    assert AuditEntry.objects.filter(
        action="export", actor=world.officer_a, organisation=world.branch_a
    ).exists()


@pytest.mark.django_db
def test_an_item_without_obligations_gets_one_row(planning: World) -> None:
    checklist = Checklist.objects.select_related("year", "organisation").get(
        organisation=planning.branch_a, year=planning.year
    )
    buffer = io.BytesIO()
    checklist_excel.write_export(checklist, buffer)
    worksheet = load_workbook(buffer)["责任清单"]
    assert worksheet.max_row == 1 + checklist.items.count()
    assert worksheet["G2"].value is None


@pytest.mark.django_db
def test_the_export_uses_a_fixed_number_of_queries(
    active_world: World, django_assert_num_queries
) -> None:
    checklist = Checklist.objects.select_related("year", "organisation").get(
        organisation=active_world.branch_a, year=active_world.year
    )
    with django_assert_num_queries(2):
        checklist_excel.write_export(checklist, io.BytesIO())
    for number in range(10):
        services.checklist_item_create(
            actor=active_world.admin,
            checklist=checklist,
            ref=f"X-{number}",
            group="政治建设",
            content="加测",
            points=Decimal(1),
            frequency="monthly",
        )
    with django_assert_num_queries(2):
        checklist_excel.write_export(checklist, io.BytesIO())


# The template download -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_template_downloads_and_its_empty_form_says_so(planning: World, as_user) -> None:
    client = as_user(planning.unit_a_reviewer)
    response = client.get(reverse("checklist_import_template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["责任清单", "填写说明"]
    assert [c.value for c in workbook["责任清单"][1]] == [c.header for c in checklist_excel.COLUMNS]
    assert workbook["责任清单"].freeze_panes == "A2"
    formulas = [v.formula1 for v in workbook["责任清单"].data_validations.dataValidation]
    assert any("政治建设" in f for f in formulas)
    assert any("每季度" in f for f in formulas)

    before = item_state()
    page = upload(client, import_url(planning), response.content).content.decode()
    assert "没有数据行" in page
    assert item_state() == before


@pytest.mark.django_db
def test_the_checklist_page_links_export_and_import(planning: World, as_user) -> None:
    detail = reverse("checklist_detail", args=[planning.branch_a.pk, PLANNING_YEAR])
    reviewer_page = as_user(planning.unit_a_reviewer).get(detail).content.decode()
    assert import_url(planning) in reviewer_page
    assert reverse("checklist_export", args=[planning.branch_a.pk, PLANNING_YEAR]) in reviewer_page
    officer_page = as_user(planning.officer_a).get(detail).content.decode()
    assert import_url(planning) not in officer_page
    assert reverse("checklist_export", args=[planning.branch_a.pk, PLANNING_YEAR]) in officer_page


# Cells -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5, Decimal(5)),
        (2.5, Decimal("2.5")),
        ("５", Decimal(5)),
        ("5分", Decimal(5)),
        (" ２．５ 分 ", Decimal("2.5")),
        ("\u30003", Decimal(3)),
        (None, None),
        ("", None),
    ],
)
def test_it_reads_numbers_written_every_which_way(value: Any, expected: Decimal | None) -> None:
    assert checklist_excel.parse_decimal(value) == expected


@pytest.mark.parametrize("value", ["五分", "NaN", "Infinity", True, "5 6", "#DIV/0!"])
def test_it_rejects_what_is_not_a_number(value: Any) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is the raw value
        checklist_excel.parse_decimal(value)


@pytest.mark.parametrize(
    ("value", "expected"), [(3, 3), (3.0, 3), ("３", 3), ("10天", 10), ("2次", 2), (None, None)]
)
def test_it_reads_whole_numbers(value: Any, expected: int | None) -> None:
    assert checklist_excel.parse_whole(value, ("次", "天")) == expected


def key_points_sheet() -> bytes:
    """A 机关党委's key-points list as offices write it: title rows, merged categories, points
    as text, frequencies in their own words, a 合计 row and notes under the table."""
    return xlsx(
        above=[["甲厅机关党委2027年度机关党建工作要点清单"], ["（经机关党委会议审议通过）"]],
        headers=["序号", "类别", "工作要点", "完成标准", "分值", "完成时限/频次"],
        rows=[
            [
                "YD-01",
                "一、政治建设",
                "召开理论学习中心组学习",
                "有记录",
                "10分",
                "每月至少召开1次",
            ],
            ["YD-02", None, "研究部署党建工作", "", "１０", "按季度研究"],
            ["YD-03", "二、组织建设", "督促检查支部“三会一课”", "", "8", "每半年开展一次"],
            ["YD-04", None, "支部按期换届", "", "7", "届满前按期换届"],
            ["YD-05", None, "年度述职评议", "", "5", "年内完成"],
            ["YD-06", "三、作风建设", "专题调研作风问题", "", "5", "适时开展"],
            ["YD-07", None, "处置苗头性问题", "", "5", "根据工作需要"],
            [None, "合计", None, None, "50", None],
            ["注：1. 本要点由机关党委办公室负责解释。"],
            ["2. 各支部应结合实际制定落实措施，于1月底前报送。"],
        ],
        merges=["A1:F1", "A2:F2", "B4:B5", "B6:B8", "B9:B10"],
    )


@pytest.mark.django_db
def test_it_imports_a_realistic_key_points_sheet(planning: World, as_user) -> None:
    client = as_user(planning.wc_reviewer)  # the 机关党委 answers to the working committee
    url = import_url(planning, planning.organ_a)
    response = upload(client, url, key_points_sheet())
    plan = response.context["plan"]
    assert plan.errors == []
    assert plan.counts["create"] == 7
    rows = {item.ref: item.row for item in plan.items if item.row}
    assert {ref: row.frequency for ref, row in rows.items()} == {
        "YD-01": "monthly",
        "YD-02": "quarterly",
        "YD-03": "half_yearly",
        "YD-04": "per_term",
        "YD-05": "yearly",
        "YD-06": "as_needed",
        "YD-07": "as_needed",
    }
    assert [rows[f"YD-0{n}"].points for n in range(1, 8)] == [
        Decimal(10),
        Decimal(10),
        Decimal(8),
        Decimal(7),
        Decimal(5),
        Decimal(5),
        Decimal(5),
    ]
    assert rows["YD-02"].group == "政治建设"
    assert rows["YD-07"].group == "作风建设"
    # The notes under the 合计 row are listed as skipped, not refused.
    assert [(row.row, row.reason) for row in plan.skipped] == [
        (12, "合计行之后的内容"),
        (13, "合计行之后的内容"),
    ]
    page = response.content.decode()
    assert "未作为事项导入的行（2 行）" in page
    assert "本要点由机关党委办公室负责解释" in page

    assert confirm(client, url).status_code == 302
    checklist = Checklist.objects.get(organisation=planning.organ_a, year=planning.year)
    imported = {i.ref: i for i in checklist.items.filter(ref__startswith="YD-")}
    assert imported["YD-06"].frequency == "as_needed"
    assert imported["YD-04"].frequency == "per_term"


@pytest.mark.django_db
def test_a_note_under_the_table_without_a_total_row_is_skipped(planning: World) -> None:
    data = xlsx(
        headers=["编号", "类别", "工作内容", "分值", "频次"],
        rows=[
            ["YD-01", "政治建设", "学习", "5", "每季度"],
            ["说明：分值由机关党委确定。"],
        ],
    )
    parsed = checklist_excel.read_workbook(io.BytesIO(data))
    assert parsed.errors == []
    assert [row.ref for row in parsed.rows] == ["YD-01"]
    assert [(row.row, row.reason) for row in parsed.skipped] == [(3, "表格下方的说明")]


@pytest.mark.parametrize(
    ("wording", "expected"),
    [
        ("每月至少召开1次", "monthly"),
        ("每月", "monthly"),
        ("按月报送", "monthly"),
        ("每季度第一个月", "quarterly"),
        ("按季度", "quarterly"),
        ("每半年一次", "half_yearly"),
        ("上下半年各一次", "half_yearly"),
        ("每年3月底前", "yearly"),
        ("年内完成", "yearly"),
        ("年底前", "yearly"),
        ("届满前按期换届", "per_term"),
        ("每届任期内", "per_term"),
        ("适时", "as_needed"),
        ("根据工作需要", "as_needed"),
        ("视情开展", "as_needed"),
        ("不定期", "as_needed"),
        ("必要时", "as_needed"),
        ("一次性", "once"),
        ("每周", None),
    ],
)
def test_it_reads_frequencies_as_offices_word_them(wording: str, expected: str | None) -> None:
    from responsibility.checklist_excel.layout import frequency_by_keyword

    assert frequency_by_keyword(wording) == expected
