"""Bad input through every form that exists, plus concurrent saves and a fault mid-import.

Each refused case must say what is wrong in Chinese and change nothing: `state()` compares every
row a form could touch, and the files under MEDIA_ROOT, before and after. Markup typed into
any text field must come back escaped on the next page that shows it.

Forms covered: obligation fill, checklist item create/edit, opinion, opinion acknowledgement,
year create, reopen, login, onboarding import. A new form gets a parametrised table here.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from assessment import cadres, results
from assessment import services as assessment_services
from assessment.forms import SchemeForm
from assessment.models import (
    AnnualResult,
    DutyReport,
    ItemScore,
    LedgerEntry,
    OrganisationReview,
    ReviewComment,
    ReviewRound,
    Rotation,
    Scheme,
    Training,
    TrainingAttendance,
    Vote,
)
from responsibility import services
from responsibility.models import (
    AuditEntry,
    Checklist,
    ChecklistItem,
    Evidence,
    MeetingRecord,
    Obligation,
    Opinion,
    Organisation,
    Post,
    User,
    Year,
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

MARKUP = "<script>alert(1)</script><b>x</b>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;"
SHORT_MARKUP = "<b>x</b>"  # for fields shorter than MARKUP
SHORT_ESCAPED = "&lt;b&gt;x&lt;/b&gt;"
FILE_MARKUP = "<img src=x onerror=alert(1)>.pdf"  # Django drops what precedes a "/" in names
FILE_ESCAPED = "&lt;img src=x onerror=alert(1)&gt;.pdf"
LONG = "长" * 10_001
MISSING = object()

REQUIRED = "这个字段是必填项"
NOT_A_DATE = "输入一个有效的日期"
NOT_AN_INTEGER = "输入整数"
NOT_A_CHOICE = "选择一个有效的选项"
TOO_LONG = "不超过"


def state() -> dict[str, Any]:
    """Everything a refused form must leave alone."""
    media = Path(settings.MEDIA_ROOT)
    return {
        "obligations": list(
            Obligation.objects.order_by("pk").values_list(
                "pk",
                "status",
                "completed_on",
                "description",
                "na_reason",
                "is_late",
                "reopened_until",
                "version",
            )
        ),
        "meetings": list(MeetingRecord.objects.order_by("pk").values()),
        "evidence": list(Evidence.objects.order_by("pk").values_list("pk", "sha256")),
        "attached": list(Obligation.evidence.through.objects.order_by("pk").values_list()),
        "items": list(ChecklistItem.objects.order_by("pk").values()),
        "opinions": list(Opinion.objects.order_by("pk").values()),
        "years": list(Year.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "full_name")),
        "posts": list(Post.objects.order_by("pk").values()),
        # Sign-ins write auth.* entries; everything else counts as a change.
        "audit": AuditEntry.objects.exclude(action__startswith="auth.").count(),
        "files": sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file())
        if media.exists()
        else [],
    }


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_version(html: str) -> str:
    """The version a re-shown form will submit (its hidden `version` input)."""
    found = re.search(r'name="version" value="(\d+)"', html)
    assert found, "the form carries no version"
    return found.group(1)


def text_of(response) -> str:
    return response.content.decode()


def with_overrides(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The posted fields; a browser always sends the CSRF field, so a POST is never empty."""
    data = {"csrfmiddlewaretoken": "x", **base}
    for key, value in overrides.items():
        if value is MISSING:
            data.pop(key, None)
        else:
            data[key] = value() if callable(value) else value
    return data


def assert_escaped(html: str, escaped: str = ESCAPED, raw: str = MARKUP) -> None:
    assert raw not in html
    assert escaped in html


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
        "expected_count": "5",
        "attended_count": "4",
        "minutes": "讨论了发展对象。",
    }


def upload(name: str, content: bytes) -> Callable[[], SimpleUploadedFile]:
    return lambda: SimpleUploadedFile(name, content)


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
    pytest.param({"attended_count": "2"}, "须超过应到人数的一半", id="no-quorum"),
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

    monkeypatch.setattr(services, "post_create", failing_third)
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


# Assessment ---------------------------------------------------------------------------------------
#
# Forms: quarterly scores, self-assessment, review return, round, ledger, scheme, duty report,
# vote, review comment, recompute reason, training, rotation.


