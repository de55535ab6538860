"""Services of the responsibility lists: templates, generation, fill-in, evidence, history."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Sum

from responsibility import default_templates, periods, services
from responsibility.models import (
    AuditEntry,
    Checklist,
    ChecklistItem,
    Evidence,
    MeetingRecord,
    Obligation,
    TemplateItem,
    Tier,
)
from tests.factories import EXE_BYTES, PDF_BYTES, PNG_BYTES, World, make_evidence

JUNE = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_it_ships_templates_whose_points_sum_to_100_per_tier() -> None:
    shipped = default_templates.load()
    for kind in ("party_group", "organ_committee", "discipline_committee", "branch"):
        total = TemplateItem.objects.filter(tier__kind=kind, is_active=True).aggregate(
            total=Sum("points")
        )["total"]
        assert total == Decimal(100), kind
        assert TemplateItem.objects.filter(tier__kind=kind).count() == len(shipped[kind])


@pytest.mark.django_db
def test_it_includes_the_recurring_branch_duties_with_their_frequencies() -> None:
    branch = {i.content: i.frequency for i in TemplateItem.objects.filter(tier__kind="branch")}
    assert any("支部党员大会" in c and f == "quarterly" for c, f in branch.items())
    assert any("支部委员会" in c and f == "monthly" for c, f in branch.items())
    assert any("主题党日" in c and f == "monthly" for c, f in branch.items())


@pytest.mark.django_db
def test_it_reloads_default_templates_idempotently() -> None:
    before = TemplateItem.objects.count()
    services.default_templates_load(actor=None)
    assert TemplateItem.objects.count() == before


def test_it_splits_a_year_into_periods() -> None:
    assert len(periods.periods("monthly", 2026)) == 12
    quarters = periods.periods("quarterly", 2026)
    assert [(p.start.month, p.end.month, p.end.day) for p in quarters] == [
        (1, 3, 31),
        (4, 6, 30),
        (7, 9, 30),
        (10, 12, 31),
    ]
    q1 = quarters[0]
    assert periods.due_date("quarterly", q1, 10) == datetime.date(2026, 4, 10)
    whole = periods.periods("once", 2026)[0]
    assert periods.due_date("once", whole, 30) == datetime.date(2026, 1, 31)
    assert periods.periods("monthly", 2024)[1].end == datetime.date(2024, 2, 29)


@pytest.mark.django_db
def test_it_generates_each_obligation_once(active_world: World) -> None:
    year = active_world.year
    expected = 0
    for item in ChecklistItem.objects.filter(checklist__year=year):
        expected += len(periods.periods(item.frequency, year.year))
    assert Obligation.objects.filter(year=year).count() == expected
    assert services.obligations_generate(year=year) == 0
    assert Obligation.objects.filter(year=year).count() == expected
    # Every organisation with a checklist tier got one, and only those.
    with_lists = set(
        Checklist.objects.filter(year=year).values_list("organisation__code", flat=True)
    )
    assert with_lists == {"A-DZ", "A-JGDW", "A-ZB1", "A-ZB2", "B-DZ", "B-JGDW", "B-ZB1"}


@pytest.mark.django_db
def test_it_regenerates_without_losing_fill_in(active_world: World) -> None:
    item = ChecklistItem.objects.get(checklist__organisation=active_world.branch_a, ref="ZB-3-02")
    assert item.frequency == "monthly"
    january = item.obligations.get(period_start=datetime.date(2026, 1, 1))
    with time_machine.travel(datetime.datetime(2026, 2, 3, 9, tzinfo=datetime.UTC), tick=False):
        services.obligation_fill(
            actor=active_world.officer_a,
            obligation=january,
            version=january.version,
            status="done",
            completed_on=datetime.date(2026, 1, 20),
            description="一月支委会",
            meeting=services.MeetingInput(datetime.date(2026, 1, 20), "一月支委会", 2, 2, ""),
        )
    admin = active_world.admin
    item.refresh_from_db()
    services.checklist_item_update(
        actor=admin, item=item, version=item.version, frequency="quarterly"
    )
    labels = list(item.obligations.order_by("period_start").values_list("period_label", "status"))
    # The filled January obligation survives; untouched monthly ones are gone; quarters exist.
    assert ("1月", "done") in labels
    assert [label for label, _ in labels if label.endswith("季度")] == [
        "第一季度",
        "第二季度",
        "第三季度",
        "第四季度",
    ]
    assert len(labels) == 5
    assert AuditEntry.objects.filter(
        action="checklist_item.update", object_id=str(item.pk)
    ).exists()


@pytest.mark.django_db
def test_it_refuses_a_duplicate_obligation_in_the_database(active_world: World) -> None:
    obligation = Obligation.objects.filter(organisation=active_world.branch_a).first()
    duplicate = Obligation(
        item=obligation.item,
        organisation=obligation.organisation,
        year=obligation.year,
        period_start=obligation.period_start,
        period_end=obligation.period_end,
        period_label="x",
        due_date=obligation.due_date,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def quarterly_meeting(world: World) -> Obligation:
    """The branch members' meeting (支部党员大会) for the second quarter of branch A."""
    return Obligation.objects.select_related("item", "year", "organisation").get(
        organisation=world.branch_a, item__ref="ZB-3-01", period_label="第二季度"
    )


