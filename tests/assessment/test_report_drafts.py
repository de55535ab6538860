"""Drafted year-end reports (issue #20.4): sections drafted from the year's record, the
secretary's edits kept beside the frozen facts, the .docx read back with python-docx."""

from __future__ import annotations

import datetime

import pytest

from accountability.models import Finding, Rectification
from assessment import results, services
from assessment.models import DutyReport, LedgerEntry
from assessment.report_drafts import FACT_SOURCES, SectionKey, register
from responsibility.models import AuditEntry, Obligation, Organisation, Year
from responsibility.services import ConcurrentEditError
from tests.factories import World

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)


def record(world: World, organisation: Organisation | None = None, *, size: int = 1) -> None:
    """A year's record for branch A: `size` scales how much of it there is."""
    organisation = organisation or world.branch_a
    monthly = Obligation.objects.filter(
        organisation=organisation, year=world.year, item__ref="ZB-3-02"
    ).order_by("period_start")
    done = list(monthly[: 3 * size])
    for n, obligation in enumerate(done):
        Obligation.objects.filter(pk=obligation.pk).update(
            status="done",
            completed_on=obligation.period_end,
            is_late=n == 0,
        )
    for n in range(size):
        Finding.objects.create(
            organisation=organisation,
            found_on=datetime.date(2026, 5, 10 + n),
            problem=f"会议记录未签到{n}",
            recorded_by=world.wc_reviewer,
        )
        Rectification.objects.create(
            year=world.year,
            organisation=organisation,
            source_type="obligation",
            source_id=done[n].pk,
            problem=f"补齐委员会会议签到表{n}",
            deadline=datetime.date(2026, 11, 30),
            created_by=world.wc_reviewer,
        )
        Rectification.objects.create(
            year=world.year,
            organisation=organisation,
            source_type="manual",
            problem=f"健全党费台账{n}",
            deadline=datetime.date(2027, 1, 31),
            state="in_progress",
            created_by=world.wc_reviewer,
        )


def draft(world: World, organisation: Organisation | None = None) -> DutyReport:
    organisation = organisation or world.branch_a
    report = DutyReport.objects.filter(organisation=organisation, year=world.year).first()
    return services.report_draft(
        actor=world.officer_a,
        organisation=organisation,
        year=world.year,
        version=report.version if report else None,
        today=TODAY,
    )


def section(report: DutyReport, key: str):
    return report.sections.get(key=key)


def item_fact(report: DutyReport, ref: str) -> dict:
    for s in report.sections.all():
        for row in s.facts.get("checklist", []):
            if row["ref"] == ref:
                return row
    raise AssertionError(ref)


