"""As-needed duties (适时、根据工作需要): no scheduled obligations, occurrences recorded when they
happen, scored like done obligations, never chased."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from responsibility import periods, services
from responsibility.models import AuditEntry, ChecklistItem, Evidence, Obligation
from responsibility.models.checklists import Frequency
from tests.factories import World
from tests.permissions_support import as_needed_item_of, item_of
from tests.responsibility.test_checklist_views import PDF_BYTES

pytestmark = pytest.mark.django_db
JUNE_10 = datetime.date(2026, 6, 10)


def test_it_schedules_nothing_for_an_as_needed_duty() -> None:
    assert periods.periods(Frequency.AS_NEEDED, 2026) == []


def test_regeneration_creates_none_and_keeps_what_was_recorded(
    active_world: World, in_june
) -> None:
    item = as_needed_item_of(active_world.branch_a)
    services.obligations_generate(year=active_world.year)
    assert not item.obligations.exists()
    recorded = services.occurrence_record(
        actor=active_world.officer_a, item=item, held_on=JUNE_10, description="专题会议"
    )
    services.obligations_generate(year=active_world.year)
    assert list(item.obligations.all()) == [recorded]


def test_an_officer_records_an_occurrence_with_evidence(
    active_world: World, as_user, in_june
) -> None:
    item = as_needed_item_of(active_world.branch_a)
    client = as_user(active_world.officer_a)
    checklist = client.get(reverse("checklist_detail", args=[active_world.branch_a.pk, 2026]))
    record_url = reverse("occurrence_create", args=[item.pk])
    assert record_url in checklist.content.decode()
    upload = SimpleUploadedFile("会议纪要.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        record_url, {"held_on": "2026-06-10", "description": "研究部署专题工作", "files": [upload]}
    )
    obligation = Obligation.objects.get(item=item)
    assert response.status_code == 302
    assert response.url == obligation.get_absolute_url()
    assert obligation.status == Obligation.Status.DONE
    assert obligation.completed_on == obligation.due_date == JUNE_10
    assert not obligation.is_late
    assert [e.original_name for e in obligation.evidence.all()] == ["会议纪要.pdf"]
    entry = AuditEntry.objects.get(action="obligation.occurrence")
    assert entry.actor == active_world.officer_a
    # Recorded occurrences are listed on the page, and the second one that day is refused.
    page = client.get(record_url)
    assert "2026-06-10" in page.content.decode()
    again = client.post(record_url, {"held_on": "2026-06-10", "description": "同一天"})
    assert again.status_code == 200
    assert "已记录过一次" in again.content.decode()
    assert "同一天" in again.content.decode()  # what was typed stays


@pytest.mark.parametrize(
    ("held_on", "message"),
    [("2025-12-31", "不能早于2026年1月1日"), ("2026-06-16", "不能晚于今天")],
)
def test_it_refuses_implausible_dates_and_stores_nothing(
    active_world: World, as_user, in_june, held_on: str, message: str
) -> None:
    item = as_needed_item_of(active_world.branch_a)
    client = as_user(active_world.officer_a)
    upload = SimpleUploadedFile("纪要.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("occurrence_create", args=[item.pk]),
        {"held_on": held_on, "description": "会议", "files": [upload]},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Obligation.objects.filter(item=item).exists()
    assert not Evidence.objects.exists()


def test_only_as_needed_items_take_occurrences(active_world: World, as_user, in_june) -> None:
    scheduled = item_of(active_world.branch_a)
    with pytest.raises(services.ServiceError, match="固定频次"):
        services.occurrence_record(
            actor=active_world.officer_a, item=scheduled, held_on=JUNE_10, description="x"
        )
    response = as_user(active_world.officer_a).get(
        reverse("occurrence_create", args=[scheduled.pk])
    )
    assert response.status_code == 404


def test_the_checklist_offers_recording_only_to_those_who_fill(
    active_world: World, as_user, in_june
) -> None:
    item = as_needed_item_of(active_world.branch_a)
    url = reverse("checklist_detail", args=[active_world.branch_a.pk, 2026])
    record_url = reverse("occurrence_create", args=[item.pk])
    assert record_url not in as_user(active_world.member).get(url).content.decode()
    assert record_url not in as_user(active_world.unit_a_reviewer).get(url).content.decode()


def test_occurrences_count_in_the_process_score_and_none_is_not_a_miss(
    active_world: World, in_june
) -> None:
    from assessment import scoring
    from tests.assessment.test_scoring import RULES

    item = as_needed_item_of(active_world.branch_a)
    ChecklistItem.objects.filter(pk=item.pk).update(points=Decimal(10))
    item.refresh_from_db()
    rules = RULES

    def facts() -> list[scoring.ObligationFact]:
        return [
            scoring.ObligationFact(
                item_id=o.item_id,
                item_points=Decimal(10),
                status=o.status,
                is_late=o.is_late,
                has_evidence=o.evidence.exists(),
                due_date=o.due_date,
                period_end=o.period_end,
            )
            for o in Obligation.objects.filter(item=item)
        ]

    nothing = scoring.process_score(facts(), rules, as_of=datetime.date(2026, 6, 15))
    assert item.pk not in nothing.items  # none recorded: left out, not counted as missed
    services.occurrence_record(
        actor=active_world.officer_a, item=item, held_on=JUNE_10, description="会议"
    )
    scored = scoring.process_score(facts(), rules, as_of=datetime.date(2026, 6, 15))
    row = scored.items[item.pk]
    assert (row.due, row.done, row.without_evidence) == (1, 1, 1)
    assert row.earned == Decimal(8)  # done, less the 20% for missing evidence


def test_evidence_can_follow_an_occurrence_days_later(
    active_world: World, as_user, in_june
) -> None:
    item = as_needed_item_of(active_world.branch_a)
    early = services.occurrence_record(
        actor=active_world.officer_a,
        item=item,
        held_on=datetime.date(2026, 5, 20),  # past its day plus the year's grace days
        description="专题会议",
    )
    page = as_user(active_world.officer_a).get(early.get_absolute_url()).content.decode()
    assert "填报已截止" not in page
    assert "截止 2026-05-20" not in page  # an occurrence has no deadline to show
    upload = SimpleUploadedFile("签到表.pdf", PDF_BYTES, content_type="application/pdf")
    services.obligation_fill(
        actor=active_world.officer_a,
        obligation=Obligation.objects.select_related("item", "year").get(pk=early.pk),
        version=early.version,
        status=Obligation.Status.DONE,
        completed_on=early.completed_on,
        description=early.description,
        uploads=[upload],
    )
    assert [e.original_name for e in early.evidence.all()] == ["签到表.pdf"]
