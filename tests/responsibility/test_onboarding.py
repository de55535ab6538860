"""Onboarding from Excel: template download, whole-file validation and all-or-nothing import."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from responsibility import onboarding, services
from responsibility.excel import XLSX_CONTENT_TYPE
from responsibility.models import AuditEntry, Organisation, Post, Tier, User

ORG_HEADERS = ["组织编码", "组织名称", "层级", "上级组织编码", "排序"]
EXCEL_DATE = datetime.datetime(2024, 1, 1)  # noqa: DTZ001 - Excel date cells are naive
PEOPLE_HEADERS = ["用户名", "姓名", "手机号", "邮箱", "组织编码", "职务", "任职开始", "任职结束"]


def xlsx(
    orgs: Sequence[Sequence[Any]] = (),
    people: Sequence[Sequence[Any]] = (),
    *,
    org_headers: Sequence[Any] = ORG_HEADERS,
    people_headers: Sequence[Any] = PEOPLE_HEADERS,
    sheets: Sequence[str] = ("组织", "人员职务"),
) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, rows in (("组织", org_headers, orgs), ("人员职务", people_headers, people)):
        if title not in sheets:
            continue
        worksheet = workbook.create_sheet(title)
        worksheet.append(list(headers))
        for row in rows:
            worksheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client: Client, data: bytes, name: str = "导入.xlsx", **kwargs: Any):
    """Upload, and press 确认导入 when the preview shows (as a person would)."""
    response = client.post(
        reverse("onboarding_import"),
        {"file": SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)},
        **kwargs,
    )
    if response.templates and response.templates[0].name.endswith("_preview.html"):
        return client.post(reverse("onboarding_import"), {"action": "confirm"}, **kwargs)
    return response


def counts() -> tuple[int, int, int, int]:
    """Rows an import writes; refusals are audited too ("access.denied"), so they don't count."""
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Post.objects.count(),
        AuditEntry.objects.exclude(action="access.denied").count(),
    )


@pytest.fixture
def tree(db) -> dict[str, Organisation]:
    committee = services.organisation_create(
        actor=None,
        code="GW",
        name="省委省级机关工委",
        tier=Tier.objects.get(kind="committee"),
        parent=None,
    )
    unit = services.organisation_create(
        actor=None,
        code="CZT",
        name="省财政厅",
        tier=Tier.objects.get(kind="unit"),
        parent=committee,
    )
    return {"GW": committee, "CZT": unit}


@pytest.fixture
def superuser(django_user_model) -> User:
    return django_user_model.objects.create_superuser("boss", "boss@example.gov.cn", "x-Pass-123")


@pytest.fixture
def superuser_client(superuser: User) -> Client:
    client = Client()
    client.force_login(superuser)
    return client


def valid_file() -> bytes:
    """Messy but valid: the first org's parent is defined in a later row."""
    return xlsx(
        orgs=[
            ["CZT-ZB1", "预算处党支部", "党支部", "CZT-JGDW", 10],
            [" CZT-JGDW ", "财政厅机关党委", "机关党委", "CZT", "20"],
            [1001.0, "财政厅党组", "党组(党委)", "CZT", None],
            [None, None, None, None, None],  # blank trailing rows are ignored
        ],
        people=[
            [
                "zhangwei",
                "张伟",
                13800138000,
                "zhangwei@example.gov.cn",
                "CZT-ZB1",
                "书记",
                EXCEL_DATE,
                None,
            ],
            ["zhangwei", "张伟", None, None, "1001", "委员", "2024/1/1", "2025-12-31"],
            ["zhaomin", "赵敏", None, None, "CZT-ZB1", " 党员 ", "2023年3月5日", None],
            [None] * 8,
        ],
        org_headers=["\u3000组织编码 ", "组织名称", "层 级", "上级组织编码*", "排序"],
    )


