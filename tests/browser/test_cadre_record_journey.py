"""The cadre record in the browser (#19.4): unit A's reviewer records a rotation that ends one
post and starts another, proposes a young member as a business backbone and selects them into a
party-affairs post; the working committee's reviewer reads the record with the case against the
person, and prints the 干部任职和岗位交流参考表 (A4, no navigation). Screenshots in
test-artifacts/screenshots/."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from accountability import services as accountability_services
from accountability.models import AccountabilityCase
from assessment import services
from assessment.models import BackboneCandidate, Rotation
from responsibility.models import Post
from tests.browser.conftest import Shots, sign_in
from tests.browser.pages import Site
from tests.factories import UserFactory, post

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_rotation_a_backbone_and_the_printed_reference_sheet(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    world = site.world
    today = site.today
    officer = world.officer_a
    officer.full_name, officer.birth_date = "张晓明", datetime.date(1988, 6, 1)
    officer.save(update_fields=["full_name", "birth_date"])
    training = services.training_create(
        actor=world.admin,
        organiser=world.organ_a,
        held_on=today - datetime.timedelta(days=3),
        topic="党支部工作条例专题培训",
        hours=Decimal(8),
    )
    services.training_attendance_add(
        actor=world.admin, training=training, attendees=[(officer, None)]
    )
    accountability_services.case_create(
        actor=world.admin,
        data=accountability_services.CaseInput(
            year=site.world.year,
            target_type=AccountabilityCase.TargetType.PERSON,
            organisation=world.branch_a,
            person=officer,
            form=AccountabilityCase.Form.ADMONISH,
            reason="落实“三会一课”制度不力",
            decided_on=today - datetime.timedelta(days=10),
        ),
    )
    young = UserFactory(username="young", full_name="李青", birth_date=datetime.date(1997, 4, 9))
    post(young, world.branch_a, Post.Kind.MEMBER)
    shots = Shots(page, "cadre-record")

    # Unit A's reviewer records the rotation on the record: one bad date first (kept, refused).
    sign_in(page, live_server.url, "unit_a_reviewer")
    page.goto(f"{live_server.url}/assessment/people/{officer.pk}/")
    expect(page.get_by_role("heading", name="问责情况")).to_have_count(0)  # not the register's
    page.get_by_label("交流日期").fill("2023-06-01")
    page.get_by_label("结束的原职务").select_option(index=1)
    page.get_by_label("新任职组织").select_option(label="甲厅第二党支部")
    page.get_by_label("新职务").select_option(label="专职党务干部")
    page.get_by_role("button", name="记录岗位交流").click()
    expect(page.get_by_text("交流日期须晚于原职务的任职开始日期")).to_be_visible()
    expect(page.get_by_label("新职务")).to_have_value("cadre_full_time")
    moved = (today - datetime.timedelta(days=1)).isoformat()
    page.get_by_label("交流日期").fill(moved)
    page.get_by_role("button", name="记录岗位交流").click()
    expect(page.get_by_role("alert").filter(has_text="岗位交流已记录")).to_be_visible()
    rotation = Rotation.objects.get()
    assert rotation.to_post_link.organisation == world.branch_a2

    # The pool: propose the young member, then select them into a part-time post.
    page.goto(f"{live_server.url}/assessment/cadres/backbones/")
    page.get_by_label("人员").select_option(label="李青（young）")
    page.get_by_label("推荐理由").fill("业务精通，政治素质好，群众公认。")
    page.get_by_role("button", name="推荐", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="已推荐为业务骨干人选")).to_be_visible()
    page.get_by_role("link", name="已推荐").click()
    page.get_by_label("办理结果").select_option(label="选入党务岗位")
    page.get_by_label("党务岗位所在组织").select_option(label="甲厅第一党支部")
    page.get_by_label("党务岗位", exact=True).select_option(label="兼职党务干部")
    page.get_by_label("说明").fill("经机关党委研究同意。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert").filter(has_text="已办理")).to_be_visible()
    assert BackboneCandidate.objects.get().state == BackboneCandidate.State.SELECTED
    page.goto(f"{live_server.url}/assessment/cadres/backbones/")
    expect(page.get_by_text("已选入党务岗位")).to_be_visible()
    shots.take("pool")

    # The working committee's reviewer reads the record with the case, and the sheet.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "wc_reviewer")
    page.goto(f"{live_server.url}/assessment/people/{officer.pk}/")
    expect(page.get_by_role("heading", name="问责情况")).to_be_visible()
    expect(page.get_by_text("落实“三会一课”制度不力")).to_be_visible()
    shots.take("record")
    page.get_by_role("link", name="干部任职和岗位交流参考表").click()
    expect(page.get_by_role("heading", name="干部任职和岗位交流参考表")).to_be_visible()
    shots.take("sheet")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    expect(page.locator("nav.app-navbar")).to_be_hidden()
    expect(page.get_by_role("button", name="打印")).to_be_hidden()
    shots.take("sheet-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
    assert not console_errors