def assessment_state() -> dict[str, Any]:
    """state() plus every assessment row a refused form could touch."""
    return state() | {
        "rounds": list(ReviewRound.objects.order_by("pk").values()),
        "reviews": list(OrganisationReview.objects.order_by("pk").values()),
        "scores": list(ItemScore.objects.order_by("pk").values()),
        "ledger": list(LedgerEntry.objects.order_by("pk").values()),
        "schemes": list(Scheme.objects.order_by("pk").values()),
        "reports": list(DutyReport.objects.order_by("pk").values()),
        "report_files": list(DutyReport.attachments.through.objects.order_by("pk").values_list()),
        "raters": list(DutyReport.raters.through.objects.order_by("pk").values_list()),
        "votes": list(Vote.objects.order_by("pk").values()),
        "comments": list(ReviewComment.objects.order_by("pk").values()),
        "results": list(AnnualResult.objects.order_by("pk").values()),
        "trainings": list(Training.objects.order_by("pk").values()),
        "attendance": list(TrainingAttendance.objects.order_by("pk").values()),
        "rotations": list(Rotation.objects.order_by("pk").values()),
    }


@pytest.fixture
def assessment_world(active_world: World) -> World:
    """2026 started, a Q2 round with branch A's review open (full marks), a submitted report
    heard by the unit reviewer, and a training held by branch A."""
    world = active_world
    world.round = assessment_services.round_create(
        actor=world.admin,
        year=world.year,
        quarter=2,
        opens_on=datetime.date(2026, 6, 1),
        closes_on=datetime.date(2026, 6, 30),
    )
    world.review = assessment_services.review_start(
        actor=world.unit_a_reviewer, review_round=world.round, organisation=world.branch_a
    )
    world.report = assessment_services.report_save(
        actor=world.officer_a,
        organisation=world.branch_a,
        year=world.year,
        text="一年来认真履行党建责任。",
        version=None,
        submit=True,
    )
    assessment_services.report_raters_set(
        actor=world.unit_a_reviewer, report=world.report, raters=[world.unit_a_reviewer]
    )
    world.training = cadres.training_create(
        actor=world.officer_a,
        organiser=world.branch_a,
        held_on=datetime.date(2026, 3, 1),
        topic="支部工作条例培训",
        hours=Decimal(4),
    )
    return world


def first_score(review: OrganisationReview) -> ItemScore:
    return review.scores.select_related("item").order_by("item__sort_order", "item__ref").first()


LOWER = object()  # the first item's points minus one: a deduction


def score_form(review: OrganisationReview, overrides: dict[str, Any]) -> dict[str, Any]:
    """Every item at its current score; `score`/`reason` in overrides mean the first item's."""
    data: dict[str, Any] = {"csrfmiddlewaretoken": "x", "version": review.version, "submit": "1"}
    for row in review.scores.all():
        data[f"score_{row.item_id}"] = str(row.score)
        data[f"reason_{row.item_id}"] = row.reason
    first = first_score(review)
    names = {"score": f"score_{first.item_id}", "reason": f"reason_{first.item_id}"}
    for key, value in overrides.items():
        name = names.get(key, key)
        if value is MISSING:
            data.pop(name, None)
        else:
            data[name] = str(first.max_points - 1) if value is LOWER else value
    return data


SCORE_CASES = [
    pytest.param({"score": "99"}, "不能超过该事项分值", id="above-item-points"),
    pytest.param({"score": "-1"}, "不能小于 0", id="negative"),
    pytest.param({"score": "五分"}, "请输入数字", id="not-a-number"),
    pytest.param({"score": "NaN"}, "请输入数字", id="not-a-number-nan"),
    pytest.param({"score": "1.255"}, "小数不超过 2 位", id="three-decimals"),
    pytest.param({"score": MISSING}, "请填写得分", id="missing"),
    pytest.param({"score": LOWER, "reason": MISSING}, "扣分必须填写理由", id="deduction-no-reason"),
    pytest.param(
        {"score": LOWER, "reason": " \u3000 "}, "扣分必须填写理由", id="deduction-blank-reason"
    ),
    pytest.param({"score": LOWER, "reason": LONG}, "不超过 500", id="reason-too-long"),
    pytest.param({"version": MISSING}, "请刷新页面后重新提交", id="version-missing"),
    pytest.param({"version": "第三版"}, "请刷新页面后重新提交", id="version-tampered"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), SCORE_CASES)