# Permissions ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["onboarding_import", "onboarding_template"])
def test_anonymous_is_sent_to_login(client: Client, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["onboarding_import", "onboarding_template"])
def test_non_admin_is_forbidden(
    client: Client, django_user_model, tree: dict[str, Organisation], name: str
) -> None:
    officer = django_user_model.objects.create_user("officer", password="x-Pass-123")
    services.post_create(
        actor=None,
        user=officer,
        organisation=tree["GW"],
        kind=Post.Kind.SECRETARY,
        start_date=datetime.date(2020, 1, 1),
    )
    client.force_login(officer)
    assert client.get(reverse(name)).status_code == 403
    if name == "onboarding_import":
        before = counts()
        assert upload(client, valid_file()).status_code == 403
        assert counts() == before


# The template -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_page_shows_form_and_template_link(superuser_client: Client) -> None:
    response = superuser_client.get(reverse("onboarding_import"))
    assert response.status_code == 200
    assert reverse("onboarding_template") in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()


@pytest.mark.django_db
def test_template_download_is_a_workbook_with_the_right_sheets(superuser_client: Client) -> None:
    response = superuser_client.get(reverse("onboarding_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["组织", "人员职务", "填写说明"]
    assert [c.value for c in workbook["组织"][1]] == ORG_HEADERS
    assert [c.value for c in workbook["人员职务"][1]] == PEOPLE_HEADERS
    assert workbook["组织"]["A1"].font.bold
    assert workbook["组织"].freeze_panes == "A2"
    assert workbook["组织"].max_row == 1  # no example rows in the data sheets
    assert workbook["人员职务"].max_row == 1
    formulas = [v.formula1 for v in workbook["人员职务"].data_validations.dataValidation]
    assert any("书记" in formula for formula in formulas)


@pytest.mark.django_db
def test_uploading_the_empty_template_imports_nothing_cleanly(superuser_client: Client) -> None:
    template = superuser_client.get(reverse("onboarding_template")).content
    before = counts()
    response = upload(superuser_client, template, follow=True)
    assert response.redirect_chain[-1][0] == reverse("onboarding_import")
    assert "没有数据行" in response.content.decode()
    assert counts() == before


# Valid imports ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_valid_import_creates_everything(
    superuser_client: Client, superuser: User, tree: dict[str, Organisation]
) -> None:
    response = upload(superuser_client, valid_file(), follow=True)

    assert response.redirect_chain == [(reverse("onboarding_import"), 302)]
    page = response.content.decode()
    assert "新建组织 3 个、人员 2 名、职务 3 条" in page

    organ = Organisation.objects.get(code="CZT-JGDW")
    branch = Organisation.objects.get(code="CZT-ZB1")
    group = Organisation.objects.get(code="1001")
    assert organ.parent == tree["CZT"]
    assert branch.parent == organ
    assert branch.path == f"{organ.path}{branch.pk}/"
    assert branch.unit == tree["CZT"]
    assert (branch.sort_order, organ.sort_order, group.sort_order) == (10, 20, 0)
    assert group.tier.kind == "party_group"

    zhang = User.objects.get(username="zhangwei")
    assert zhang.full_name == "张伟"
    assert zhang.phone == "13800138000"
    assert not zhang.has_usable_password()
    posts = {(p.organisation.code, p.kind, p.start_date, p.end_date) for p in zhang.posts.all()}
    assert posts == {
        ("CZT-ZB1", "secretary", datetime.date(2024, 1, 1), None),
        ("1001", "committee_member", datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)),
    }
    zhao = Post.objects.get(user__username="zhaomin")
    assert (zhao.kind, zhao.start_date) == ("member", datetime.date(2023, 3, 5))
    assert AuditEntry.objects.filter(actor=superuser, action="organisation.create").count() == 3
    assert AuditEntry.objects.filter(actor=superuser, action="post.create").count() == 3


@pytest.mark.django_db
def test_reimporting_the_same_file_is_idempotent(
    superuser_client: Client, tree: dict[str, Organisation]
) -> None:
    upload(superuser_client, valid_file())
    after_first = counts()[:3]
    response = upload(superuser_client, valid_file(), follow=True)
    assert counts()[:3] == after_first
    page = response.content.decode()
    assert "新建组织 0 个、人员 0 名、职务 0 条" in page
    assert "已存在、未重复导入的组织 3 个、职务 3 条" in page


