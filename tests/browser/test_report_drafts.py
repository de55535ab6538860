"""The drafted year-end report in headless Chromium (issue #20.4): the branch secretary drafts
it from the year's record, edits a section beside its facts and submits it; a rater reads each
section beside its facts and downloads the .docx. Screenshots land in
test-artifacts/screenshots/ (report-draft-*)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from docx import Document
from playwright.sync_api import Page, expect

from accountability.models import Finding
from assessment import services
from assessment.models import DutyReport
from tests.browser.conftest import Shots, sign_in
from tests.browser.pages import Site
from tests.browser.test_accessibility import blocking_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

EDIT = "支部委员会会议按月召开，会议记录和签到表均已归档。"


def test_a_secretary_drafts_edits_and_submits_and_a_rater_reads_it_beside_the_record(
    page: Page, live_server, site: Site, console_errors: list[str]
) -> None:
    world = site.world
    Finding.objects.create(
        organisation=world.branch_a,
        found_on=timezone.localdate() - datetime.timedelta(days=1),
        problem="主题党日活动记录缺少照片",
        recorded_by=world.wc_reviewer,
    )
    shots = Shots(page, "report-draft")
    sign_in(page, live_server.url, "officer_a")
    page.goto(live_server.url + reverse("report_edit", args=[world.branch_a.pk, site.year.year]))
    shots.take("empty")
    page.get_by_role("button", name="从年度记录生成草稿").click()
    expect(page.get_by_role("alert").filter(has_text="已根据年度记录生成草稿")).to_be_visible()
    organisation = page.get_by_role("region", name="3. 组织建设")
    expect(organisation).to_contain_text("年度记录")
    supervision = page.get_by_role("region", name="督查发现与整改")
    expect(supervision).to_contain_text("主题党日活动记录缺少照片")
    shots.take("drafted")
    assert blocking_violations(Axe().run(page).response) == []

    field = organisation.get_by_role("textbox")
    field.fill(field.input_value() + "\n" + EDIT)
    page.get_by_label("存在问题和下一步打算").fill(
        "存在问题：学习形式较单一。下一步：健全学习制度。"
    )
    page.get_by_role("button", name="提交述职报告").click()
    expect(page.get_by_role("alert").filter(has_text="述职报告已提交")).to_be_visible()
    report = DutyReport.objects.get(organisation=world.branch_a, year=site.year)
    assert report.submitted_at is not None
    edited = report.sections.get(key="组织建设")
    assert edited.text == edited.draft_text + "\n" + EDIT
    assert edited.is_edited
    untouched = report.sections.get(key="政治建设")
    assert not untouched.is_edited
    shots.take("submitted")

    services.report_raters_set(actor=world.wc_reviewer, report=report, raters=[world.officer_b])
    page.context.clear_cookies()
    sign_in(page, live_server.url, "officer_b")  # a rater from another unit
    page.goto(f"{live_server.url}{report.get_absolute_url()}")
    region = page.get_by_role("region", name="3. 组织建设")
    expect(region).to_contain_text(EDIT)
    expect(region.locator(".badge", has_text="已修改")).to_be_visible()
    expect(region).to_contain_text("年度记录")
    shots.take("rater")
    assert blocking_violations(Axe().run(page).response) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word 文档（.docx）").click()
    document = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert EDIT in text
    assert "主题党日活动记录缺少照片" in "\n".join(
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    )
    assert console_errors == []
