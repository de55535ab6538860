"""Bad input through the forms of people's own duties (个人履责, #19.1): the fill-in of a
personal obligation and the recording of a leader's link. Each refusal is a page that says why
in Chinese and keeps what was typed; nothing changes. Rules of the battery:
tests/bad_input_support.py."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from responsibility.models import AuditEntry, LeaderLink, PersonalObligation
from tests.bad_input_support import (
    ESCAPED,
    LONG,
    MARKUP,
    MISSING,
    NOT_A_CHOICE,
    NOT_A_DATE,
    REQUIRED,
    TOO_LONG,
    assert_escaped,
    signed_in,
    text_of,
    upload,
    with_overrides,
)
from tests.factories import EXE_BYTES, World


def lecture(world: World) -> PersonalObligation:
    return PersonalObligation.objects.select_related("duty").get(
        person=world.officer_a, duty__ref="GR-ZB-SJ-02"
    )


def valid_fill(obligation: PersonalObligation) -> dict[str, Any]:
    return {
        "version": str(obligation.version),
        "status": "done",
        "completed_on": "2026-06-10",
        "description": "为支部党员讲党课",
    }


FILL_CASES = [
    pytest.param({"status": "finished"}, NOT_A_CHOICE, id="status-unknown"),
    pytest.param({"status": MISSING}, REQUIRED, id="status-missing"),
    pytest.param({"completed_on": "2026/13/01"}, NOT_A_DATE, id="date-malformed"),
    pytest.param({"completed_on": MISSING}, "请填写完成日期", id="done-without-date"),
    pytest.param({"completed_on": "0001-01-01"}, "完成日期不能早于", id="date-implausible"),
    pytest.param({"completed_on": "2099-01-01"}, "完成日期不能晚于", id="date-in-future"),
    pytest.param({"description": LONG}, TOO_LONG, id="description-too-long"),
    pytest.param({"status": "not_applicable"}, "请说明原因", id="na-without-reason"),
    pytest.param({"version": "x"}, "页面数据不完整", id="version-tampered"),
    pytest.param({"files": upload("讲稿.pdf", EXE_BYTES)}, "不是允许的类型", id="exe-named-pdf"),
]


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
@pytest.mark.parametrize(("overrides", "message"), FILL_CASES)
def test_it_refuses_bad_personal_fill_input_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    obligation = lecture(active_world)
    url = reverse("personal_obligation_detail", args=[obligation.pk])
    data = with_overrides(valid_fill(obligation), overrides)
    response = signed_in(active_world.officer_a).post(url, data)
    assert response.status_code == 200
    assert message in text_of(response)
    obligation.refresh_from_db()
    assert obligation.status == "not_started"
    assert obligation.version == 1
    assert not AuditEntry.objects.filter(action="personal_obligation.fill").exists()
    if "description" in data and isinstance(data["description"], str):
        assert data["description"][:50] in text_of(response)  # what was typed stays


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_escapes_markup_in_a_personal_fill(active_world: World) -> None:
    obligation = lecture(active_world)
    url = reverse("personal_obligation_detail", args=[obligation.pk])
    client = signed_in(active_world.officer_a)
    client.post(url, with_overrides(valid_fill(obligation), {"description": MARKUP}))
    assert_escaped(text_of(client.get(url)), ESCAPED, MARKUP)


LINK_CASES = [
    pytest.param({"kind": "boss"}, NOT_A_CHOICE, id="kind-unknown"),
    pytest.param({"organisation": "999999"}, NOT_A_CHOICE, id="organisation-unknown"),
    pytest.param({"organisation": "x"}, NOT_A_CHOICE, id="organisation-not-a-number"),
    pytest.param({"start_date": "2026-02-30"}, NOT_A_DATE, id="start-malformed"),
    pytest.param({"start_date": MISSING}, REQUIRED, id="start-missing"),
    pytest.param({"end_date": "2025-01-01"}, "结束日期不能早于开始日期", id="end-before-start"),
    pytest.param({"start_date": "0001-01-01"}, "开始日期不在合理范围内", id="start-implausible"),
    pytest.param({"kind": "in_charge"}, "分管请填写分管部门", id="in-charge-no-department"),
    pytest.param({"department": "处" * 101}, TOO_LONG, id="department-too-long"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("overrides", "message"), LINK_CASES)
def test_it_refuses_a_bad_leader_link_and_changes_nothing(
    active_world: World, overrides: dict[str, Any], message: str
) -> None:
    url = reverse("leader_link_create", args=[active_world.officer_a.pk])
    base = {
        "kind": "contact",
        "organisation": str(active_world.branch_a2.pk),
        "start_date": "2026-01-01",
        "department": "",
    }
    response = signed_in(active_world.unit_a_reviewer).post(url, with_overrides(base, overrides))
    assert response.status_code == 200
    assert message in text_of(response)
    assert not LeaderLink.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_bad_end_of_a_link(active_world: World) -> None:
    import datetime

    from responsibility.services import leaders

    link = leaders.leader_link_create(
        actor=active_world.admin,
        person=active_world.officer_a,
        kind="contact",
        organisation=active_world.branch_a2,
        start_date=datetime.date(2026, 3, 1),
    )
    url = reverse("leader_link_end", args=[link.pk])
    client = signed_in(active_world.unit_a_reviewer)
    for data in ({"version": "1", "end_date": "x"}, {"version": "1", "end_date": "2026-01-01"}):
        assert client.post(url, data).status_code == 302
        link.refresh_from_db()
        assert link.end_date is None
    assert client.post(url, {"version": "9", "end_date": "2026-06-01"}).status_code == 302
    link.refresh_from_db()
    assert link.end_date is None  # a stale version changes nothing