@pytest.mark.django_db
def test_existing_user_is_reused_and_only_blank_fields_filled(
    superuser_client: Client, django_user_model, tree: dict[str, Organisation]
) -> None:
    existing = django_user_model.objects.create_user(
        "zhaomin", password="x-Pass-123", email="old@example.gov.cn"
    )
    data = xlsx(
        people=[
            [
                "zhaomin",
                "赵敏",
                "13900000000",
                "new@example.gov.cn",
                "CZT",
                "联络员",
                "2024-01-01",
                None,
            ]
        ],
    )
    response = upload(superuser_client, data)
    assert response.status_code == 302
    existing.refresh_from_db()
    assert existing.has_usable_password()
    assert (existing.full_name, existing.phone, existing.email) == (
        "赵敏",
        "13900000000",
        "old@example.gov.cn",
    )
    assert existing.posts.get().kind == "liaison"


@pytest.mark.django_db
def test_first_import_into_an_empty_database_may_create_the_top(superuser_client: Client) -> None:
    data = xlsx(
        orgs=[
            ["CZT", "省财政厅", "单位", "GW"],
            ["GW", "省委省级机关工委", "省委省级机关工委", None],
        ]
    )
    assert upload(superuser_client, data).status_code == 302
    assert Organisation.objects.get(code="CZT").parent.code == "GW"


# Rejected files ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_error_in_last_people_row_writes_nothing(
    superuser_client: Client, tree: dict[str, Organisation]
) -> None:
    data = xlsx(
        orgs=[["CZT-ZB1", "预算处党支部", "党支部", "CZT"]],
        people=[
            ["zhangwei", "张伟", None, None, "CZT-ZB1", "书记", "2024-01-01", None],
            ["zhaomin", "赵敏", None, None, "CZT-ZB1", "党员", "2024-01-01", None],
            ["liyang", "李阳", None, None, "CZT-ZB1", "组长", "2024-01-01", None],
        ],
    )
    before = counts()
    response = upload(superuser_client, data)
    assert response.status_code == 200
    assert counts() == before
    page = response.content.decode()
    assert "未导入任何数据" in page
    assert "<td>人员职务</td><td>第4行</td><td>职务</td>" in page
    assert "无法识别职务「组长」" in page
    assert "重新选择文件" in page


@pytest.mark.django_db
def test_all_errors_are_reported_at_once(
    superuser_client: Client, tree: dict[str, Organisation]
) -> None:
    data = xlsx(
        orgs=[
            ["A1", "甲", "党支部", "NOPE"],
            ["A1", "甲", "党支部", "CZT"],
            ["B1", "乙", "小组", "CZT"],
            ["C1", "丙", "党支部", "C2"],
            ["C2", "丁", "党支部", "C1"],
            ["CZT", "省财政厅（改名）", "单位", "GW"],
            ["TOP", "另一个顶级", "单位", None],
        ],
        people=[
            ["bad name!", "", "12", "not-an-email", "ZZZ", "书记", "yesterday", None],
            ["ok", "好", None, None, "CZT", "书记", "2024-05-01", "2024-01-01"],
            ["dup", "重", None, None, "CZT", "书记", "2024-01-01", None],
            ["dup", "重", None, None, "CZT", "书记", "2024/1/1", None],
        ],
    )
    plan = onboarding.validate_workbook(data)
    found = {(e.sheet, e.row, e.column) for e in plan.errors}
    assert {
        ("组织", 2, "上级组织编码"),  # unknown parent
        ("组织", 3, "组织编码"),  # duplicate code
        ("组织", 4, "层级"),  # unknown tier
        ("组织", 5, "上级组织编码"),  # cycle
        ("组织", 6, "上级组织编码"),
        ("组织", 7, "组织编码"),  # existing code with another name
        ("组织", 8, "上级组织编码"),  # a second top
        ("人员职务", 2, "用户名"),
        ("人员职务", 2, "姓名"),
        ("人员职务", 2, "手机号"),
        ("人员职务", 2, "邮箱"),
        ("人员职务", 2, "组织编码"),
        ("人员职务", 2, "任职开始"),
        ("人员职务", 3, "任职结束"),
        ("人员职务", 5, "用户名"),  # duplicate post row
    } <= found
    messages = {str(e) for e in plan.errors}
    assert "组织 第2行「上级组织编码」：找不到编码为 NOPE 的组织。" in messages
    assert any("C1 → C2 → C1" in message for message in messages)

    before = counts()
    response = upload(superuser_client, data)
    assert counts() == before
    assert f"文件中发现 {len(plan.errors)} 处问题" in response.content.decode()


