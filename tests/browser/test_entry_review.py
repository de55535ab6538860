"""Per-entry review (#20.2) in a browser: the 机关党委 reviewer samples the quarter's entries,
returns one with a reason; the branch officer finds it in the work queue, reopened."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from responsibility.models import EntryReview, Obligation
from tests.browser.conftest import Shots, sign_in
from tests.browser.pages import Site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_reviewer_returns_a_sampled_entry_and_the_officer_finds_it(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    quarter_start = datetime.date(site.today.year, 3 * ((site.today.month - 1) // 3) + 1, 1)
    Obligation.objects.filter(
        organisation=site.world.branch_a,
        period_start__lte=site.today,
        period_end__gte=quarter_start,
    ).exclude(item__frequency="as_needed").update(
        status=Obligation.Status.DONE,
        completed_on=max(quarter_start, site.today - datetime.timedelta(days=1)),
        description="按计划召开会议，学习上级文件精神，研究部署本季度重点工作。",
    )
    sign_in(page, live_server.url, "unit_a_reviewer")
    page.get_by_role("link", name="记实抽查").click()
    expect(page.get_by_role("heading", name="履责记实抽查", level=1)).to_be_visible()
    page.get_by_label("抽查比例（%）").fill("50")
    page.get_by_role("button", name="抽取").click()
    expect(page.locator("#sampleSummary")).to_contain_text("按 50% 抽取")
    shots = Shots(page, "entry-review")
    shots.take("sample")

    page.get_by_role("link", name="审核").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审核履责记实")
    page.get_by_label("退回修改").check()
    page.get_by_label("审核意见").fill("会议记录未附签到表，请补充后重新提交。")
    shots.take("decide")
    page.get_by_role("button", name="提交审核结果").click()
    expect(page.locator("#reviewHistory")).to_contain_text("会议记录未附签到表")
    expect(page.locator("#reviewState")).to_have_text("已退回")
    shots.take("returned")
    review = EntryReview.objects.get()
    assert review.sampled
    assert review.decision == "returned"

    page.context.clear_cookies()
    sign_in(page, live_server.url, "officer_a")
    section = page.locator('[data-queue="returned"]')
    expect(section).to_contain_text("会议记录未附签到表")
    shots.take("officer-queue")
    section.get_by_role("link").first.click()
    expect(page.locator("#returned")).to_contain_text("会议记录未附签到表")
    expect(page.get_by_role("heading", name="填报")).to_be_visible()
    shots.take("officer-detail")
    assert console_errors == []
