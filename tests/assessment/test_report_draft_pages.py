"""The drafted report's pages (issue #20.4): drafting and editing it, raters reading each section
beside its facts, and the .docx download read back with python-docx; then the same against the
seeded demo."""

from __future__ import annotations

import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from accountability.models import Rectification
from assessment.models import DutyReport, ItemScore
from assessment.report_docx import CONTENT_TYPE
from responsibility.models import Obligation, User
from tests.assessment.test_report_drafts import draft, record, section
from tests.factories import World

pytestmark = pytest.mark.django_db


def docx_text(response) -> str:
    """Every paragraph and table cell of a downloaded .docx, as python-docx reads it back."""
    assert response.status_code == 200
    assert response["Content-Type"] == CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def edit_url(world: World) -> str:
    return reverse("report_edit", args=[world.branch_a.pk, 2026])


class TestSecretary:
    def test_it_drafts_from_the_record_and_shows_each_section_beside_its_facts(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        record(world)
        client = as_user(world.officer_a)
        page = client.get(edit_url(world)).content.decode()
        assert "从年度记录生成草稿" in page
        response = client.post(reverse("report_draft", args=[world.branch_a.pk, 2026]))
        assert response.status_code == 302
        page = client.get(edit_url(world)).content.decode()
        report = DutyReport.objects.get(organisation=world.branch_a)
        organisation = section(report, "组织建设")
        assert f'name="section_{organisation.pk}"' in page
        assert "重新生成草稿" in page
        assert "补齐委员会会议签到表0" in page  # the rectification, beside its group
        assert "会议记录未签到0" in page  # the finding, in supervision
        assert "存在问题和下一步打算" in page

    def test_it_saves_the_edited_sections_and_keeps_them_on_a_conflict(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        report = draft(world)
        political = section(report, "政治建设")
        data = {
            "version": report.version,
            "text": "总体打算",
            f"section_{political.pk}": "书记亲自部署，逐项落实。",
            "save": "1",
        }
        client = as_user(world.officer_a)
        assert client.post(edit_url(world), data).status_code == 302
        assert section(report, "政治建设").text == "书记亲自部署，逐项落实。"
        stale = data | {f"section_{political.pk}": "我在另一个窗口写的"}
        response = client.post(edit_url(world), stale)
        page = response.content.decode()
        assert "已被他人修改" in page
        assert "我在另一个窗口写的" in page
        assert section(report, "政治建设").text == "书记亲自部署，逐项落实。"

    def test_an_untouched_section_stays_untouched_through_a_browsers_crlf(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        record(world)
        report = draft(world)
        organisation = section(report, "组织建设")
        data = {
            "version": report.version,
            f"section_{organisation.pk}": organisation.draft_text.replace("\n", "\r\n"),
            "save": "1",
        }
        assert as_user(world.officer_a).post(edit_url(world), data).status_code == 302
        assert not section(report, "组织建设").is_edited

    def test_a_reader_of_the_organisation_cannot_draft_it(self, active_world: World, as_user):
        world = active_world
        url = reverse("report_draft", args=[world.branch_a.pk, 2026])
        assert as_user(world.member).post(url).status_code == 403
        assert as_user(world.officer_b).post(url).status_code == 404
        assert not DutyReport.objects.exists()

    def test_it_says_why_a_submitted_report_is_not_drafted_again(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        report = draft(world)
        DutyReport.objects.filter(pk=report.pk).update(submitted_at="2026-12-01T10:00:00+08:00")
        client = as_user(world.officer_a)
        response = client.post(reverse("report_draft", args=[world.branch_a.pk, 2026]), follow=True)
        assert "述职报告已提交，不能重新生成草稿。" in response.content.decode()


class TestRaters:
    def test_a_rater_reads_the_sections_beside_the_facts_and_downloads_the_docx(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        record(world)
        report = draft(world)
        report.raters.set([world.officer_b])  # from outside the report's scope
        organisation = section(report, "组织建设")
        organisation.text = "三会一课按月召开，逐项对账。"
        organisation.save(update_fields=["text"])
        client = as_user(world.officer_b)
        page = client.get(report.get_absolute_url()).content.decode()
        assert "三会一课按月召开，逐项对账。" in page
        assert "已修改" in page
        assert "ZB-3-02" in page
        assert "补齐委员会会议签到表0" in page
        text = docx_text(client.get(reverse("report_docx", args=[report.pk])))
        assert "甲厅第一党支部 2026年度述职报告" in text
        assert "三会一课按月召开，逐项对账。" in text
        assert "ZB-3-02" in text
        assert "2026-01-31、2026-02-28、2026-03-31" in text
        assert "补齐委员会会议签到表0" in text
        assert "会议记录未签到0" in text

    def test_hostile_text_is_escaped_on_the_page_and_cleaned_in_the_docx(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        report = draft(world)
        political = section(report, "政治建设")
        political.text = "<script>alert(1)</script>\x0b\x1f正文\ufffe"
        political.facts["checklist"][0]["content"] = "<img src=x onerror=alert(1)>"
        political.facts["checklist"][0]["links"] = [{"label": "1月", "url": "javascript:alert(1)"}]
        political.save()
        client = as_user(world.officer_a)
        page = client.get(report.get_absolute_url()).content.decode()
        assert "<script>alert(1)" not in page
        assert "<img src=x" not in page
        assert "javascript:" not in page
        text = docx_text(client.get(reverse("report_docx", args=[report.pk])))
        assert "<script>alert(1)</script>正文" in text

    def test_the_pages_issue_the_same_queries_for_a_bigger_report(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        record(world, world.branch_a, size=1)
        record(world, world.branch_a2, size=4)
        counts = []
        for organisation in (world.branch_a, world.branch_a2):
            report = draft(world, organisation)
            client = as_user(world.wc_reviewer)
            urls = [
                report.get_absolute_url(),
                reverse("report_edit", args=[organisation.pk, 2026]),
                reverse("report_docx", args=[report.pk]),
            ]
            sizes = []
            for url in urls:
                client.get(url)
                with CaptureQueriesContext(connection) as captured:
                    assert client.get(url).status_code == 200
                sizes.append(len(captured))
            counts.append(sizes)
        assert counts[0] == counts[1]


def test_it_drafts_the_seeded_reports_from_the_seeded_record(as_user) -> None:
    """The demo's reports are drafted from its record: every item's counts, the published
    deductions and the rectifications are the database's, and reach the .docx."""
    call_command("seed_demo", stdout=StringIO())
    report = DutyReport.objects.select_related("organisation", "year").get(
        organisation__code="CZT-ZB1"
    )
    sections = list(report.sections.all())
    assert report.drafted_at is not None
    assert sections[0].is_edited  # the demo's secretary edited the first section
    rows = {row["ref"]: row for s in sections for row in s.facts.get("checklist", [])}
    obligations = Obligation.objects.filter(organisation=report.organisation, year=report.year)
    assert set(rows) == set(obligations.values_list("item__ref", flat=True))
    for ref, row in rows.items():
        of_item = obligations.filter(item__ref=ref)
        assert row["obligations"] == of_item.count()
        assert row["done"] == of_item.filter(status="done").count()
        assert len(row["late_periods"]) == of_item.filter(status="done", is_late=True).count()
    deductions = ItemScore.objects.filter(
        review__organisation=report.organisation, review__status="published"
    ).exclude(score=F("max_points"))
    reasons = [d["reason"] for s in sections for d in s.facts.get("deductions", [])]
    assert sorted(reasons) == sorted(deductions.values_list("reason", flat=True))
    assert reasons
    problems = set(
        Rectification.objects.filter(organisation=report.organisation).values_list(
            "problem", flat=True
        )
    )
    drafted = {r["problem"] for s in sections for r in s.facts.get("rectifications", [])}
    assert drafted == problems
    assert problems
    reviewer = User.objects.get(username="reviewer")
    text = docx_text(as_user(reviewer).get(reverse("report_docx", args=[report.pk])))
    for ref in rows:
        assert ref in text
    for reason in reasons:
        assert reason in text
    for problem in problems:
        assert problem in text
    assert sections[0].text.splitlines()[-1] in text