@pytest.mark.django_db
def test_garbage_bytes_are_rejected(
    superuser_client: Client, tree: dict[str, Organisation]
) -> None:
    before = counts()
    response = upload(superuser_client, b"\x00\x01 this is not a spreadsheet" * 50)
    assert response.status_code == 200
    assert "不是有效的 Excel" in response.content.decode()
    assert counts() == before


@pytest.mark.django_db
def test_wrong_extension_is_rejected(superuser_client: Client) -> None:
    response = upload(superuser_client, b"a,b\n1,2\n", name="people.csv")
    assert response.status_code == 200
    assert "另存为 .xlsx" in response.content.decode()


@pytest.mark.django_db
def test_oversized_file_is_rejected(superuser_client: Client, settings) -> None:
    settings.IMPORT_MAX_BYTES = 1000
    before = counts()
    response = upload(superuser_client, valid_file())
    assert "文件超过" in response.content.decode()
    assert counts() == before
    assert onboarding.validate_workbook(valid_file()).errors[0].message.startswith("文件超过")


@pytest.mark.django_db
def test_missing_column_names_sheet_and_column(
    superuser_client: Client, tree: dict[str, Organisation]
) -> None:
    data = xlsx(
        orgs=[["CZT-ZB1", "预算处党支部", "CZT"]],
        org_headers=["组织编码", "组织名称", "上级组织编码"],
    )
    before = counts()
    response = upload(superuser_client, data)
    assert counts() == before
    page = response.content.decode()
    assert "<td>组织</td><td>第1行</td><td>层级</td>" in page
    assert "缺少必需的列「层级」" in page


@pytest.mark.django_db
def test_missing_sheet_is_named(superuser_client: Client) -> None:
    response = upload(superuser_client, xlsx(sheets=("组织",)))
    assert "缺少「人员职务」工作表" in response.content.decode()


@pytest.mark.django_db
def test_existing_post_with_another_end_date_is_an_error(tree: dict[str, Organisation]) -> None:
    user = User.objects.create_user("zhangwei")
    services.post_create(
        actor=None,
        user=user,
        organisation=tree["CZT"],
        kind=Post.Kind.LIAISON,
        start_date=datetime.date(2024, 1, 1),
    )
    data = xlsx(
        people=[["zhangwei", "张伟", None, None, "CZT", "联络员", "2024-01-01", "2024-06-30"]]
    )
    [error] = onboarding.validate_workbook(data).errors
    assert (error.sheet, error.row, error.column) == ("人员职务", 2, "任职结束")


# Cell parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (EXCEL_DATE, datetime.date(2024, 1, 1)),
        (datetime.date(2024, 1, 1), datetime.date(2024, 1, 1)),
        ("2024-01-01", datetime.date(2024, 1, 1)),
        ("2024/1/1", datetime.date(2024, 1, 1)),
        (" 2024.1.1 ", datetime.date(2024, 1, 1)),
        ("2024年1月1日", datetime.date(2024, 1, 1)),
        ("2024-01-01 00:00:00", datetime.date(2024, 1, 1)),
        ("20240101", datetime.date(2024, 1, 1)),
        (20240101, datetime.date(2024, 1, 1)),
        (45292, datetime.date(2024, 1, 1)),  # an Excel serial number
        (None, None),
        ("", None),
    ],
)
def test_dates(value: Any, expected: datetime.date | None) -> None:
    assert onboarding.reading._date(value) == expected


@pytest.mark.parametrize("value", ["2024-02-30", "昨天", "1/1/2024", True, -5])
def test_bad_dates(value: Any) -> None:
    with pytest.raises(ValueError, match="not a date"):
        onboarding.reading._date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1001.0, "1001"), (1001, "1001"), ("\u3000CZT \xa0", "CZT"), (None, ""), (1.5, "1.5")],
)
def test_text(value: Any, expected: str) -> None:
    assert onboarding.reading._text(value) == expected