@pytest.mark.django_db
class TestFill:
    def fill(self, world: World, obligation: Obligation, **overrides):
        values = {
            "actor": world.officer_a,
            "obligation": obligation,
            "version": obligation.version,
            "status": "done",
            "completed_on": datetime.date(2026, 6, 10),
            "description": "召开第二季度党员大会",
            "meeting": services.MeetingInput(datetime.date(2026, 6, 10), "党员大会", 2, 2, "纪要"),
        }
        values.update(overrides)
        return services.obligation_fill(**values)

    @time_machine.travel(JUNE, tick=False)
    def test_it_records_completion_meeting_and_history(self, active_world: World) -> None:
        obligation = quarterly_meeting(active_world)
        version = obligation.version
        filled = self.fill(active_world, obligation)
        assert filled.status == "done"
        assert not filled.is_late
        assert filled.version == version + 1
        assert MeetingRecord.objects.get(obligation=filled).has_quorum
        entry = AuditEntry.objects.get(action="obligation.fill", object_id=str(filled.pk))
        assert entry.actor == active_world.officer_a
        assert entry.changes["status"] == ["not_started", "done"]

    @time_machine.travel(JUNE, tick=False)
    def test_it_refuses_a_meeting_without_quorum(self, active_world: World) -> None:
        obligation = quarterly_meeting(active_world)
        with pytest.raises(services.ServiceError, match="一半"):
            self.fill(
                active_world,
                obligation,
                meeting=services.MeetingInput(datetime.date(2026, 6, 10), "党员大会", 2, 1, ""),
            )
        obligation.refresh_from_db()
        assert obligation.status == "not_started"

    @time_machine.travel(JUNE, tick=False)
    def test_it_detects_a_concurrent_edit(self, active_world: World) -> None:
        obligation = quarterly_meeting(active_world)
        stale_version = obligation.version
        self.fill(active_world, obligation)
        stale = quarterly_meeting(active_world)
        with pytest.raises(services.ConcurrentEditError):
            self.fill(active_world, stale, version=stale_version, description="后来者")
        stale.refresh_from_db()
        assert stale.description == "召开第二季度党员大会"

    def test_it_keeps_a_permanent_late_mark(self, active_world: World) -> None:
        obligation = quarterly_meeting(active_world)  # due 2026-07-10
        with time_machine.travel(datetime.datetime(2026, 7, 12, 9, tzinfo=datetime.UTC)):
            late = self.fill(active_world, obligation, completed_on=datetime.date(2026, 7, 11))
            assert late.is_late
            again = self.fill(
                active_world, late, version=late.version, completed_on=datetime.date(2026, 7, 1)
            )
        assert again.is_late

    def test_it_closes_entry_after_grace_and_reopens_with_a_reason(
        self, active_world: World
    ) -> None:
        obligation = quarterly_meeting(active_world)  # due 2026-07-10, grace 5 days
        with time_machine.travel(datetime.datetime(2026, 7, 20, 9, tzinfo=datetime.UTC)):
            with pytest.raises(services.EntryClosedError):
                self.fill(active_world, obligation)
            with pytest.raises(services.ServiceError):
                services.obligation_reopen(
                    actor=active_world.unit_a_reviewer, obligation=obligation, reason=" "
                )
            reopened = services.obligation_reopen(
                actor=active_world.unit_a_reviewer, obligation=obligation, reason="会议记录补录"
            )
            filled = self.fill(active_world, reopened, version=reopened.version)
        assert filled.status == "done"
        assert filled.is_late
        entry = AuditEntry.objects.get(action="obligation.reopen")
        assert entry.changes["reason"] == [None, "会议记录补录"]

    @time_machine.travel(JUNE, tick=False)
    def test_it_requires_a_reason_for_not_applicable(self, active_world: World) -> None:
        obligation = quarterly_meeting(active_world)
        with pytest.raises(services.ServiceError, match="不适用"):
            self.fill(active_world, obligation, status="not_applicable", meeting=None)

    @time_machine.travel(JUNE, tick=False)
    def test_it_refuses_entry_in_a_closed_year(self, active_world: World) -> None:
        services.year_close(actor=None, year=active_world.year)
        obligation = quarterly_meeting(active_world)
        with pytest.raises(services.EntryClosedError):
            self.fill(active_world, obligation)


