"""Two journeys through the real pages in headless Chromium: an officer fills in an obligation,
a reviewer reopens an overdue one. Screenshots land in test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from responsibility.models import AuditEntry, Evidence, Obligation
from tests.browser.conftest import DESKTOP, PHONE, Shots, sign_in
from tests.browser.pages import Site
from tests.factories import PDF_BYTES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_lets_an_officer_fill_an_obligation_with_evidence(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    shots = Shots(page, "officer")
    obligation = site.fill
    sign_in(page, live_server.url, "officer_a")

    # Everyone lands on the work queue; the officer's obligations are one click away.
    expect(page).to_have_url(re.compile(r"/supervision/todo/$"))
    expect(page.get_by_role("heading", name="我的待办", level=1)).to_be_visible()
    shots.take("queue")
    page.goto(f"{live_server.url}/work/")
    expect(page.get_by_role("heading", name="我的任务", level=1)).to_be_visible()
    shots.take("my-work")
    page.set_viewport_size(PHONE)
    shots.take("my-work-phone")
    page_width, item_width = page.evaluate(
        "() => [document.documentElement.scrollWidth,"
        " document.querySelector('main table td a').getBoundingClientRect().width]"
    )
    assert page_width <= PHONE["width"], "My work scrolls sideways on a phone"
    assert item_width >= PHONE["width"] * 0.4, "the duty's text is squeezed into a sliver"
    page.set_viewport_size(DESKTOP)

    row = (
        page.get_by_role("row")
        .filter(has_text=obligation.period_label)
        .filter(has=page.locator(f'a[href="{obligation.get_absolute_url()}"]'))
    )
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="填报", exact=True)).to_be_visible()
    shots.take("obligation-form")

    today = site.today.isoformat()
    page.get_by_label("状态").select_option(label="已完成")
    page.get_by_label("完成日期").fill(today)
    page.get_by_label("完成情况").fill("召开支委会，研究发展党员和主题党日安排。")
    page.get_by_label("会议日期").fill(today)
    page.get_by_label("会议议题").fill("本月支委会")
    page.get_by_label("应到人数").fill("2")
    page.get_by_label("实到人数").fill("2")
    page.get_by_label("会议纪要").fill("讨论了发展对象的培养考察情况。")
    page.get_by_label("上传佐证材料").set_input_files(
        [{"name": "支委会记录.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert").filter(has_text="已保存")).to_be_visible()
    expect(page.locator(".badge", has_text="已完成").first).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("支委会记录.pdf"))).to_be_visible()
    expect(page.get_by_text("符合法定人数")).to_be_visible()
    shots.take("obligation-done")

    page.get_by_role("link", name=f"{site.year.year}年度责任清单").click()
    chip = page.locator(f'a.obligation-chip[href="{obligation.get_absolute_url()}"]')
    expect(chip).to_have_class(re.compile(r"\bstatus-done\b"))
    expect(chip).to_have_class(re.compile(r"\blight-green\b"))
    expect(chip).to_have_attribute("title", re.compile("已完成"))
    shots.take("checklist")

    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.DONE
    assert obligation.meeting.attended_count == 2
    assert [e.original_name for e in Evidence.objects.all()] == ["支委会记录.pdf"]
    assert console_errors == [], "\n".join(console_errors)


def test_it_lets_a_reviewer_reopen_an_overdue_obligation(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    shots = Shots(page, "reviewer")
    obligation = site.overdue
    sign_in(page, live_server.url, "unit_a_reviewer")
    shots.take("home")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="进度总览").click()
    expect(page.get_by_role("heading", name="进度总览", level=1)).to_be_visible()
    shots.take("progress-overview")

    page.get_by_role("rowheader").get_by_role("link", name=site.world.branch_a.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(site.world.branch_a.name)
    shots.take("checklist")

    chip = page.locator(f'a.obligation-chip[href="{obligation.get_absolute_url()}"]')
    expect(chip).to_have_class(re.compile(r"\blight-red\b"))
    chip.click()
    expect(page.locator(".badge", has_text="已逾期").first).to_be_visible()
    expect(page.get_by_role("heading", name="填报", exact=True)).to_have_count(0)
    shots.take("obligation-overdue")

    page.get_by_label("重新开放原因").fill("支部书记出差，经机关党委同意补录。")
    page.get_by_role("button", name="重新开放").click()
    expect(page.get_by_role("alert").filter(has_text="已重新开放填报")).to_be_visible()
    expect(page.get_by_text(re.compile(r"已开放至 \d{4}-\d{2}-\d{2}"))).to_be_visible()
    history = page.get_by_role("region", name="修改记录")
    expect(history).to_contain_text("支部书记出差，经机关党委同意补录。")
    shots.take("obligation-reopened")

    obligation.refresh_from_db()
    assert obligation.reopened_until is not None
    assert obligation.reopened_until > site.today
    entry = AuditEntry.objects.get(action="obligation.reopen", object_id=str(obligation.pk))
    assert entry.actor == site.world.unit_a_reviewer
    assert entry.changes["reason"] == [None, "支部书记出差，经机关党委同意补录。"]
    assert console_errors == [], "\n".join(console_errors)
