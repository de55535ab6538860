"""The admin's what-if (试算) in headless Chromium: a draft scheme previewed, then saved with its
preview (issue #20.7). Screenshots land in test-artifacts/screenshots/ (scheme-preview-*)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from assessment import results
from assessment.models import SchemePreview
from tests.assessment.test_whatif import fill
from tests.browser.conftest import Shots, sign_in
from tests.browser.pages import Site

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_it_lets_the_admin_preview_a_scheme_and_save_it_with_the_preview(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    shots = Shots(page, "scheme-preview")
    fill(site.year)
    results.results_compute(actor=None, year=site.year)

    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/assessment/scheme/{site.year.year}/")
    page.get_by_label("“好”最低分").fill("70")
    page.get_by_label("“较好”最低分").fill("40")
    page.get_by_label("“一般”最低分").fill("20")
    page.get_by_role("button", name="试算（不保存）").click()
    table = page.get_by_role("table", name="等次或排名将发生变化的组织")
    expect(table).to_be_visible()
    expect(table).to_contain_text("等次分数线")
    assert not SchemePreview.objects.exists()
    shots.take("previewed")

    page.get_by_role("button", name="保存方案").click()
    expect(page.get_by_role("alert").filter(has_text="保存时的试算结果已记录")).to_be_visible()
    record = SchemePreview.objects.get()
    assert record.was_shown
    assert record.changes
    shots.take("saved")
    assert console_errors == [], "\n".join(console_errors)
