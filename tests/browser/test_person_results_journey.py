"""The person-level assessment in headless Chromium (个人抓党建考核, issue #19.3): the admin
publishes the year's results and opens a person's result from the person results list; the
person, whose grade a case caps, reads their own result with the neutral note and no trace of
the case. Screenshots land in test-artifacts/screenshots/ (person-results-*)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accountability import services as accountability_services
from accountability.models import AccountabilityCase
from assessment import results
from assessment.models import PersonResult, Scheme
from tests.browser.conftest import Shots, sign_in
from tests.browser.pages import Site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CASE_REASON = "履职不力的问责事由"


def test_it_lets_the_admin_trace_a_person_result_and_the_person_read_their_own(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    shots = Shots(page, "person-results")
    world = site.world
    # Every grade is "好" before the cap, so the case's cap shows.
    Scheme.objects.filter(year=site.year).update(good_min=0, fairly_good_min=0, average_min=0)
    accountability_services.case_create(
        actor=world.admin,
        data=accountability_services.CaseInput(
            year=site.year,
            target_type=AccountabilityCase.TargetType.PERSON,
            organisation=world.branch_a,
            person=world.officer_a,
            form=AccountabilityCase.Form.ADMONISH,
            reason=CASE_REASON,
            decided_on=site.today,
        ),
    )
    results.results_compute(actor=None, year=site.year)
    results.results_publish(actor=None, year=site.year)
    result = PersonResult.objects.get(person=world.officer_a, is_current=True)
    assert result.grade == "average"

    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/assessment/people/results/{site.year.year}/")
    expect(
        page.get_by_role("heading", name=f"{site.year.year}年度个人抓党建考核结果")
    ).to_be_visible()
    shots.take("list")
    page.get_by_role("link", name=world.officer_a.display_name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.officer_a.display_name)
    expect(page.get_by_role("link", name=world.branch_a.name, exact=True)).to_be_visible()
    expect(page.get_by_text(CASE_REASON, exact=False)).to_have_count(0)  # the cap says 被问责
    expect(page.get_by_text("被问责", exact=False)).to_be_visible()
    shots.take("detail-admin")

    page.context.clear_cookies()
    sign_in(page, live_server.url, "officer_a")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的考核").click()
    expect(page.get_by_role("heading", name="我的个人抓党建考核结果")).to_be_visible()
    page.get_by_role("link", name=str(site.year.year), exact=True).click()
    expect(page.get_by_text("等次按有关规定确定").first).to_be_visible()
    expect(page.get_by_text("被问责", exact=False)).to_have_count(0)
    expect(page.get_by_text("诫勉", exact=False)).to_have_count(0)
    shots.take("detail-self")
    assert console_errors == []