def test_it_refuses_bad_scores_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    review = assessment_world.review
    before = assessment_state()
    response = signed_in(assessment_world.unit_a_reviewer).post(
        review.get_absolute_url(), score_form(review, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("action", "persona", "data", "message"),
    [
        pytest.param("return", "wc_reviewer", {}, "退回时必须填写意见", id="return-no-comment"),
        pytest.param(
            "return", "wc_reviewer", {"comment": "　 "}, "退回时必须填写意见", id="return-blank"
        ),
        pytest.param(
            "confirm", "unit_a_reviewer", {}, "复核须由评分人以外的审核人进行", id="self-confirm"
        ),
        pytest.param("publish", "wc_reviewer", {}, "不能执行该操作", id="publish-unconfirmed"),
    ],
)
def test_it_refuses_a_bad_review_transition_and_changes_nothing(
    assessment_world: World, action: str, persona: str, data: dict[str, str], message: str
) -> None:
    world = assessment_world
    review = deduct_and_submit(world)
    before = assessment_state()
    response = signed_in(world.persona(persona)).post(
        reverse("review_transition", args=[review.pk, action]), data, follow=True
    )
    assert message in text_of(response)
    assert assessment_state() == before


def deduct_and_submit(world: World, reason: str = "五月未召开支委会") -> OrganisationReview:
    review = world.review
    row = first_score(review)
    review = assessment_services.review_scores_save(
        actor=world.unit_a_reviewer,
        review=review,
        version=review.version,
        scores=[assessment_services.ScoreInput(row.item_id, row.max_points - 1, reason)],
    )
    return assessment_services.review_transition(
        actor=world.unit_a_reviewer, review=review, action="submit"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(MISSING, REQUIRED, id="missing"),
        pytest.param(" \n ", REQUIRED, id="blank"),
        pytest.param(LONG, "不超过 10000", id="too-long"),
    ],
)
def test_it_refuses_a_bad_self_assessment_and_changes_nothing(
    assessment_world: World, text: Any, message: str
) -> None:
    url = reverse("review_self_assess", args=[assessment_world.review.pk])
    before = assessment_state()
    response = signed_in(assessment_world.officer_a).post(
        url, with_overrides({"text": "自评"}, {"text": text})
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


ROUND_CASES = [
    pytest.param(
        {"opens_on": "2026-09-30", "closes_on": "2026-07-01"},
        "截止日期不能早于开始日期",
        id="dates-reversed",
    ),
    pytest.param({"quarter": "5"}, NOT_A_CHOICE, id="quarter-unknown"),
    pytest.param({"quarter": "2"}, "该季度检查已存在", id="quarter-exists"),
    pytest.param({"opens_on": "2026-02-30"}, NOT_A_DATE, id="date-impossible"),
    pytest.param({"closes_on": MISSING}, REQUIRED, id="closes-missing"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), ROUND_CASES)
def test_it_refuses_a_bad_round_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    before = assessment_state()
    response = signed_in(assessment_world.admin).post(
        reverse("round_list"),
        with_overrides(
            {"quarter": "3", "opens_on": "2026-07-01", "closes_on": "2026-09-30"}, overrides
        ),
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


LEDGER_CASES = [
    pytest.param({"points": "0"}, "大于或等于0.01", id="points-zero"),
    pytest.param({"points": "25"}, "小于或等于20", id="points-over-20"),
    pytest.param({"points": "-3"}, "大于或等于0.01", id="points-negative"),
    pytest.param({"points": "两分"}, "输入一个数字", id="points-words"),
    pytest.param({"points": MISSING}, REQUIRED, id="points-missing"),
    pytest.param({"reason": MISSING}, REQUIRED, id="reason-missing"),
    pytest.param({"reason": " \u3000 "}, REQUIRED, id="reason-blank"),
    pytest.param({"reason": LONG}, "不超过 500", id="reason-too-long"),
    pytest.param({"kind": "gift"}, NOT_A_CHOICE, id="kind-unknown"),
    pytest.param(
        {"files": upload("表彰文件.pdf", EXE_BYTES)}, "不是允许的类型", id="exe-named-pdf"
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), LEDGER_CASES)
def test_it_refuses_a_bad_ledger_entry_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    url = reverse("ledger_propose", args=[assessment_world.branch_a.pk])
    before = assessment_state()
    response = signed_in(assessment_world.unit_a_reviewer).post(
        url, with_overrides({"kind": "bonus", "points": "2", "reason": "获省级表彰"}, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


def scheme_form(world: World) -> dict[str, str]:
    scheme = assessment_services.scheme_for(world.year)
    data = {name: getattr(scheme, name) for name in SchemeForm.Meta.fields}
    return {
        "version": str(scheme.version),
        **{name: "" if value is None else str(value) for name, value in data.items()},
    }


SCHEME_CASES = [
    pytest.param(
        {"weight_process": "40", "weight_quarterly": "40", "weight_year_end": "40"},
        "三部分权重之和必须为 100，当前为 120",
        id="weights-120",
    ),
    pytest.param({"weight_year_end": "30"}, "三部分权重之和必须为 100，当前为 90", id="weights-90"),
    pytest.param({"good_min": "70"}, "等次分数线须从高到低", id="bands-good-below-fairly-good"),
    pytest.param({"average_min": "85"}, "等次分数线须从高到低", id="bands-average-above"),
    pytest.param(
        {"weight_process": "-10", "weight_quarterly": "70"},
        "请输入 0 到 100 之间的数",
        id="weight-negative",
    ),
    pytest.param({"vote_good": "150"}, "请输入 0 到 100 之间的数", id="vote-value-over-100"),
    pytest.param({"good_quota_percent": "101"}, "请输入 0 到 100 之间的数", id="quota-over-100"),
    pytest.param({"good_min": "九十"}, "输入一个数字", id="band-words"),
    pytest.param({"accountability_cap": "excellent"}, NOT_A_CHOICE, id="cap-unknown"),
    pytest.param({"report_deadline": "2026-02-30"}, NOT_A_DATE, id="deadline-impossible"),
    pytest.param({"version": MISSING}, "请刷新页面后重新提交", id="version-missing"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), SCHEME_CASES)
def test_it_refuses_a_bad_scheme_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    world = assessment_world
    base = scheme_form(world)  # creates the scheme with its defaults, before the snapshot
    before = assessment_state()
    response = signed_in(world.admin).post(
        reverse("scheme_edit", args=[2026]), with_overrides(base, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_saves_a_valid_scheme(assessment_world: World) -> None:
    """The control for the table above: the same form, correct, is saved."""
    world = assessment_world
    data = scheme_form(world) | {"weight_process": "20", "weight_year_end": "50"}
    response = signed_in(world.admin).post(reverse("scheme_edit", args=[2026]), data)
    assert response.status_code == 302
    scheme = Scheme.objects.get(year=world.year)
    assert (scheme.weight_process, scheme.weight_year_end, scheme.version) == (20, 50, 2)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        pytest.param({"text": "长" * 50_001}, "不超过 50000", id="text-50001"),
        pytest.param({"text": " \n", "submit": "1"}, "提交前请填写述职报告内容", id="submit-empty"),
        pytest.param(
            {"files": upload("述职.pdf", EXE_BYTES)}, "不是允许的类型", id="exe-named-pdf"
        ),
        pytest.param({"version": "第二版"}, "请刷新页面后重新提交", id="version-tampered"),
        pytest.param({"version": "1"}, "已被他人修改", id="version-stale"),
    ],
)
def test_it_refuses_a_bad_duty_report_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    url = reverse("report_edit", args=[active_world.branch_a.pk, 2026])
    client = signed_in(active_world.officer_a)
    assert client.post(url, {"text": "草稿", "save": "1"}).status_code == 302
    assessment_services.scheme_for(active_world.year)  # the page makes it on first view
    before = assessment_state()
    response = client.post(url, with_overrides({"text": "述职报告", "save": "1"}, overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_refuses_a_duty_report_after_its_deadline(active_world: World) -> None:
    scheme = assessment_services.scheme_for(active_world.year)
    Scheme.objects.filter(pk=scheme.pk).update(report_deadline=datetime.date(2026, 1, 15))
    url = reverse("report_edit", args=[active_world.branch_a.pk, 2026])
    before = assessment_state()
    response = signed_in(active_world.officer_a).post(url, {"text": "述职报告", "submit": "1"})
    assert "已超过述职报告提交截止日期（2026-01-15）" in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "data", "message"),
    [
        pytest.param("unit_a_reviewer", {"choice": "excellent"}, "请选择评议等次", id="invalid"),
        pytest.param("unit_a_reviewer", {}, "请选择评议等次", id="missing"),
        pytest.param(
            "wc_reviewer", {"choice": "good"}, "您不是该组织述职评议的评议人", id="not-a-rater"
        ),
    ],
)
def test_it_refuses_a_bad_vote_and_changes_nothing(
    assessment_world: World, persona: str, data: dict[str, str], message: str
) -> None:
    report = assessment_world.report
    before = assessment_state()
    response = signed_in(assessment_world.persona(persona)).post(
        reverse("report_vote", args=[report.pk]), data, follow=True
    )
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_refuses_a_vote_after_the_meeting_closed(assessment_world: World) -> None:
    world = assessment_world
    assessment_services.meeting_close(actor=world.wc_reviewer, report=world.report)
    before = assessment_state()
    response = signed_in(world.unit_a_reviewer).post(
        reverse("report_vote", args=[world.report.pk]), {"choice": "good"}, follow=True
    )
    assert "评议已结束，不能再投票" in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "comment",
    [pytest.param(MISSING, id="missing"), pytest.param("长" * 2001, id="too-long")],
)
def test_it_refuses_a_bad_review_comment_and_changes_nothing(
    assessment_world: World, comment: Any
) -> None:
    report = assessment_world.report
    before = assessment_state()
    response = signed_in(assessment_world.unit_a_reviewer).post(
        reverse("report_comment", args=[report.pk]),
        with_overrides({"comment": "好"}, {"comment": comment}),
        follow=True,
    )
    assert "请填写点评意见（不超过 2000 字）" in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_refuses_an_overlong_recompute_reason_and_a_silent_recompute(
    assessment_world: World,
) -> None:
    world = assessment_world
    admin = signed_in(world.admin)
    url = reverse("result_list", args=[2026])
    assert admin.post(url, {"compute": "1", "reason": ""}).status_code == 302
    assert admin.post(url, {"publish": "1"}).status_code == 302
    entry = assessment_services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=world.year,
        kind="bonus",
        points=Decimal(3),
        reason="获省级表彰",
    )
    assessment_services.ledger_decide(actor=world.unit_a_reviewer, entry=entry, approve=True)
    before = assessment_state()
    too_long = admin.post(url, {"compute": "1", "reason": "长" * 301})
    assert "不超过 300" in text_of(too_long)
    silent = admin.post(url, {"compute": "1", "reason": " "})
    assert "重新计算必须填写原因" in text_of(silent)
    assert assessment_state() == before


TRAINING_CASES = [
    pytest.param({"hours": "0"}, "大于或等于0.5", id="hours-zero"),
    pytest.param({"hours": "300"}, "小于或等于200", id="hours-300"),
    pytest.param({"hours": "-2"}, "大于或等于0.5", id="hours-negative"),
    pytest.param({"hours": "1.25"}, "小数不超过 1 位", id="hours-two-decimals"),
    pytest.param({"hours": "两小时"}, "输入一个数字", id="hours-words"),
    pytest.param({"topic": MISSING}, REQUIRED, id="topic-missing"),
    pytest.param({"topic": LONG}, "不超过 200", id="topic-too-long"),
    pytest.param({"held_on": "2026-13-01"}, NOT_A_DATE, id="date-malformed"),
    pytest.param({"organiser": lambda: None}, NOT_A_CHOICE, id="organiser-foreign"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), TRAINING_CASES)
def test_it_refuses_a_bad_training_and_changes_nothing(
    assessment_world: World, overrides: dict[str, Any], message: str
) -> None:
    world = assessment_world
    if "organiser" in overrides:  # an organisation the officer does not fill in for
        overrides = {"organiser": str(world.branch_b.pk)}
    base = {
        "organiser": str(world.branch_a.pk),
        "held_on": "2026-03-01",
        "topic": "党务知识培训",
        "hours": "2",
        "is_party_knowledge": "on",
    }
    before = assessment_state()
    response = signed_in(world.officer_a).post(
        reverse("training_list"), with_overrides(base, overrides)
    )
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


ROTATION_CASES = [
    pytest.param({"moved_on": "2026-06-16"}, "交流日期不能晚于今天", id="date-tomorrow"),
    pytest.param({"moved_on": "2031-01-01"}, "交流日期不能晚于今天", id="date-years-ahead"),
    pytest.param({"moved_on": "去年"}, NOT_A_DATE, id="date-words"),
    pytest.param({"from_post": MISSING}, REQUIRED, id="from-missing"),
    pytest.param({"to_post": LONG}, "不超过 200", id="to-too-long"),
    pytest.param({"note": LONG}, "不超过 500", id="note-too-long"),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
@pytest.mark.parametrize(("overrides", "message"), ROTATION_CASES)
def test_it_refuses_a_bad_rotation_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    url = reverse("person_record", args=[active_world.officer_a.pk])
    base = {"moved_on": "2026-06-15", "from_post": "组织委员", "to_post": "支部书记"}
    before = assessment_state()
    response = signed_in(active_world.unit_a_reviewer).post(url, with_overrides(base, overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    assert assessment_state() == before


@pytest.mark.django_db
def test_it_escapes_markup_in_every_quarterly_review_field(assessment_world: World) -> None:
    world = assessment_world
    reviewer, second = signed_in(world.unit_a_reviewer), signed_in(world.wc_reviewer)
    officer = signed_in(world.officer_a)
    review = world.review
    self_assess = reverse("review_self_assess", args=[review.pk])
    assert officer.post(self_assess, {"text": MARKUP}).status_code == 302
    assert_escaped(text_of(officer.get(self_assess)))
    data = score_form(review, {"score": LOWER, "reason": MARKUP})
    assert reviewer.post(review.get_absolute_url(), data).status_code == 302
    html = text_of(second.get(review.get_absolute_url()))
    assert_escaped(html)  # the reason, in its (disabled) input
    assert_escaped(html.replace(f'value="{ESCAPED}"', ""))  # the self-assessment

    returned = reverse("review_transition", args=[review.pk, "return"])
    assert second.post(returned, {"comment": MARKUP}).status_code == 302
    html = text_of(reviewer.get(review.get_absolute_url()))
    assert html.count(ESCAPED) == 3  # return comment, self-assessment, reason
    assert MARKUP not in html

    review.refresh_from_db()
    assessment_services.review_transition(
        actor=world.unit_a_reviewer, review=review, action="submit"
    )
    for action in ("confirm", "publish"):
        second.post(reverse("review_transition", args=[review.pk, action]))
    review.refresh_from_db()
    assert review.status == "published"
    scores = reverse("organisation_scores", args=[world.branch_a.pk, 2026])
    assert_escaped(text_of(officer.get(scores)))
    results.results_compute(actor=None, year=world.year)
    result = AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    assert_escaped(text_of(reviewer.get(result.get_absolute_url())))


@pytest.mark.django_db
def test_it_escapes_markup_in_ledger_report_comment_and_recompute_texts(
    assessment_world: World,
) -> None:
    world = assessment_world
    reviewer, second, admin = (
        signed_in(world.unit_a_reviewer),
        signed_in(world.wc_reviewer),
        signed_in(world.admin),
    )
    ledger = {"kind": "bonus", "points": "2", "reason": MARKUP}
    propose = reverse("ledger_propose", args=[world.branch_a.pk])
    assert reviewer.post(propose, ledger).status_code == 302
    assert_escaped(text_of(second.get(reverse("ledger_list"))))

    report_url = reverse("report_edit", args=[world.branch_a2.pk, 2026])
    secretary_a2 = UserFactory(username="officer_a2")  # branch A's own report is submitted
    post(secretary_a2, world.branch_a2, "secretary")
    officer_a2 = signed_in(secretary_a2)
    assert officer_a2.post(report_url, {"text": MARKUP, "save": "1"}).status_code == 302
    assert_escaped(text_of(officer_a2.get(report_url)))
    report = DutyReport.objects.get(organisation=world.branch_a2)
    assert_escaped(text_of(reviewer.get(report.get_absolute_url())))

    comment_url = reverse("report_comment", args=[world.report.pk])
    assert reviewer.post(comment_url, {"comment": MARKUP}).status_code == 302
    assert_escaped(text_of(second.get(world.report.get_absolute_url())))

    results_url = reverse("result_list", args=[2026])
    assert admin.post(results_url, {"compute": "1"}).status_code == 302
    assert admin.post(results_url, {"publish": "1"}).status_code == 302
    entry = LedgerEntry.objects.get()
    second.post(reverse("ledger_decide", args=[entry.pk]), {"decision": "approve"})
    assert admin.post(results_url, {"compute": "1", "reason": MARKUP}).status_code == 302
    result = AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    assert result.version == 2
    html = text_of(reviewer.get(result.get_absolute_url()))
    assert html.count(ESCAPED) >= 3  # recompute reason, ledger reason, version history
    assert MARKUP not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_escapes_markup_in_training_and_rotation_texts(active_world: World) -> None:
    world = active_world
    officer, reviewer = signed_in(world.officer_a), signed_in(world.unit_a_reviewer)
    data = {
        "organiser": str(world.branch_a.pk),
        "held_on": "2026-03-01",
        "topic": MARKUP,
        "hours": "2",
    }
    response = officer.post(reverse("training_list"), data)
    assert response.status_code == 302
    training = Training.objects.get()
    assert_escaped(text_of(officer.get(reverse("training_list"))))
    assert (
        officer.post(training.get_absolute_url(), {"people": [world.member.pk]}).status_code == 302
    )
    assert_escaped(text_of(officer.get(training.get_absolute_url())))

    person = reverse("person_record", args=[world.member.pk])
    rotation = {"moved_on": "2026-05-01", "from_post": MARKUP, "to_post": MARKUP, "note": MARKUP}
    assert reviewer.post(person, rotation).status_code == 302
    html = text_of(reviewer.get(person))
    assert MARKUP not in html
    assert html.count(ESCAPED) == 4  # the training's topic, then from, to and note


@pytest.mark.django_db
def test_it_keeps_the_first_of_two_concurrent_review_scores(assessment_world: World) -> None:
    world = assessment_world
    review = world.review
    row = first_score(review)
    first, second = signed_in(world.unit_a_reviewer), signed_in(world.wc_reviewer)
    # Both open the scoring page, so both hold the same version.
    for client in (first, second):
        page = client.get(review.get_absolute_url())
        assert f'name="version" value="{review.version}"' in text_of(page)

    lowered = row.max_points - 1
    saved = first.post(
        review.get_absolute_url(),
        score_form(review, {"score": str(lowered), "reason": "第一人的理由", "submit": MISSING}),
    )
    late = second.post(
        review.get_absolute_url(),
        score_form(review, {"score": "0", "reason": "第二人的理由", "submit": MISSING}),
    )

    assert saved.status_code == 302
    html = text_of(late)
    assert late.status_code == 200
    assert html.count("已被他人修改") == 1
    assert 'value="第二人的理由"' in html
    assert f'name="score_{row.item_id}" value="0"' in html
    row.refresh_from_db()
    assert (row.score, row.reason) == (lowered, "第一人的理由")
    review.refresh_from_db()
    assert review.scored_by == world.unit_a_reviewer
    assert AuditEntry.objects.filter(action="review.score").count() == 1
    assert shown_version(html) == str(review.version)
    again = second.post(
        review.get_absolute_url(),
        score_form(review, {"score": "0", "reason": "第二人的理由", "submit": MISSING})
        | {"version": shown_version(html)},
    )
    assert again.status_code == 302
    row.refresh_from_db()
    assert (row.score, row.reason) == (0, "第二人的理由")


@pytest.mark.django_db
def test_it_counts_a_double_submitted_vote_once(assessment_world: World) -> None:
    world = assessment_world
    url = reverse("report_vote", args=[world.report.pk])
    rater = signed_in(world.unit_a_reviewer)
    for _ in range(2):  # a double click: the same vote posted twice
        assert rater.post(url, {"choice": "good"}).status_code == 302
    assert list(Vote.objects.values_list("rater__username", "choice")) == [
        ("unit_a_reviewer", "good")
    ]
    assert rater.post(url, {"choice": "average"}).status_code == 302  # changed before closing
    assert list(Vote.objects.values_list("choice", flat=True)) == ["average"]
    detail = text_of(rater.get(world.report.get_absolute_url()))
    assert "已投 1 票" in detail