@pytest.mark.django_db
class TestEvidence:
    def test_it_stores_a_pdf_with_its_hash(self, active_world: World) -> None:
        evidence = make_evidence(active_world.branch_a)
        assert evidence.content_type == "application/pdf"
        assert len(evidence.sha256) == 64
        assert evidence.file.read() == PDF_BYTES

    @pytest.mark.parametrize(
        ("name", "content", "message"),
        [
            ("工具.pdf", EXE_BYTES, "不是允许的类型"),
            ("照片.pdf", PNG_BYTES, "扩展名与实际内容"),
            ("空.pdf", b"", "空文件"),
        ],
    )
    def test_it_refuses_files_that_lie_or_are_empty(
        self, active_world: World, name: str, content: bytes, message: str
    ) -> None:
        upload = SimpleUploadedFile(name, content)
        with pytest.raises(services.EvidenceRejected, match=message):
            services.evidence_upload(
                actor=active_world.officer_a, organisation=active_world.branch_a, upload=upload
            )
        assert Evidence.objects.count() == 0

    def test_it_refuses_an_oversized_file(self, active_world: World, settings) -> None:
        settings.EVIDENCE_MAX_BYTES = 1024
        upload = SimpleUploadedFile("大.pdf", PDF_BYTES + b"0" * 2048)
        with pytest.raises(services.EvidenceRejected, match="超过大小上限"):
            services.evidence_check(upload)

    @time_machine.travel(JUNE, tick=False)
    def test_it_lets_one_file_support_several_obligations(self, active_world: World) -> None:
        evidence = make_evidence(active_world.branch_a)
        first, second = Obligation.objects.filter(
            organisation=active_world.branch_a, item__ref="ZB-3-02"
        ).order_by("period_start")[5:7]
        for obligation in (first, second):
            services.obligation_fill(
                actor=active_world.officer_a,
                obligation=obligation,
                version=obligation.version,
                status="in_progress",
                completed_on=None,
                description="",
                evidence=[evidence],
            )
        assert evidence.obligations.count() == 2


@pytest.mark.django_db
def test_it_locks_the_checklist_for_supervisors_once_the_year_starts(active_world: World) -> None:
    item = ChecklistItem.objects.filter(checklist__organisation=active_world.branch_a).first()
    with pytest.raises(services.ServiceError, match="锁定"):
        services.checklist_item_update(
            actor=active_world.unit_a_reviewer, item=item, version=item.version, points=Decimal(1)
        )


@pytest.mark.django_db
def test_it_lets_supervisors_adjust_before_the_year_starts(world: World) -> None:
    year = services.year_create(actor=None, year=2027)
    services.checklists_create(actor=None, year=year)
    item = ChecklistItem.objects.filter(
        checklist__organisation=world.branch_a, checklist__year=year
    ).first()
    loaded_version = item.version
    services.checklist_item_update(
        actor=world.unit_a_reviewer, item=item, version=loaded_version, content="调整后的内容"
    )
    with pytest.raises(services.ConcurrentEditError):
        services.checklist_item_update(
            actor=world.unit_a_reviewer, item=item, version=loaded_version, content="过期的版本"
        )
    item.refresh_from_db()
    assert item.content == "调整后的内容"
    entry = AuditEntry.objects.get(action="checklist_item.update")
    assert entry.changes["content"][1] == "调整后的内容"
    assert Tier.objects.get(kind="branch").has_checklist


@pytest.mark.django_db
def test_it_handles_opinions_from_submission_to_acknowledgement(active_world: World) -> None:
    opinion = services.opinion_submit(
        actor=active_world.officer_a,
        organisation=active_world.branch_a,
        year=active_world.year,
        content="建议加强培训",
    )
    services.opinion_acknowledge(actor=active_world.unit_a_reviewer, opinion=opinion, reply="收到")
    with pytest.raises(services.ServiceError, match="签收"):
        services.opinion_submit(
            actor=active_world.officer_a,
            organisation=active_world.branch_a,
            year=active_world.year,
            content="再改",
        )
