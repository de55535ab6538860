"""Assessment journeys in headless Chromium: a quarterly review scored, reviewed and published by
two reviewers; the branch officer reading the published score and its reason; the admin
computing, publishing and exporting the annual results. Screenshots land in
test-artifacts/screenshots/ (assessment-*)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from assessment.models import AnnualResult, ItemScore, OrganisationReview
from responsibility.models import AuditEntry
from tests.browser.conftest import PHONE, Shots, sign_in
from tests.browser.pages import Site
from tests.browser.pages_assessment import current_quarter, publish_review, round_for

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

REASON = "十月未按期召开支部委员会会议"


def open_assessment_menu(page: Page, entry: str) -> None:
    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("button", name="考核评价").click()
    nav.get_by_role("link", name=entry, exact=True).click()


def test_it_lets_two_reviewers_score_confirm_and_publish_a_quarterly_review(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    shots = Shots(page, "assessment-review")
    branch = site.world.branch_a
    review_round = round_for(site, current_quarter(site.today))

    sign_in(page, live_server.url, "unit_a_reviewer")
    open_assessment_menu(page, "季度检查")
    expect(page.get_by_role("heading", name="季度检查", level=1)).to_be_visible()
    shots.take("rounds")

    page.get_by_role("link", name=f"{review_round.get_quarter_display()}检查").click()
    expect(page.get_by_role("heading", name=str(review_round), level=1)).to_be_visible()
    shots.take("round")
    page.get_by_role("button", name=f"开始评分 {branch.name}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(branch.name)

    review = OrganisationReview.objects.get(round=review_round, organisation=branch)
    row = review.scores.select_related("item").order_by("item__sort_order", "item__ref").first()
    lowered = row.max_points - Decimal("0.5")
    page.get_by_label(f"{row.item.ref} 得分", exact=True).fill(str(lowered))
    page.get_by_label(f"{row.item.ref} 扣分理由", exact=True).fill(REASON)
    shots.take("scoring")
    page.get_by_role("button", name="保存并提交复核").click()
    expect(page.get_by_role("alert").filter(has_text="评分已提交复核")).to_be_visible()
    expect(page.locator(".badge", has_text="待复核")).to_be_visible()
    # Submitted: the scorer reads the scores and reasons in full, with nothing left to edit.
    expect(page.get_by_label(f"{row.item.ref} 得分", exact=True)).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text=row.item.ref).first).to_contain_text(REASON)
    shots.take("submitted")

    # The second reviewer, on another computer.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "wc_reviewer")
    open_assessment_menu(page, "季度检查")
    page.get_by_role("link", name=f"{review_round.get_quarter_display()}检查").click()
    branch_row = page.get_by_role("row").filter(has_text=branch.name)
    expect(branch_row.locator(".badge")).to_have_text("待复核")
    branch_row.get_by_role("link", name="打开").click()
    # The confirmer sees the deduction and its reason, the row marked for attention.
    deducted = page.locator("tr.score-deducted").filter(has_text=row.item.ref)
    expect(deducted).to_contain_text(REASON)
    shots.take("to-review")

    page.get_by_role("button", name="复核确认").click()
    expect(page.get_by_role("alert").filter(has_text="已复核确认")).to_be_visible()
    page.get_by_role("button", name="发布评分").click()
    expect(page.get_by_role("alert").filter(has_text="已发布")).to_be_visible()
    expect(page.locator(".badge", has_text="已发布")).to_be_visible()
    shots.take("published")

    review.refresh_from_db()
    assert review.status == OrganisationReview.Status.PUBLISHED
    assert (review.scored_by, review.confirmed_by) == (
        site.world.unit_a_reviewer,
        site.world.wc_reviewer,
    )
    score = ItemScore.objects.get(review=review, item=row.item)
    assert (score.score, score.reason) == (lowered, REASON)
    actions = list(
        AuditEntry.objects.filter(object_id=str(review.pk), action__startswith="review.")
        .order_by("pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("review.start", "unit_a_reviewer"),
        ("review.score", "unit_a_reviewer"),
        ("review.submit", "unit_a_reviewer"),
        ("review.confirm", "wc_reviewer"),
        ("review.publish", "wc_reviewer"),
    ]
    assert console_errors == [], "\n".join(console_errors)


def test_it_shows_the_branch_officer_the_published_score_and_its_reason(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    shots = Shots(page, "assessment-officer")
    branch = site.world.branch_a
    review = publish_review(site, branch, current_quarter(site.today), REASON)
    deducted = review.scores.select_related("item").exclude(reason="").get()

    sign_in(page, live_server.url, "officer_a")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="组织体系").click()
    page.get_by_role("link", name=branch.name, exact=True).click()
    expect(page.get_by_role("heading", name=branch.name, level=1)).to_be_visible()
    shots.take("organisation")

    page.get_by_role("link", name="季度检查得分").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("季度检查得分")
    section = page.get_by_role("region", name=str(review.round))
    scored = section.get_by_role("row").filter(has_text=deducted.item.ref)
    expect(scored).to_contain_text(REASON)
    expect(scored).to_contain_text(
        f"{deducted.score.normalize():f} / {deducted.max_points.normalize():f}"
    )
    expect(scored).to_have_class(re.compile(r"\btable-warning\b"))
    shots.take("scores")
    page.set_viewport_size(PHONE)
    expect(scored).to_contain_text(REASON)
    shots.take("scores-phone")
    assert console_errors == [], "\n".join(console_errors)


def summary_row(path: Path, organisation_name: str) -> dict[str, object]:
    book = load_workbook(path, read_only=True)
    rows = book["汇总"].iter_rows(values_only=True)
    header = next(rows)
    found = [dict(zip(header, row, strict=True)) for row in rows if organisation_name in row]
    book.close()
    assert len(found) == 1, f"{organisation_name} appears {len(found)} times in 汇总"
    return found[0]


def test_it_lets_the_admin_compute_publish_and_export_the_annual_results(
    page: Page, live_server, site: Site, console_errors: list[str], tmp_path: Path
) -> None:
    shots = Shots(page, "assessment-results")
    branch = site.world.branch_a
    publish_review(site, branch, current_quarter(site.today))

    sign_in(page, live_server.url, "admin")
    open_assessment_menu(page, "年度考核结果")
    expect(page.get_by_role("heading", name=f"{site.year.year}年度考核结果")).to_be_visible()
    shots.take("empty")

    page.get_by_role("button", name="计算 / 重新计算").click()
    expect(page.get_by_role("alert").filter(has_text="计算完成")).to_be_visible()
    result = AnnualResult.objects.get(organisation=branch, year=site.year, is_current=True)
    branch_row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name=branch.name, exact=True)
    )
    expect(branch_row).to_contain_text(f"{result.composite:.2f}")
    expect(branch_row).to_contain_text("未发布")
    shots.take("computed")

    page.get_by_role("button", name="发布当前结果").click()
    expect(
        page.get_by_role("alert").filter(has_text=re.compile(r"已发布 \d+ 个结果"))
    ).to_be_visible()
    expect(branch_row).to_contain_text("已发布")
    shots.take("published")

    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename == f"{site.year.year}年度机关党建考核结果.xlsx"
    saved = tmp_path / "results.xlsx"
    download.save_as(saved)

    result.refresh_from_db()
    assert result.published_at is not None
    assert result.quarterly_score is not None  # the published review counts
    row = summary_row(saved, branch.name)
    assert row["综合得分"] == pytest.approx(float(result.composite))
    assert row["等次"] == result.get_grade_display()
    assert row["发布时间"] is not None
    assert AuditEntry.objects.filter(action="export", actor=site.world.admin).count() == 1
    assert console_errors == [], "\n".join(console_errors)
