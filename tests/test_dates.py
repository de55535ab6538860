"""Plausible dates (issue #17, item 7): every date a person types has a range that fits its
meaning, enforced by the service (responsibility.dates) and shown next to the form's field.

Each field is tried through the web form (refused: 200, the Chinese message on the field, the
typed value kept, nothing written; accepted: 302) and through its service, with 0001-01-01,
9999-12-31 and the days just inside and just outside its range. Today is 15 June 2026.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from accountability import services as accountability_services
from accountability.models import (
    AccountabilityCase,
    Dispatch,
    Finding,
    LiaisonMeeting,
    Rectification,
)
from assessment import selectors as assessment_selectors
from assessment import services as assessment_services
from assessment.forms import SchemeForm
from assessment.models import ReviewRound, Scheme
from responsibility import services as core_services
from responsibility.dates import DateOutOfRange
from responsibility.models import Obligation
from tests.accountability.support import manual_source, rectification_of
from tests.factories import World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_june")]

TODAY = datetime.date(2026, 6, 15)
EARLY, LATE = "不能早于", "不能晚于"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def june_meeting(world: World) -> Obligation:
    """支部委员会会议, June, branch A: open for entry on 15 June 2026."""
    return Obligation.objects.get(
        organisation=world.branch_a, item__ref="ZB-3-02", period_label="6月"
    )


@dataclass(frozen=True)
class Field:
    """One typed date: where its form is, who may post it, what else the form needs, and which
    rows a refused post must leave alone."""

    field: str
    user: Callable[[World], Any]
    url: Callable[[World], str]
    data: Callable[[World], dict[str, Any]]
    rows: Callable[[World], int]


def _obligation_data(world: World, **dates: str) -> dict[str, Any]:
    obligation = june_meeting(world)
    return {
        "version": obligation.version,
        "status": "done",
        "completed_on": "2026-06-12",
        "description": "研究发展党员工作",
        "held_on": "2026-06-12",
        "topic": "六月支委会",
        "expected_count": "2",
        "attended_count": "2",
        **dates,
    }


def _done(world: World) -> int:
    return Obligation.objects.filter(pk=june_meeting(world).pk, status="done").count()


def _scheme_data(world: World) -> dict[str, Any]:
    scheme = assessment_selectors.scheme_for(world.year)
    data = {name: getattr(scheme, name) for name in SchemeForm.Meta.fields}
    return {
        "version": str(scheme.version),
        **{name: "" if value is None else str(value) for name, value in data.items()},
    }


def _edit_url(world: World) -> str:
    rectification = Rectification.objects.first() or rectification_of(world)
    return reverse("rectification_edit", args=[rectification.pk])


def _edit_data(world: World) -> dict[str, Any]:
    rectification = Rectification.objects.get()
    return {"version": rectification.version, "problem": "支部委员会会议记录缺失", "measures": ""}


FIELDS = {
    "completed_on": Field(
        "completed_on",
        lambda w: w.officer_a,
        lambda w: june_meeting(w).get_absolute_url(),
        _obligation_data,
        _done,
    ),
    "meeting_held_on": Field(
        "held_on",
        lambda w: w.officer_a,
        lambda w: june_meeting(w).get_absolute_url(),
        _obligation_data,
        _done,
    ),
    "found_on": Field(
        "found_on",
        lambda w: w.unit_a_reviewer,
        lambda w: reverse("finding_create"),
        lambda w: {"organisation": w.branch_a.pk, "severity": "minor", "problem": "记录不全"},
        lambda w: Finding.objects.count(),
    ),
    "deadline": Field(
        "deadline",
        lambda w: w.unit_a_reviewer,
        lambda w: reverse("rectification_from_source"),
        lambda w: {"source_type": "manual", "source_id": w.branch_a.pk, "problem": "记录缺失"},
        lambda w: Rectification.objects.count(),
    ),
    "deadline_edit": Field(
        "deadline",
        lambda w: w.unit_a_reviewer,
        _edit_url,
        _edit_data,
        lambda w: Rectification.objects.filter(version=1).count(),
    ),
    "decided_on": Field(
        "decided_on",
        lambda w: w.admin,
        lambda w: reverse("case_create"),
        lambda w: {
            "year": w.year.pk,
            "target_type": "organisation",
            "organisation": w.branch_a.pk,
            "form": "circulate",
            "reason": "落实主体责任不力",
        },
        lambda w: AccountabilityCase.objects.count(),
    ),
    "opens_on": Field(
        "opens_on",
        lambda w: w.admin,
        lambda w: reverse("round_list"),
        lambda w: {"quarter": "3", "opens_on": "2026-07-01", "closes_on": "2026-09-30"},
        lambda w: ReviewRound.objects.count(),
    ),
    "closes_on": Field(
        "closes_on",
        lambda w: w.admin,
        lambda w: reverse("round_list"),
        lambda w: {"quarter": "3", "opens_on": "2026-07-01", "closes_on": "2026-09-30"},
        lambda w: ReviewRound.objects.count(),
    ),
    "report_deadline": Field(
        "report_deadline",
        lambda w: w.admin,
        lambda w: reverse("scheme_edit", args=[w.year.year]),
        _scheme_data,
        lambda w: Scheme.objects.filter(version=1).count(),
    ),
    "due_date": Field(
        "due_date",
        lambda w: w.unit_a_reviewer,
        lambda w: reverse("dispatch_create"),
        lambda w: {"title": "报送上半年党建工作总结", "organisations": [w.branch_a.pk]},
        lambda w: Dispatch.objects.count(),
    ),
    "liaison_held_on": Field(
        "held_on",
        lambda w: w.liaison,
        lambda w: reverse("meeting_create"),
        lambda w: {"organisation": w.organ_a.pk, "attendees": "各支部联络员", "agenda": "部署"},
        lambda w: LiaisonMeeting.objects.count(),
    ),
}

# (field, typed value, None when accepted or the start of the message shown on the field)
CASES = [
    ("completed_on", "0001-01-01", "完成日期不能早于2026年1月1日（2026年度开始）"),
    ("completed_on", "2025-12-31", "完成日期不能早于2026年1月1日"),
    ("completed_on", "2026-01-01", None),
    ("completed_on", "2026-06-15", None),
    ("completed_on", "2026-06-16", "完成日期不能晚于今天"),
    ("completed_on", "9999-12-31", "完成日期不能晚于今天"),
    ("meeting_held_on", "0001-01-01", "会议日期不能早于2026年1月1日（2026年度开始）"),
    ("meeting_held_on", "2025-12-31", "会议日期不能早于2026年1月1日"),
    ("meeting_held_on", "2026-01-01", None),
    ("meeting_held_on", "2026-06-15", None),
    ("meeting_held_on", "2026-06-16", "会议日期不能晚于今天"),
    ("meeting_held_on", "9999-12-31", "会议日期不能晚于今天"),
    ("found_on", "0001-01-01", "督查日期不能早于2025年1月1日（上一年度开始）"),
    ("found_on", "2024-12-31", "督查日期不能早于2025年1月1日"),
    ("found_on", "2025-01-01", None),
    ("found_on", "2026-06-15", None),
    ("found_on", "2026-06-16", "督查日期不能晚于今天"),
    ("found_on", "9999-12-31", "督查日期不能晚于今天"),
    ("deadline", "0001-01-01", "整改期限不能早于今天"),
    ("deadline", "2026-06-14", "整改期限不能早于今天"),
    ("deadline", "2026-06-15", None),
    ("deadline", "2029-06-15", None),
    ("deadline", "2029-06-16", "整改期限不能晚于2029年6月15日（交办后3年内）"),
    ("deadline", "9999-12-31", "整改期限不能晚于2029年6月15日"),
    ("deadline_edit", "0001-01-01", "整改期限不能早于今天"),
    ("deadline_edit", "2026-06-14", "整改期限不能早于今天"),
    ("deadline_edit", "2026-06-15", None),
    ("deadline_edit", "2028-12-31", None),  # unchanged
    ("deadline_edit", "2029-06-15", None),
    ("deadline_edit", "2029-06-16", "整改期限不能晚于2029年6月15日（交办后3年内）"),
    ("deadline_edit", "9999-12-31", "整改期限不能晚于2029年6月15日"),
    ("decided_on", "0001-01-01", "决定日期不能早于2016年6月15日（10年以内）"),
    ("decided_on", "2016-06-14", "决定日期不能早于2016年6月15日"),
    ("decided_on", "2016-06-15", None),
    ("decided_on", "2026-06-15", None),
    ("decided_on", "2026-06-16", "决定日期不能晚于今天"),
    ("decided_on", "9999-12-31", "决定日期不能晚于今天"),
    ("opens_on", "0001-01-01", "开始日期不能早于2026年1月1日（2026年度开始）"),
    ("opens_on", "2025-12-31", "开始日期不能早于2026年1月1日"),
    ("opens_on", "2026-01-01", None),
    ("closes_on", "2027-03-31", None),
    ("closes_on", "2027-04-01", "截止日期不能晚于2027年3月31日（2026年度考核截止）"),
    ("closes_on", "9999-12-31", "截止日期不能晚于2027年3月31日"),
    ("report_deadline", "0001-01-01", "述职报告截止日期不能早于2026年1月1日（2026年度开始）"),
    ("report_deadline", "2025-12-31", "述职报告截止日期不能早于2026年1月1日"),
    ("report_deadline", "2026-01-01", None),
    ("report_deadline", "2027-03-31", None),
    ("report_deadline", "2027-04-01", "述职报告截止日期不能晚于2027年3月31日"),
    ("report_deadline", "9999-12-31", "述职报告截止日期不能晚于2027年3月31日"),
    ("due_date", "0001-01-01", "截止日期不能早于今天"),
    ("due_date", "2026-06-14", "截止日期不能早于今天"),
    ("due_date", "2026-06-15", None),
    ("due_date", "2026-12-31", None),
    ("due_date", "2027-01-01", "截止日期不能晚于2026年12月31日（2026年度结束）"),
    ("due_date", "9999-12-31", "截止日期不能晚于2026年12月31日"),
    ("liaison_held_on", "0001-01-01", "会议日期不能早于2025年1月1日（上一年度开始）"),
    ("liaison_held_on", "2024-12-31", "会议日期不能早于2025年1月1日"),
    ("liaison_held_on", "2025-01-01", None),
    ("liaison_held_on", "2026-06-15", None),
    ("liaison_held_on", "2026-06-16", "会议日期不能晚于今天"),
    ("liaison_held_on", "9999-12-31", "会议日期不能晚于今天"),
]


@pytest.mark.parametrize(
    ("name", "value", "message"), [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in CASES]
)
def test_it_holds_each_date_to_its_range_through_the_form(
    active_world: World, name: str, value: str, message: str | None
) -> None:
    world, field = active_world, FIELDS[name]
    url, data = field.url(world), field.data(world)
    before = field.rows(world)
    response = signed_in(field.user(world)).post(url, {**data, field.field: value})
    if message is None:
        assert response.status_code == 302, response.context["form"].errors
        return
    assert response.status_code == 200
    errors = response.context["form"].errors.get(field.field, [])
    assert any(e.startswith(message) for e in errors), errors
    assert f'value="{value}"' in response.content.decode()  # what was typed stays
    assert field.rows(world) == before


# --- the services, without a form ---------------------------------------------------------------


def _refused(call: Callable[[], Model], field: str, message: str) -> None:
    with pytest.raises(DateOutOfRange) as refused:
        call()
    assert refused.value.field == field
    assert str(refused.value).startswith(message)


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


OUTSIDE = {
    name: [(value, message) for n, value, message in CASES if n == name and message]
    for name in FIELDS
}


def _each(name: str) -> list[Any]:
    return [pytest.param(v, m, id=v) for v, m in OUTSIDE[name]]


@pytest.mark.parametrize(("value", "message"), _each("completed_on"))
def test_it_refuses_a_completion_in_the_service(active_world: World, value, message) -> None:
    obligation = june_meeting(active_world)
    _refused(
        lambda: core_services.obligation_fill(
            actor=active_world.officer_a,
            obligation=obligation,
            version=obligation.version,
            status="done",
            completed_on=_date(value),
            description="",
        ),
        "completed_on",
        message,
    )
    assert _done(active_world) == 0


@pytest.mark.parametrize(("value", "message"), _each("meeting_held_on"))
def test_it_refuses_a_meeting_record_in_the_service(active_world: World, value, message) -> None:
    obligation = june_meeting(active_world)
    _refused(
        lambda: core_services.obligation_fill(
            actor=active_world.officer_a,
            obligation=obligation,
            version=obligation.version,
            status="done",
            completed_on=TODAY,
            description="",
            meeting=core_services.MeetingInput(
                held_on=_date(value), topic="支委会", expected_count=2, attended_count=2, minutes=""
            ),
        ),
        "held_on",
        message,
    )
    assert _done(active_world) == 0


@pytest.mark.parametrize(("value", "message"), _each("found_on"))
def test_it_refuses_a_finding_date_in_the_service(active_world: World, value, message) -> None:
    _refused(
        lambda: accountability_services.finding_create(
            actor=active_world.liaison,
            organisation=active_world.branch_a,
            found_on=_date(value),
            problem="记录不全",
            severity="minor",
        ),
        "found_on",
        message,
    )
    assert not Finding.objects.exists()


@pytest.mark.parametrize(("value", "message"), _each("deadline"))
def test_it_refuses_a_deadline_in_the_service(active_world: World, value, message) -> None:
    world = active_world
    _refused(
        lambda: accountability_services.rectification_create(
            actor=world.unit_a_reviewer,
            source=manual_source(world, world.branch_a),
            organisation=world.branch_a,
            problem="记录缺失",
            deadline=_date(value),
        ),
        "deadline",
        message,
    )
    assert not Rectification.objects.exists()


@pytest.mark.parametrize(("value", "message"), _each("deadline_edit"))
def test_it_refuses_a_moved_deadline_in_the_service(active_world: World, value, message) -> None:
    rectification = rectification_of(active_world)
    _refused(
        lambda: accountability_services.rectification_update(
            actor=active_world.unit_a_reviewer,
            rectification=rectification,
            version=rectification.version,
            problem=rectification.problem,
            measures="",
            deadline=_date(value),
            responsible_person=None,
        ),
        "deadline",
        message,
    )
    assert Rectification.objects.get().version == 1


@pytest.mark.parametrize(("value", "message"), _each("decided_on"))
def test_it_refuses_a_decision_date_in_the_service(active_world: World, value, message) -> None:
    world = active_world
    _refused(
        lambda: accountability_services.case_create(
            actor=world.admin,
            data=accountability_services.CaseInput(
                year=world.year,
                target_type="organisation",
                organisation=world.branch_a,
                person=None,
                form="circulate",
                reason="落实主体责任不力",
                decided_on=_date(value),
            ),
        ),
        "decided_on",
        message,
    )
    assert not AccountabilityCase.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param(n, v, m, id=f"{n}-{v}")
        for n in ("opens_on", "closes_on")
        for v, m in OUTSIDE[n]
    ],
)
def test_it_refuses_round_dates_in_the_service(active_world: World, field, value, message) -> None:
    dates = {"opens_on": TODAY, "closes_on": TODAY, field: _date(value)}
    _refused(
        lambda: assessment_services.round_create(
            actor=active_world.admin, year=active_world.year, quarter=3, **dates
        ),
        field,
        message,
    )
    assert not ReviewRound.objects.exists()


@pytest.mark.parametrize(("value", "message"), _each("report_deadline"))
def test_it_refuses_a_report_deadline_in_the_service(active_world: World, value, message) -> None:
    scheme = assessment_selectors.scheme_for(active_world.year)
    _refused(
        lambda: assessment_services.scheme_update(
            actor=active_world.admin,
            scheme=scheme,
            version=scheme.version,
            report_deadline=_date(value),
        ),
        "report_deadline",
        message,
    )
    assert Scheme.objects.get().version == scheme.version


@pytest.mark.parametrize(("value", "message"), _each("due_date"))
def test_it_refuses_a_due_date_in_the_service(active_world: World, value, message) -> None:
    _refused(
        lambda: accountability_services.dispatch_create(
            actor=active_world.unit_a_reviewer,
            organisations=[active_world.branch_a],
            year=active_world.year,
            title="报送总结",
            due_date=_date(value),
        ),
        "due_date",
        message,
    )
    assert not Dispatch.objects.exists()


@pytest.mark.parametrize(("value", "message"), _each("liaison_held_on"))
def test_it_refuses_a_liaison_meeting_date_in_the_service(
    active_world: World, value, message
) -> None:
    _refused(
        lambda: accountability_services.meeting_create(
            actor=active_world.liaison,
            organisation=active_world.organ_a,
            held_on=_date(value),
            attendees="各支部联络员",
            agenda="部署",
        ),
        "held_on",
        message,
    )
    assert not LiaisonMeeting.objects.exists()
