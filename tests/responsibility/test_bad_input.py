"""Bad input through every responsibility form, plus concurrent saves and a fault mid-import.

Forms covered: obligation fill, checklist item create/edit, opinion, opinion acknowledgement,
year create, reopen, login, onboarding import. The rules of the battery are in
tests/bad_input_support.py.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from responsibility import services
from responsibility.models import (
    AuditEntry,
    Checklist,
    ChecklistItem,
    Obligation,
    Opinion,
    Organisation,
    Post,
)
from tests.bad_input_support import (
    FILE_ESCAPED,
    FILE_MARKUP,
    LONG,
    MARKUP,
    MISSING,
    NOT_A_CHOICE,
    NOT_A_DATE,
    NOT_AN_INTEGER,
    REQUIRED,
    SHORT_ESCAPED,
    SHORT_MARKUP,
    TOO_LONG,
    assert_escaped,
    shown_version,
    signed_in,
    state,
    text_of,
    upload,
    with_overrides,
)
from tests.factories import (
    EXE_BYTES,
    PASSWORD,
    PDF_BYTES,
    PNG_BYTES,
    UserFactory,
    World,
    make_evidence,
    post,
)

# Obligation fill --------------------------------------------------------------------------------


def june_meeting(world: World) -> Obligation:
    """支部委员会会议, June, branch A: open for entry on 15 June 2026 (due 5 July)."""
    return Obligation.objects.get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="6月"
    )


def valid_fill(obligation: Obligation) -> dict[str, Any]:
    return {
        "version": obligation.version,
        "status": "done",
        "completed_on": "2026-06-12",
        "description": "研究发展党员工作",
        "held_on": "2026-06-12",
        "topic": "六月支委会",
        "expected_count": "2",
        "attended_count": "2",
        "minutes": "讨论了发展对象。",
    }


FILL_CASES = [
    pytest.param({"status": MISSING}, REQUIRED, id="status-missing"),
    pytest.param({"version": MISSING}, "请刷新页面后重新提交", id="version-missing"),
    pytest.param({"version": "第三版"}, "请刷新页面后重新提交", id="version-not-a-number"),
    pytest.param({"status": "hacked"}, NOT_A_CHOICE, id="status-unknown"),
    pytest.param({"completed_on": MISSING}, "请填写完成日期", id="done-without-date"),
    pytest.param({"completed_on": "2026-02-30"}, NOT_A_DATE, id="date-impossible"),
    pytest.param({"completed_on": "上周五"}, NOT_A_DATE, id="date-words"),
    pytest.param({"completed_on": "2026-06-16"}, "不能晚于今天", id="date-future"),
    pytest.param({"held_on": "2026/13/01"}, NOT_A_DATE, id="meeting-date-malformed"),
    pytest.param({"held_on": MISSING}, "会议类事项完成时请填写此项", id="meeting-date-missing"),
    pytest.param({"description": LONG}, TOO_LONG, id="description-too-long"),
    pytest.param(
        {"status": "not_applicable", "na_reason": LONG}, TOO_LONG, id="na-reason-too-long"
    ),
    pytest.param({"status": "not_applicable"}, "请说明原因", id="na-without-reason"),
    pytest.param({"topic": LONG}, TOO_LONG, id="topic-too-long"),
    pytest.param({"minutes": "长" * 20_001}, TOO_LONG, id="minutes-too-long"),
    pytest.param({"expected_count": "五"}, NOT_AN_INTEGER, id="expected-not-a-number"),
    pytest.param({"expected_count": "4.5"}, NOT_AN_INTEGER, id="expected-fraction"),
    pytest.param({"expected_count": "-3"}, "大于或等于1", id="expected-negative"),
    pytest.param({"attended_count": "-1"}, "大于或等于0", id="attended-negative"),
    pytest.param({"attended_count": "9"}, "实到人数不能多于应到人数", id="attended-over-expected"),
    pytest.param({"attended_count": "1"}, "须超过应到人数的一半", id="no-quorum"),
    pytest.param(
        {"expected_count": "1" + "0" * 20, "attended_count": "9" + "0" * 19},
        "小于或等于",
        id="counts-beyond-any-column",
    ),
    pytest.param(
        {"files": upload("会议记录.pdf", EXE_BYTES)}, "不是允许的类型", id="exe-named-pdf"
    ),
    pytest.param(
        {"files": upload("会议记录.pdf", PNG_BYTES)}, "扩展名与实际内容", id="png-named-pdf"
    ),
    pytest.param({"files": upload("会议记录.pdf", b"")}, "空文件", id="empty-file"),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
@pytest.mark.parametrize(("overrides", "message"), FILL_CASES)
def test_it_refuses_bad_fill_input_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    obligation = june_meeting(active_world)
    client = signed_in(active_world.officer_a)
    data = with_overrides(valid_fill(obligation), overrides)
    before = state()
    response = client.post(obligation.get_absolute_url(), data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert state() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_refuses_an_oversized_file(active_world: World, settings) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    obligation = june_meeting(active_world)
    big = PDF_BYTES + b"0" * settings.EVIDENCE_MAX_BYTES
    data = valid_fill(obligation) | {"files": SimpleUploadedFile("扫描件.pdf", big)}
    before = state()
    response = signed_in(active_world.officer_a).post(obligation.get_absolute_url(), data)
    assert "超过大小上限 1 MB" in text_of(response)
    assert state() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_refuses_to_attach_another_organisations_file(active_world: World) -> None:
    obligation = june_meeting(active_world)
    make_evidence(active_world.branch_a, "本支部材料.pdf")  # so the reuse field is shown
    foreign = make_evidence(active_world.branch_b, "乙厅材料.pdf")
    data = valid_fill(obligation) | {"reuse": [str(foreign.pk)]}
    before = state()
    response = signed_in(active_world.officer_a).post(obligation.get_absolute_url(), data)
    assert NOT_A_CHOICE in text_of(response)
    assert state() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_refuses_a_fill_after_entry_closed(active_world: World) -> None:
    january = Obligation.objects.get(
        organisation=active_world.branch_a, item__ref="ZB-3-02", period_label="1月"
    )
    before = state()
    response = signed_in(active_world.officer_a).post(
        january.get_absolute_url(), valid_fill(january) | {"completed_on": "2026-01-20"}
    )
    assert "填报已截止" in text_of(response)
    assert state() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_escapes_markup_in_every_fill_field(active_world: World) -> None:
    obligation = june_meeting(active_world)
    officer = signed_in(active_world.officer_a)
    data = valid_fill(obligation) | {
        "description": MARKUP,
        "topic": MARKUP,
        "minutes": MARKUP,
        "files": SimpleUploadedFile(FILE_MARKUP, PDF_BYTES),
    }
    assert officer.post(obligation.get_absolute_url(), data).status_code == 302
    for client in (officer, signed_in(active_world.unit_a_reviewer)):
        html = text_of(client.get(obligation.get_absolute_url()))
        assert_escaped(html)
        assert_escaped(html, FILE_ESCAPED, FILE_MARKUP)

    not_applicable = Obligation.objects.get(
        organisation=active_world.branch_a, item__ref="ZB-3-03", period_label="6月"
    )
    data = {"version": not_applicable.version, "status": "not_applicable", "na_reason": MARKUP}
    assert officer.post(not_applicable.get_absolute_url(), data).status_code == 302
    reviewer_view = signed_in(active_world.unit_a_reviewer).get(not_applicable.get_absolute_url())
    assert_escaped(text_of(reviewer_view))


# Checklist items --------------------------------------------------------------------------------


@pytest.fixture
def planning_world(world: World) -> World:
    """2026 in planning: checklists exist and reviewers may still adjust them."""
    world.year = services.year_create(actor=None, year=2026)
    services.checklists_create(actor=None, year=world.year)
    return world


def item_of(world: World) -> ChecklistItem:
    return (
        ChecklistItem.objects.filter(checklist__organisation=world.branch_a)
        .order_by("sort_order")
        .first()
    )


def valid_item(ref: str = "ZB-9-01") -> dict[str, Any]:
    return {
        "ref": ref,
        "group": "组织建设",
        "content": "开展支部书记讲党课",
        "standard": "每季度1次",
        "points": "2.5",
        "frequency": "quarterly",
        "required_count": "1",
        "due_days": "10",
        "evidence": "讲稿、照片",
        "responsible_post": "secretary",
        "deduction_rule": "每少1次扣0.5分",
        "source": "《中国共产党支部工作条例（试行）》",
        "sort_order": "900",
    }


ITEM_CASES = [
    pytest.param({"ref": MISSING}, REQUIRED, id="ref-missing"),
    pytest.param({"content": ""}, REQUIRED, id="content-empty"),
    pytest.param({"group": "经济建设"}, NOT_A_CHOICE, id="group-unknown"),
    pytest.param({"frequency": MISSING}, REQUIRED, id="frequency-missing"),
    pytest.param({"responsible_post": "局长"}, NOT_A_CHOICE, id="post-unknown"),
    pytest.param({"points": "五分"}, "输入一个数字", id="points-not-a-number"),
    pytest.param({"points": "-1"}, "大于或等于0", id="points-negative"),
    pytest.param({"points": "1000"}, "小数点前不超过 3 位", id="points-too-many-digits"),
    pytest.param({"points": "1.234"}, "小数", id="points-too-many-decimals"),
    pytest.param({"required_count": "-2"}, "大于或等于0", id="count-negative"),
    pytest.param({"required_count": "40000"}, "小于或等于32767", id="count-too-large"),
    pytest.param({"due_days": "十天"}, NOT_AN_INTEGER, id="due-days-not-a-number"),
    pytest.param({"sort_order": "-1"}, "大于或等于0", id="sort-negative"),
    pytest.param({"ref": LONG}, "不超过 30", id="ref-too-long"),
    pytest.param({"evidence": LONG}, "不超过 200", id="evidence-too-long"),
    pytest.param({"deduction_rule": LONG}, "不超过 200", id="rule-too-long"),
    pytest.param({"source": LONG}, "不超过 200", id="source-too-long"),
    pytest.param({"content": "字" * 1001}, "不超过 1000", id="content-too-long"),
    pytest.param({"standard": "字" * 2001}, "不超过 2000", id="standard-too-long"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), ITEM_CASES)
def test_it_refuses_bad_checklist_item_input_and_changes_nothing(
    planning_world: World, overrides: dict[str, Any], message: str
) -> None:
    world = planning_world
    client = signed_in(world.unit_a_reviewer)
    create_url = reverse("checklist_item_create", args=[world.branch_a.pk, 2026])
    item = item_of(world)
    edit_url = reverse("checklist_item_edit", args=[item.pk])
    before = state()
    for url, base in (
        (create_url, valid_item()),
        (edit_url, valid_item(item.ref) | {"version": item.version}),
    ):
        response = client.post(url, with_overrides(base, overrides))
        assert response.status_code == 200, url
        assert message in text_of(response), url
    assert state() == before


@pytest.mark.django_db
def test_it_refuses_a_duplicate_reference_and_a_tampered_version(planning_world: World) -> None:
    world = planning_world
    client = signed_in(world.unit_a_reviewer)
    item = item_of(world)
    before = state()
    duplicate = client.post(
        reverse("checklist_item_create", args=[world.branch_a.pk, 2026]), valid_item(item.ref)
    )
    assert f"编号 {item.ref} 已存在" in text_of(duplicate)
    tampered = client.post(
        reverse("checklist_item_edit", args=[item.pk]), valid_item(item.ref) | {"version": "abc"}
    )
    assert "请刷新页面后重新提交" in text_of(tampered)
    assert state() == before


@pytest.mark.django_db
def test_it_escapes_markup_in_every_checklist_item_field(planning_world: World) -> None:
    world = planning_world
    client = signed_in(world.unit_a_reviewer)
    data = valid_item(SHORT_MARKUP) | dict.fromkeys(
        ("content", "standard", "evidence", "deduction_rule", "source"), MARKUP
    )
    url = reverse("checklist_item_create", args=[world.branch_a.pk, 2026])
    assert client.post(url, data).status_code == 302
    checklist_html = text_of(
        client.get(reverse("checklist_detail", args=[world.branch_a.pk, 2026]))
    )
    assert_escaped(checklist_html)
    assert SHORT_MARKUP not in checklist_html.replace(MARKUP, "")
    # Once the year starts, the item's obligations show it to officers as well.
    services.year_activate(actor=None, year=world.year)
    obligation = Obligation.objects.filter(item__ref=SHORT_MARKUP).first()
    officer = signed_in(world.officer_a)
    assert_escaped(text_of(officer.get(obligation.get_absolute_url())))
    edit_html = text_of(client.get(reverse("checklist_item_edit", args=[obligation.item_id])))
    assert_escaped(edit_html)


# Opinions ---------------------------------------------------------------------------------------


OPINION_CASES = [
    pytest.param({"content": MISSING}, REQUIRED, id="missing"),
    pytest.param({"content": " \n\u3000 "}, REQUIRED, id="only-spaces"),
    pytest.param({"content": LONG}, "不超过 10000", id="too-long"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), OPINION_CASES)
def test_it_refuses_a_bad_opinion_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    url = reverse("opinion_edit", args=[active_world.branch_a.pk, 2026])
    before = state()
    response = signed_in(active_world.officer_a).post(
        url, with_overrides({"content": "建议"}, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert state() == before


@pytest.mark.django_db
def test_it_refuses_an_overlong_acknowledgement_and_escapes_markup(active_world: World) -> None:
    world = active_world
    officer = signed_in(world.officer_a)
    reviewer = signed_in(world.unit_a_reviewer)
    opinion_url = reverse("opinion_edit", args=[world.branch_a.pk, 2026])
    assert officer.post(opinion_url, {"content": MARKUP}).status_code == 302
    opinion = Opinion.objects.get()
    acknowledge = reverse("opinion_acknowledge", args=[opinion.pk])

    before = state()
    refused = reviewer.post(acknowledge, {"reply": "长" * 5001}, follow=True)
    assert "反馈意见过长" in text_of(refused)
    assert state() == before

    assert reviewer.post(acknowledge, {"reply": MARKUP}).status_code == 302
    assert_escaped(text_of(reviewer.get(reverse("opinion_list"))))
    assert_escaped(text_of(officer.get(opinion_url)))


# Years ------------------------------------------------------------------------------------------


YEAR_CASES = [
    pytest.param({"year": MISSING}, REQUIRED, id="year-missing"),
    pytest.param({"year": "二〇二七"}, NOT_AN_INTEGER, id="year-words"),
    pytest.param({"year": "1999"}, "大于或等于2000", id="year-too-early"),
    pytest.param({"year": "2101"}, "小于或等于2100", id="year-too-late"),
    pytest.param({"year": "9" * 30}, "小于或等于2100", id="year-huge"),
    pytest.param({"year": "2026"}, "2026 年度已存在", id="year-exists"),
    pytest.param({"entry_grace_days": "-1"}, "大于或等于0", id="grace-negative"),
    pytest.param({"entry_grace_days": "91"}, "小于或等于90", id="grace-too-long"),
    pytest.param({"entry_grace_days": "五天"}, NOT_AN_INTEGER, id="grace-words"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), YEAR_CASES)
def test_it_refuses_a_bad_year_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    before = state()
    response = signed_in(active_world.admin).post(
        reverse("year_list"), with_overrides({"year": "2027", "entry_grace_days": "5"}, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert state() == before


# Reopening --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
@pytest.mark.parametrize(
    ("reason", "message"),
    [
        pytest.param(MISSING, "必须说明原因", id="missing"),
        pytest.param(" \u3000 ", "必须说明原因", id="only-spaces"),
        pytest.param(LONG, "不能超过 500 个字", id="too-long"),
    ],
)
def test_it_refuses_a_reopen_without_a_proper_reason(
    active_world: World, reason: Any, message: str
) -> None:
    january = Obligation.objects.get(
        organisation=active_world.branch_a, item__ref="ZB-3-02", period_label="1月"
    )
    before = state()
    response = signed_in(active_world.unit_a_reviewer).post(
        reverse("obligation_reopen", args=[january.pk]),
        with_overrides({"reason": "补录"}, {"reason": reason}),
        follow=True,
    )
    assert message in text_of(response)
    assert state() == before


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_escapes_markup_in_a_reopen_reason(active_world: World) -> None:
    january = Obligation.objects.get(
        organisation=active_world.branch_a, item__ref="ZB-3-02", period_label="1月"
    )
    reviewer = signed_in(active_world.unit_a_reviewer)
    reviewer.post(reverse("obligation_reopen", args=[january.pk]), {"reason": MARKUP})
    assert january.__class__.objects.get(pk=january.pk).reopened_until is not None
    for client in (reviewer, signed_in(active_world.officer_a)):
        assert_escaped(text_of(client.get(january.get_absolute_url())))


# Login ------------------------------------------------------------------------------------------


LOGIN_CASES = [
    pytest.param({"username": MISSING}, REQUIRED, id="username-missing"),
    pytest.param({"password": ""}, REQUIRED, id="password-empty"),
    pytest.param({"username": LONG}, "不超过 150", id="username-too-long"),
    pytest.param({"username": MARKUP, "password": "x"}, "用户名或密码不正确", id="markup"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), LOGIN_CASES)
def test_it_refuses_a_bad_login_and_signs_nobody_in(
    world: World, overrides: dict[str, Any], message: str
) -> None:
    client = Client()
    before = state()
    response = client.post(
        reverse("login"), with_overrides({"username": "officer_a", "password": PASSWORD}, overrides)
    )
    html = text_of(response)
    assert response.status_code == 200
    assert message in html
    assert "_auth_user_id" not in client.session
    assert state() == before
    if overrides.get("username") == MARKUP:
        assert_escaped(html)


# Onboarding import ------------------------------------------------------------------------------

ORG_HEADERS = ["组织编码", "组织名称", "层级", "上级组织编码", "排序"]
PEOPLE_HEADERS = ["用户名", "姓名", "手机号", "邮箱", "组织编码", "职务", "任职开始", "任职结束"]


def workbook(orgs: list[list[Any]], people: list[list[Any]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, headers, rows in (("组织", ORG_HEADERS, orgs), ("人员职务", PEOPLE_HEADERS, people)):
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_rows() -> tuple[list[list[Any]], list[list[Any]]]:
    orgs = [["A-ZB9", "甲厅第九党支部", "党支部", "A-JGDW", 90]]
    people = [
        ["li_si", "李四", None, None, "A-ZB9", "书记", "2024-01-01", None],
        ["wang_wu", "王五", None, None, "A-ZB9", "委员", "2024-01-01", None],
        ["zhao_liu", "赵六", None, None, "A-ZB9", "党员", "2024-01-01", None],
    ]
    return orgs, people


def import_file(name: str, content: bytes) -> dict[str, Any]:
    return {"file": SimpleUploadedFile(name, content)}


def broken(column: int, value: Any, sheet: str = "people") -> bytes:
    orgs, people = good_rows()
    rows = people if sheet == "people" else orgs
    rows[0][column] = value
    return workbook(orgs, people)


IMPORT_CASES = [
    pytest.param(None, REQUIRED, id="no-file"),
    pytest.param(import_file("人员.xlsx", b""), "空文件", id="empty-file"),
    pytest.param(import_file("人员.xlsx", EXE_BYTES * 20), "不是有效的 Excel", id="exe-named-xlsx"),
    pytest.param(import_file("人员.exe", EXE_BYTES), "请上传 .xlsx", id="exe"),
    pytest.param(import_file("人员.xls", b"\xd0\xcf\x11\xe0" * 30), "另存为 .xlsx", id="old-xls"),
    pytest.param(import_file("人员.xlsx", broken(6, "2024-13-01")), "日期", id="date-malformed"),
    pytest.param(import_file("人员.xlsx", broken(1, LONG)), "不能超过50个字符", id="name-too-long"),
    pytest.param(import_file("人员.xlsx", broken(2, "1380013800O")), "电话号码", id="phone-bad"),
    pytest.param(import_file("人员.xlsx", broken(5, "局长")), "职务", id="post-unknown"),
    pytest.param(
        import_file("人员.xlsx", broken(1, LONG, sheet="orgs")),
        "不能超过120个字符",
        id="org-name-too-long",
    ),
    pytest.param(import_file("人员.xlsx", broken(4, -5, sheet="orgs")), "排序", id="sort-negative"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("files", "message"), IMPORT_CASES)
def test_it_refuses_a_bad_import_and_changes_nothing(
    world: World, files: dict[str, Any] | None, message: str
) -> None:
    client = signed_in(world.admin)
    before = state()
    response = client.post(reverse("onboarding_import"), files or {})
    assert response.status_code == 200
    assert message in text_of(response)
    assert state() == before


@pytest.mark.django_db
def test_it_refuses_an_oversized_import(world: World, settings) -> None:
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    before = state()
    response = signed_in(world.admin).post(
        reverse("onboarding_import"), import_file("人员.xlsx", b"0" * (1024 * 1024 + 1))
    )
    assert "文件超过 1 MB 的上限" in text_of(response)
    assert state() == before


@pytest.mark.django_db
def test_it_escapes_markup_from_imported_cells(world: World) -> None:
    orgs, people = good_rows()
    orgs[0][1] = MARKUP
    people[0][1] = SHORT_MARKUP
    client = signed_in(world.admin)
    preview = client.post(
        reverse("onboarding_import"), import_file("人员.xlsx", workbook(orgs, people))
    )
    assert_escaped(text_of(preview))
    response = client.post(reverse("onboarding_import"), {"action": "confirm"})
    assert response.status_code == 302
    branch = Organisation.objects.get(code="A-ZB9")
    assert_escaped(text_of(client.get(reverse("organisation_tree"))))
    detail = text_of(client.get(reverse("organisation_detail", args=[branch.pk])))
    assert_escaped(detail)
    assert_escaped(detail, SHORT_ESCAPED, SHORT_MARKUP)
    # An error that quotes a cell quotes it escaped.
    orgs[0][0], orgs[0][3] = "A-ZB10", MARKUP
    refused = client.post(
        reverse("onboarding_import"), import_file("人员.xlsx", workbook(orgs, people))
    )
    assert "未导入任何数据" in text_of(refused)
    assert MARKUP not in text_of(refused)


# Concurrency and faults -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_keeps_the_first_of_two_concurrent_fills(active_world: World) -> None:
    world = active_world
    second_officer = UserFactory(username="officer_a2")
    post(second_officer, world.branch_a, "committee_member")
    obligation = june_meeting(world)
    first, second = signed_in(world.officer_a), signed_in(second_officer)
    # Both open the form, so both hold the same version.
    for client in (first, second):
        page = client.get(obligation.get_absolute_url())
        assert f'name="version" value="{obligation.version}"' in text_of(page)

    saved = first.post(
        obligation.get_absolute_url(), valid_fill(obligation) | {"description": "第一人的记录"}
    )
    late = second.post(
        obligation.get_absolute_url(),
        valid_fill(obligation) | {"description": "第二人的记录", "topic": "第二人的议题"},
    )

    assert saved.status_code == 302
    html = text_of(late)
    assert late.status_code == 200
    assert html.count("已被他人修改") == 1
    assert "第二人的记录" in html
    assert "第二人的议题" in html
    obligation.refresh_from_db()
    assert obligation.description == "第一人的记录"
    assert obligation.meeting.topic == "六月支委会"
    assert obligation.updated_by == world.officer_a
    assert AuditEntry.objects.filter(action="obligation.fill").count() == 1

    # The re-shown form now carries the current version: having read the latest content, the
    # second officer submits again and it saves (no endless conflict).
    obligation.refresh_from_db()
    assert shown_version(html) == str(obligation.version)
    again = second.post(
        obligation.get_absolute_url(),
        valid_fill(obligation)
        | {"description": "第二人的记录", "topic": "第二人的议题", "version": shown_version(html)},
    )
    assert again.status_code == 302
    obligation.refresh_from_db()
    assert obligation.description == "第二人的记录"


@pytest.mark.django_db
def test_it_keeps_the_first_of_two_concurrent_item_edits(planning_world: World) -> None:
    world = planning_world
    item = item_of(world)
    url = reverse("checklist_item_edit", args=[item.pk])
    first, second = signed_in(world.unit_a_reviewer), signed_in(world.wc_reviewer)
    base = valid_item(item.ref) | {"version": item.version}
    assert first.post(url, base | {"content": "第一人的修改"}).status_code == 302
    late = second.post(url, base | {"content": "第二人的修改"})
    html = text_of(late)
    assert html.count("已被他人修改") == 1
    assert "第二人的修改" in html
    item.refresh_from_db()
    assert item.content == "第一人的修改"
    assert shown_version(html) == str(item.version)
    again = second.post(url, base | {"content": "第二人的修改", "version": shown_version(html)})
    assert again.status_code == 302
    item.refresh_from_db()
    assert item.content == "第二人的修改"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fault", "message"),
    [
        pytest.param(IntegrityError("duplicate key"), "未导入任何数据", id="integrity"),
        pytest.param(RuntimeError("disk full"), None, id="crash"),
    ],
)
def test_it_leaves_the_database_unchanged_when_an_import_fails_midway(
    world: World, monkeypatch: pytest.MonkeyPatch, fault: Exception, message: str | None
) -> None:
    calls = {"n": 0}
    real_post_create = services.post_create

    def failing_third(**kwargs: Any) -> Post:
        calls["n"] += 1
        if calls["n"] == 3:
            raise fault
        return real_post_create(**kwargs)

    monkeypatch.setattr("responsibility.services.onboarding.post_create", failing_third)
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    before = state()
    client.post(reverse("onboarding_import"), import_file("人员.xlsx", workbook(*good_rows())))
    response = client.post(reverse("onboarding_import"), {"action": "confirm"})
    assert calls["n"] == 3  # two posts were written before the fault
    if message is None:
        assert response.status_code == 500
    else:
        assert response.status_code == 200
        assert message in text_of(response)
    assert state() == before
    assert not Checklist.objects.filter(organisation__code="A-ZB9").exists()