class TestDraft:
    def test_it_drafts_each_group_from_the_years_record(self, active_world: World) -> None:
        world = active_world
        record(world)
        report = draft(world)
        keys = list(report.sections.values_list("key", flat=True))
        assert keys[:5] == ["政治建设", "思想建设", "组织建设", "作风建设", "纪律建设"]
        assert keys[-1] == SectionKey.SUPERVISION
        meetings = item_fact(report, "ZB-3-02")
        assert meetings["obligations"] == 12
        assert meetings["done"] == 3
        assert meetings["late_periods"] == ["1月"]
        # Due before 6 December and still open: missed; December's: not due yet.
        assert meetings["missed_periods"] == [
            "4月",
            "5月",
            "6月",
            "7月",
            "8月",
            "9月",
            "10月",
            "11月",
        ]
        assert meetings["pending"] == 1
        assert meetings["done_on"] == ["2026-01-31", "2026-02-28", "2026-03-31"]
        first = Obligation.objects.filter(organisation=world.branch_a, item__ref="ZB-3-02")
        assert meetings["links"][0]["url"] == first.order_by("period_start")[0].get_absolute_url()
        organisation = section(report, "组织建设")
        # A rectification of an obligation sits beside that obligation's group ...
        assert [r["problem"] for r in organisation.facts["rectifications"]] == [
            "补齐委员会会议签到表0"
        ]
        assert organisation.facts["rectifications"][0]["state"] == "逾期"
        # ... the others, and the findings, in supervision.
        supervision = section(report, SectionKey.SUPERVISION)
        assert [r["problem"] for r in supervision.facts["rectifications"]] == ["健全党费台账0"]
        assert supervision.facts["findings"][0]["problem"] == "会议记录未签到0"
        assert "ZB-3-02" in organisation.draft_text
        assert "应完成 12 次，已完成 3 次" in organisation.draft_text
        assert "逾期完成：1月" in organisation.draft_text
        assert "补齐委员会会议签到表0（逾期，整改期限 2026-11-30）。" in organisation.draft_text
        assert organisation.text == organisation.draft_text
        assert report.drafted_at is not None
        entry = AuditEntry.objects.filter(action="report.draft").get()
        assert "组织建设" in entry.changes["sections"]

    def test_it_takes_deductions_from_published_reviews_only(self, assessed_world: World) -> None:
        world = assessed_world
        review = services.review_start(
            actor=world.wc_reviewer, review_round=world.round, organisation=world.branch_a
        )
        row = review.scores.get(item__ref="ZB-3-02")
        services.review_scores_save(
            actor=world.wc_reviewer,
            review=review,
            version=review.version,
            scores=[services.ScoreInput(row.item_id, row.max_points - 1, "未公开的扣分")],
        )
        report = draft(world)
        assert "deductions" not in section(report, "组织建设").facts
        services.review_transition(actor=world.wc_reviewer, review=review, action="submit")
        services.review_transition(actor=world.wc_reviewer2, review=review, action="confirm")
        services.review_transition(actor=world.wc_reviewer2, review=review, action="publish")
        report = draft(world)
        deductions = section(report, "组织建设").facts["deductions"]
        assert deductions == [
            {"quarter": "第二季度", "ref": "ZB-3-02", "lost": "1.00", "reason": "未公开的扣分"}
        ]
        assert "第二季度 ZB-3-02 扣 1.00 分：未公开的扣分。" in section(report, "组织建设").text

    def test_it_shows_the_ledger_once_the_result_is_published(self, active_world: World) -> None:
        world = active_world
        for status, reason in (("approved", "获评先进党支部"), ("pending", "待审批的加分")):
            LedgerEntry.objects.create(
                organisation=world.branch_a,
                year=world.year,
                kind="bonus",
                points=2,
                reason=reason,
                status=status,
                proposed_by=world.wc_reviewer,
                decided_by=world.unit_a_reviewer if status == "approved" else None,
            )
        report = draft(world)
        assert not report.sections.filter(key=SectionKey.LEDGER).exists()
        results.results_compute(actor=None, year=world.year)
        results.results_publish(actor=None, year=world.year)
        report = draft(world)
        entries = section(report, SectionKey.LEDGER).facts["entries"]
        assert [e["reason"] for e in entries] == ["获评先进党支部"]
        assert entries[0]["kind"] == "加分"

    def test_drafting_again_refreshes_the_facts_and_keeps_the_edits(
        self, active_world: World
    ) -> None:
        world = active_world
        report = draft(world)
        political, organisation = section(report, "政治建设"), section(report, "组织建设")
        services.report_save(
            actor=world.officer_a,
            organisation=world.branch_a,
            year=world.year,
            text="下一步打算",
            version=report.version,
            sections={political.pk: "我们自己写的政治建设部分"},
        )
        record(world)
        report = draft(world)
        assert section(report, "政治建设").text == "我们自己写的政治建设部分"
        refreshed = section(report, "组织建设")
        assert refreshed.text == refreshed.draft_text != organisation.draft_text
        assert "已完成 3 次" in refreshed.text
        entry = AuditEntry.objects.filter(action="report.draft").order_by("-pk")[0]
        assert entry.changes["kept_edits"] == ["政治建设"]

    def test_an_edited_section_the_record_no_longer_yields_keeps_its_text(
        self, active_world: World
    ) -> None:
        world = active_world
        record(world)
        report = draft(world)
        supervision = section(report, SectionKey.SUPERVISION)
        services.report_save(
            actor=world.officer_a,
            organisation=world.branch_a,
            year=world.year,
            text="",
            version=report.version,
            sections={supervision.pk: "督查指出的问题已全部整改。"},
        )
        Finding.objects.all().delete()
        Rectification.objects.all().delete()
        report = draft(world)
        kept = section(report, SectionKey.SUPERVISION)
        assert kept.text == "督查指出的问题已全部整改。"
        assert kept.facts == {}
        assert list(report.sections.values_list("key", flat=True))[-1] == SectionKey.SUPERVISION

    def test_the_submitted_report_keeps_the_facts_the_draft_and_the_edits(
        self, active_world: World
    ) -> None:
        world = active_world
        record(world)
        report = draft(world)
        organisation = section(report, "组织建设")
        facts, drafted = organisation.facts, organisation.draft_text
        services.report_save(
            actor=world.officer_a,
            organisation=world.branch_a,
            year=world.year,
            text="",
            version=report.version,
            sections={organisation.pk: drafted + "\n会议均有记录。"},
            submit=True,
            today=TODAY,
        )
        kept = section(DutyReport.objects.get(pk=report.pk), "组织建设")
        assert (kept.facts, kept.draft_text) == (facts, drafted)
        assert kept.text.endswith("会议均有记录。")
        assert kept.is_edited
        with pytest.raises(services.AssessmentError, match="已提交"):
            draft(world)

    def test_an_empty_drafted_report_cannot_be_submitted(self, active_world: World) -> None:
        world = active_world
        report = draft(world)
        with pytest.raises(services.AssessmentError, match="提交前请填写"):
            services.report_save(
                actor=world.officer_a,
                organisation=world.branch_a,
                year=world.year,
                text=" ",
                version=report.version,
                sections={s.pk: "" for s in report.sections.all()},
                submit=True,
                today=TODAY,
            )

    def test_it_refuses_a_draft_over_someone_elses_save(self, active_world: World) -> None:
        world = active_world
        report = draft(world)
        services.report_save(
            actor=world.officer_a,
            organisation=world.branch_a,
            year=world.year,
            text="先保存",
            version=report.version,
        )
        with pytest.raises(ConcurrentEditError):
            services.report_draft(
                actor=world.officer_a,
                organisation=world.branch_a,
                year=world.year,
                version=report.version,
                today=TODAY,
            )

    def test_it_drafts_with_the_same_queries_for_a_bigger_record(
        self, active_world: World, django_assert_num_queries
    ) -> None:
        world = active_world
        record(world, world.branch_a, size=1)
        record(world, world.branch_a2, size=3)
        # The report, its compare-and-swap and version mark; four reads of the record and two of
        # supervision; the sections read, deleted and written; the audit entry; a savepoint pair.
        publish_free = 16
        for organisation in (world.branch_a, world.branch_a2):
            draft(world, organisation)  # the report exists: both drafts update it
        for organisation in (world.branch_a, world.branch_a2):
            report = DutyReport.objects.get(organisation=organisation)
            with django_assert_num_queries(publish_free):
                services.report_draft(
                    actor=world.officer_a,
                    organisation=organisation,
                    year=world.year,
                    version=report.version,
                    today=TODAY,
                )
        small = DutyReport.objects.get(organisation=world.branch_a)
        big = DutyReport.objects.get(organisation=world.branch_a2)
        assert len(section(big, SectionKey.SUPERVISION).facts["findings"]) == 3
        assert len(section(small, SectionKey.SUPERVISION).facts["findings"]) == 1

    def test_a_registered_source_adds_its_section(
        self, active_world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The seam for people's own duties (#19): a source returning the personal key."""

        def duties(organisation: Organisation, year: Year, today: datetime.date) -> dict:
            row = {"content": "带头讲党课", "required": 1, "done": 1, "late": 0}
            return {SectionKey.PERSONAL.value: {"duties": [row]}, "unknown": {"findings": []}}

        monkeypatch.setattr("assessment.report_drafts.FACT_SOURCES", list(FACT_SOURCES))
        register(duties)
        report = draft(active_world)
        personal = section(report, SectionKey.PERSONAL)
        assert personal.title == "个人履责"
        assert "带头讲党课：应完成 1 次，已完成 1 次（逾期 0 次）。" in personal.text
