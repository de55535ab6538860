"""Accountability's section of the cadre record (issue #19.4): a case against a person shows on
their record and reference sheet only to the register's audience (domain.md §8a)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accountability import services
from accountability.models import AccountabilityCase
from responsibility.models import Post, Tier
from tests.factories import UserFactory, World, org, post

REASON = "违反中央八项规定精神-记录测试"


def admonish(world: World, person, organisation) -> AccountabilityCase:
    return services.case_create(
        actor=world.admin,
        data=services.CaseInput(
            year=world.year,
            target_type=AccountabilityCase.TargetType.PERSON,
            organisation=organisation,
            person=person,
            form=AccountabilityCase.Form.ADMONISH,
            reason=REASON,
            decided_on=datetime.date(2026, 4, 2),
        ),
    )


def _texts(client, person) -> list[str]:
    pages = [
        client.get(reverse(name, args=[person.pk])).content.decode()
        for name in ("person_record", "person_sheet")
    ]
    response = client.get(reverse("person_sheet_export", args=[person.pk]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    pages.append(str([list(s.iter_rows(values_only=True)) for s in book.worksheets]))
    return pages


@pytest.mark.django_db
def test_it_shows_a_case_against_a_person_only_to_the_registers_audience(
    active_world: World, as_user
) -> None:
    world = active_world
    admonish(world, world.officer_a, world.branch_a)
    # The register's audience that may open the record: admins and the working committee.
    for viewer in (world.admin, world.wc_reviewer):
        for text in _texts(as_user(viewer), world.officer_a):
            assert REASON in text
            assert "诫勉" in text
            assert "问责情况" in text
    # Those the register hides it from see no trace of it, not even an empty section: unit A's
    # reviewer, and the person themself.
    for viewer in (world.unit_a_reviewer, world.officer_a):
        for text in _texts(as_user(viewer), world.officer_a):
            assert REASON not in text
            assert "诫勉" not in text
            assert "问责情况" not in text


@pytest.mark.django_db
def test_a_units_discipline_committee_sees_only_its_units_cases(
    active_world: World, as_user
) -> None:
    """The 机关纪委 of unit A keeps unit A's part of the register: a case that unit B decided
    against someone who now serves in unit A stays out of their view of the record."""
    from assessment.selectors import cadre_record

    world = active_world
    committee = org("A-JW", Tier.Kind.DISCIPLINE_COMMITTEE, world.unit_a, "甲厅机关纪委")
    keeper = UserFactory(username="keeper")
    post(keeper, committee, Post.Kind.SECRETARY)
    mover = UserFactory(username="mover")
    post(mover, world.branch_a, Post.Kind.COMMITTEE_MEMBER)
    admonish(world, mover, world.branch_b)
    own = admonish(world, mover, world.branch_a)
    [section] = cadre_record.record(mover, keeper).sections
    assert [line.url for line in section.lines] == [own.get_absolute_url()]
    [everything] = cadre_record.record(mover, world.wc_reviewer).sections
    assert len(everything.lines) == 2
    assert cadre_record.record(mover, world.unit_a_reviewer).sections == []
