"""The person-level assessment (个人抓党建考核, issue #19.3): each part from real rows, the cap
by a case against the person (and who reads its reason), versions, publication with the
organisation results, the 待更新 mark and the trace."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from accountability import services as accountability_services
from accountability.models import AccountabilityCase, Rectification
from assessment import person_results, results, services
from assessment.models import (
    DutyReport,
    LedgerEntry,
    PersonResult,
    Scheme,
    Training,
    TrainingAttendance,
)
from assessment.selectors import person_results as person_selectors
from assessment.services import AssessmentError
from responsibility.models import (
    AuditEntry,
    PersonalDuty,
    PersonalObligation,
    Post,
    User,
    Year,
)
from tests.factories import UserFactory, World, post
from tests.permissions_support import matrix_persona

AS_OF = datetime.date(2026, 10, 1)
CASE_REASON = "违规发放津贴"


def compute(world: World, **kwargs: object) -> dict[str, int]:
    return person_results.person_results_compute(actor=None, year=world.year, as_of=AS_OF, **kwargs)


def result_of(person: User) -> PersonResult:
    return PersonResult.objects.get(person=person, is_current=True)


def duty(world: World, person: User, content: str = "带头讲党课") -> PersonalDuty:
    return PersonalDuty.objects.create(
        year=world.year,
        person=person,
        organisation=world.branch_a,
        ref=f"GR-{PersonalDuty.objects.count() + 1}",
        group="思想建设",
        content=content,
        points=1,
        frequency="quarterly",
    )


def obligation(
    world: World, person: User, due: datetime.date, status: str, *, late: bool = False
) -> PersonalObligation:
    return PersonalObligation.objects.create(
        duty=duty(world, person),
        person=person,
        organisation=world.branch_a,
        year=world.year,
        period_start=due.replace(day=1),
        period_end=due,
        period_label=f"{due.month}月",
        due_date=due,
        status=status,
        is_late=late,
        completed_on=due if status == "done" else None,
    )


def only(scheme_fields: dict[str, object], world: World) -> None:
    """A scheme where only the named person weights count (the others 0)."""
    zero = {
        "person_weight_duties": 0,
        "person_weight_org_lead": 0,
        "person_weight_org_member": 0,
        "person_weight_training": 0,
        "person_weight_rating": 0,
    }
    Scheme.objects.update_or_create(year=world.year, defaults=zero | scheme_fields)


def rectification(world: World, person: User, **fields: object) -> Rectification:
    defaults: dict[str, object] = {
        "year": world.year,
        "organisation": world.branch_a,
        "responsible_person": person,
        "source_type": Rectification.SourceType.FINDING,
        "problem": "组织生活会记录不全",
        "deadline": datetime.date(2026, 9, 1),
    }
    return Rectification.objects.create(**(defaults | fields))


def submitted_report(world: World) -> DutyReport:
    return DutyReport.objects.create(
        organisation=world.branch_a,
        year=world.year,
        text="述职",
        submitted_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )


def register_case(world: World, person: User) -> AccountabilityCase:
    return accountability_services.case_create(
        actor=world.admin,
        data=accountability_services.CaseInput(
            year=world.year,
            target_type=AccountabilityCase.TargetType.PERSON,
            organisation=world.branch_a,
            person=person,
            form=AccountabilityCase.Form.ADMONISH,
            reason=CASE_REASON,
            decided_on=datetime.date(2026, 3, 17),
        ),
    )


# --- who is assessed ---------------------------------------------------------------------------


def test_it_assesses_every_officer_post_holder_of_the_year(active_world: World) -> None:
    world = active_world
    left = UserFactory(username="left_in_2025")
    old = post(left, world.branch_a, Post.Kind.COMMITTEE_MEMBER)
    Post.objects.filter(pk=old.pk).update(
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2025, 12, 31)
    )
    counts = compute(world)
    assessed = set(PersonResult.objects.values_list("person__username", flat=True))
    assert {"officer_a", "officer_b", "unit_a_reviewer"} <= assessed
    assert not {"liaison", "member", "left_in_2025", "admin"} & assessed
    assert counts["created"] == len(assessed)


# --- each part ---------------------------------------------------------------------------------


def test_it_scores_personal_duties_with_late_marks(active_world: World) -> None:
    world = active_world
    PersonalObligation.objects.filter(person=world.officer_a).delete()
    only({"person_weight_duties": 100}, world)
    obligation(world, world.officer_a, datetime.date(2026, 3, 31), "done")
    obligation(world, world.officer_a, datetime.date(2026, 6, 30), "done")
    obligation(world, world.officer_a, datetime.date(2026, 9, 30), "done", late=True)
    missed = obligation(world, world.officer_a, datetime.date(2026, 9, 15), "not_started")
    obligation(world, world.officer_a, datetime.date(2026, 12, 31), "not_started")  # not due
    obligation(world, world.officer_a, datetime.date(2026, 4, 30), "not_applicable")
    compute(world)
    result = result_of(world.officer_a)
    # (2 on time + 1 late × (1 − 50%)) / 4 due
    assert result.duties_score == Decimal("62.50")
    assert result.composite == Decimal("62.50")
    assert result.trace["duties"]["due"] == 4
    assert result.trace["duties"]["late"] == 1
    assert {row["id"] for row in result.trace["duties"]["rows"]} >= {missed.pk}


def test_it_weights_the_organisations_result_more_for_those_who_lead_it(
    active_world: World,
) -> None:
    world = active_world
    member = UserFactory(username="branch_member_officer")
    post(member, world.branch_a, Post.Kind.COMMITTEE_MEMBER)
    results.results_compute(actor=None, year=world.year, as_of=AS_OF)
    results.results_publish(actor=None, year=world.year)
    composite = results.AnnualResult.objects.get(
        organisation=world.branch_a, is_current=True
    ).composite
    compute(world)
    lead, other = result_of(world.officer_a), result_of(member)
    assert lead.organisation_score == other.organisation_score == composite
    assert lead.leads
    assert not other.leads
    assert lead.trace["weights"]["organisation"] == "40.00"
    assert other.trace["weights"]["organisation"] == "20.00"
    assert lead.trace["organisations"][0]["result_id"] == (
        results.AnnualResult.objects.get(organisation=world.branch_a, is_current=True).pk
    )


def test_it_deducts_points_for_overdue_late_or_returned_rectifications(
    active_world: World,
) -> None:
    world = active_world
    overdue = rectification(world, world.officer_a)
    rectification(
        world,
        world.officer_a,
        state="closed",
        is_late=True,
        closed_at=datetime.datetime(2026, 9, 10, tzinfo=datetime.UTC),
    )
    rectification(
        world,
        world.officer_a,
        state="in_progress",
        returned_count=2,
        deadline=datetime.date(2026, 12, 1),
    )
    rectification(world, world.officer_a, deadline=datetime.date(2026, 12, 1))  # on track
    rectification(world, world.officer_b, organisation=world.branch_b)
    compute(world)
    result = result_of(world.officer_a)
    assert result.rectification_points == Decimal("6.00")  # 3 × 2 points
    rows = {row["id"]: row for row in result.trace["rectifications"]}
    assert len(rows) == 4
    assert rows[overdue.pk]["costly"]
    assert rows[overdue.pk]["url"] == reverse("rectification_detail", args=[overdue.pk])
    assert result_of(world.officer_b).rectification_points == Decimal("2.00")


def test_it_counts_party_knowledge_training_hours_against_the_requirement(
    active_world: World,
) -> None:
    world = active_world
    only({"person_weight_training": 100, "training_hours_required": 16}, world)
    training = Training.objects.create(
        organiser=world.organ_a, held_on=datetime.date(2026, 5, 8), topic="党务知识", hours=6
    )
    other = Training.objects.create(
        organiser=world.organ_a,
        held_on=datetime.date(2026, 6, 8),
        topic="业务培训",
        hours=6,
        is_party_knowledge=False,
    )
    TrainingAttendance.objects.create(training=training, person=world.officer_a, hours=6)
    TrainingAttendance.objects.create(training=other, person=world.officer_a, hours=6)
    compute(world)
    result = result_of(world.officer_a)
    assert result.training_hours == Decimal("6.0")
    assert result.training_score == Decimal("37.50")
    assert result.composite == Decimal("37.50")
    assert result.trace["training"]["rows"][0]["id"] == training.pk


def test_it_averages_the_reviewers_ratings_in_the_year_end_report(active_world: World) -> None:
    world = active_world
    only({"person_weight_rating": 100}, world)
    report = submitted_report(world)
    services.person_rating_save(
        actor=world.unit_a_reviewer,
        report=report,
        person=world.officer_a,
        execution=80,
        supervision=60,
    )
    services.person_rating_save(
        actor=world.wc_reviewer,
        report=report,
        person=world.officer_a,
        execution=100,
        supervision=80,
    )
    compute(world)
    result = result_of(world.officer_a)
    assert result.rating_score == Decimal("80.00")
    assert result.trace["ratings"] == {"count": 2, "execution": "90.00", "supervision": "70.00"}


def test_it_refuses_ratings_outside_the_report_period(active_world: World) -> None:
    world = active_world
    report = DutyReport.objects.create(organisation=world.branch_a, year=world.year, text="述职")
    with pytest.raises(AssessmentError):
        services.person_rating_save(
            actor=world.unit_a_reviewer,
            report=report,
            person=world.officer_a,
            execution=80,
            supervision=60,
        )


def test_it_leaves_a_part_without_data_out_and_says_so(active_world: World) -> None:
    world = active_world
    compute(world)
    result = result_of(world.officer_a)
    assert result.rating_score is None
    assert "述职测评" in result.grade_note
    assert "权重按比例分配给其他部分" in result.grade_note


# --- cap by a case ------------------------------------------------------------------------------


def all_good(world: World) -> None:
    """Every grade is "好" before a cap, so a cap changes the grade."""
    Scheme.objects.update_or_create(
        year=world.year, defaults={"good_min": 0, "fairly_good_min": 0, "average_min": 0}
    )


def test_it_caps_the_grade_of_a_person_with_a_case_and_names_no_case(active_world: World) -> None:
    world = active_world
    all_good(world)
    register_case(world, world.officer_a)
    compute(world)
    capped, free = result_of(world.officer_a), result_of(world.officer_b)
    assert free.grade == "good"
    assert capped.grade == "average"
    assert "等次按有关规定确定" in capped.grade_note
    assert CASE_REASON not in capped.grade_note
    assert "诫勉" not in capped.grade_note


def test_it_shows_a_caps_reason_only_to_the_registers_audience(
    active_world: World, as_user
) -> None:
    world = active_world
    register_case(world, world.officer_a)
    compute(world)
    person_results.person_results_publish(actor=None, year=world.year)
    url = reverse("person_result_detail", args=[result_of(world.officer_a).pk])
    discipline = matrix_persona(world, "discipline_a")
    for user, sees in (
        (world.admin, True),
        (world.wc_reviewer, True),
        (discipline, True),
        (world.officer_a, False),
        (world.unit_a_reviewer, False),
    ):
        page = as_user(user).get(url)
        assert page.status_code in (200, 404), user
        if page.status_code == 404:
            continue
        text = page.content.decode()
        assert (CASE_REASON in text or "诫勉" in text) is sees, user
        assert "等次按有关规定确定" in text or sees


# --- versions, publication and the 待更新 mark --------------------------------------------------


def test_it_publishes_person_results_with_the_organisation_results(active_world: World) -> None:
    world = active_world
    results.results_compute(actor=None, year=world.year)
    compute(world)
    assert result_of(world.officer_a).organisation_score is None  # not published yet
    results.results_publish(actor=None, year=world.year)
    assert not PersonResult.objects.filter(published_at__isnull=True).exists()
    # Computed again on the published organisation results, then published with them.
    composite = results.AnnualResult.objects.get(
        organisation=world.branch_a, is_current=True
    ).composite
    assert result_of(world.officer_a).organisation_score == composite


def test_it_versions_a_published_result_and_needs_a_reason(active_world: World) -> None:
    world = active_world
    compute(world)
    person_results.person_results_publish(actor=None, year=world.year)
    first = result_of(world.officer_a)
    training = Training.objects.create(
        organiser=world.organ_a, held_on=datetime.date(2026, 5, 8), topic="党务知识", hours=4
    )
    services.training_attendance_add(
        actor=world.admin, training=training, attendees=[(world.officer_a, None)]
    )
    marked = result_of(world.officer_a)
    assert marked.stale_since is not None
    assert marked.stale_reasons[0]["code"] == "training"
    with pytest.raises(AssessmentError):
        compute(world)
    summary = person_results.person_results_refresh(actor=world.admin, year=world.year)
    assert summary["versions"] == 1
    second = result_of(world.officer_a)
    assert second.version == 2
    assert second.published_at is not None
    assert second.stale_since is None
    assert "培训学时有变化" in second.reason
    first.refresh_from_db()
    assert not first.is_current
    assert first.training_hours == 0


def test_it_marks_a_published_result_when_a_case_caps_it(active_world: World) -> None:
    world = active_world
    compute(world)
    person_results.person_results_publish(actor=None, year=world.year)
    register_case(world, world.officer_a)
    marked = result_of(world.officer_a)
    assert marked.stale_since is not None
    assert marked.stale_reasons[-1]["code"] == "cap"
    assert result_of(world.officer_b).stale_since is None


def test_it_marks_people_when_their_organisations_result_gets_a_new_version(
    active_world: World,
) -> None:
    world = active_world
    results.results_compute(actor=None, year=world.year, as_of=AS_OF)
    compute(world)
    results.results_publish(actor=None, year=world.year)
    LedgerEntry.objects.create(
        organisation=world.branch_a,
        year=world.year,
        kind="bonus",
        points=5,
        reason="推广经验",
        proposed_by=world.wc_reviewer,
        status=LedgerEntry.Status.APPROVED,
    )
    results.results_compute(actor=None, year=world.year, as_of=AS_OF, reason="加分")
    # The new version is not published yet: person results count published ones only.
    assert result_of(world.officer_a).stale_since is None
    results.results_publish(actor=None, year=world.year, organisation_ids=[world.branch_a.pk])
    assert result_of(world.officer_a).stale_reasons[-1]["code"] == "organisation"
    assert result_of(world.officer_b).stale_since is None


def test_it_marks_the_responsible_person_when_a_rectification_is_returned(
    active_world: World,
) -> None:
    world = active_world
    rect = rectification(
        world, world.officer_a, state="submitted", deadline=datetime.date(2026, 12, 20)
    )
    compute(world)
    person_results.person_results_publish(actor=None, year=world.year)
    accountability_services.rectification_verify(
        actor=world.unit_a_reviewer,
        rectification=rect,
        version=rect.version,
        approve=False,
        note="证据不足",
    )
    assert result_of(world.officer_a).stale_reasons[-1]["code"] == "rectification"


# --- pages -------------------------------------------------------------------------------------


def test_it_links_every_figure_of_the_trace_to_its_source(active_world: World, as_user) -> None:
    world = active_world
    results.results_compute(actor=None, year=world.year, as_of=AS_OF)
    results.results_publish(actor=None, year=world.year)
    rect = rectification(world, world.officer_a)
    training = Training.objects.create(
        organiser=world.organ_a, held_on=datetime.date(2026, 5, 8), topic="党务知识", hours=4
    )
    TrainingAttendance.objects.create(training=training, person=world.officer_a, hours=4)
    compute(world, reason="补录整改和培训")
    result = result_of(world.officer_a)
    page = as_user(world.admin).get(reverse("person_result_detail", args=[result.pk]))
    text = page.content.decode()
    org_result = results.AnnualResult.objects.get(organisation=world.branch_a, is_current=True)
    for url in (
        reverse("result_detail", args=[org_result.pk]),
        reverse("rectification_detail", args=[rect.pk]),
        reverse("training_detail", args=[training.pk]),
    ):
        assert url in text


def test_it_shows_a_person_their_own_results_once_published(active_world: World, as_user) -> None:
    world = active_world
    compute(world)
    mine = reverse("my_person_results")
    detail = reverse("person_result_detail", args=[result_of(world.officer_a).pk])
    assert as_user(world.officer_a).get(detail).status_code == 404
    assert "暂无已发布" in as_user(world.officer_a).get(mine).content.decode()
    person_results.person_results_publish(actor=None, year=world.year)
    assert as_user(world.officer_a).get(detail).status_code == 200
    assert detail in as_user(world.officer_a).get(mine).content.decode()
    assert as_user(world.officer_b).get(detail).status_code == 404
    assert as_user(world.member).get(detail).status_code == 404


def test_for_person_returns_published_results_by_year_as_the_viewer_may_see_them(
    active_world: World,
) -> None:
    world = active_world
    compute(world)
    assert person_selectors.for_person(world.officer_a, world.admin) == []
    person_results.person_results_publish(actor=None, year=world.year)
    assert [r.year.year for r in person_selectors.for_person(world.officer_a, world.admin)] == [
        2026
    ]
    assert len(person_selectors.for_person(world.officer_a, world.officer_a)) == 1
    assert len(person_selectors.for_person(world.officer_a, world.unit_a_reviewer)) == 1
    assert person_selectors.for_person(world.officer_a, world.officer_b) == []


def test_the_list_filters_by_unit_and_grade(active_world: World, as_user) -> None:
    world = active_world
    compute(world)
    url = reverse("person_result_list", args=[2026])
    client = as_user(world.admin)
    text = client.get(url, {"unit": world.unit_b.pk}).content.decode()
    assert world.officer_b.display_name in text
    assert world.officer_a.display_name not in text
    grade = result_of(world.officer_a).grade
    other = next(g for g in ("good", "fairly_good", "average", "poor") if g != grade)
    PersonResult.objects.filter(person=world.officer_b).update(grade=other)
    text = client.get(url, {"grade": grade, "unit": world.unit_a.pk}).content.decode()
    assert world.officer_a.display_name in text


def test_a_reviewer_rates_the_officers_of_a_reported_organisation(
    active_world: World, as_user
) -> None:
    world = active_world
    report = submitted_report(world)
    client = as_user(world.unit_a_reviewer)
    listing = client.get(reverse("person_ratings", args=[report.pk]))
    assert world.officer_a.display_name in listing.content.decode()
    url = reverse("person_rate", args=[report.pk, world.officer_a.pk])
    bad = client.post(url, {"execution": "120", "supervision": "abc"})
    assert bad.status_code == 200
    assert "120" in bad.content.decode()
    assert client.post(url, {"execution": "90", "supervision": "70"}).status_code == 302
    rating = report.person_ratings.get()
    assert (rating.execution, rating.supervision) == (90, 70)
    assert (
        client.post(
            url, {"execution": "80", "supervision": "70", "version": str(rating.version)}
        ).status_code
        == 302
    )
    assert report.person_ratings.get().execution == 80
    assert as_user(world.officer_a).get(url).status_code == 403
    assert client.get(reverse("person_rate", args=[report.pk, world.member.pk])).status_code == 404


def test_a_year_without_results_has_an_empty_list(world: World, as_user) -> None:
    Year.objects.get_or_create(year=2026)
    page = as_user(world.admin).get(reverse("person_result_list", args=[2026]))
    assert page.status_code == 200


# --- the workbook ------------------------------------------------------------------------------


def workbook(response: object) -> openpyxl.Workbook:
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return openpyxl.load_workbook(io.BytesIO(content))


def test_the_annual_workbook_has_a_sheet_of_person_results(active_world: World, as_user) -> None:
    world = active_world
    all_good(world)
    register_case(world, world.officer_a)
    compute(world)
    results.results_compute(actor=None, year=world.year)
    results.results_publish(actor=None, year=world.year)
    response = as_user(world.unit_a_reviewer).get(reverse("results_export", args=[2026]))
    sheet = workbook(response)["个人考核结果"]
    header = [c.value for c in sheet[1]]
    rows = {
        r[header.index("用户名")]: dict(zip(header, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    # Unit A's reviewer exports the branches they review: officer A's, not unit B's.
    assert set(rows) == {"officer_a"}
    exported, result = rows["officer_a"], result_of(world.officer_a)
    assert exported["综合得分"] == pytest.approx(float(result.composite))
    assert exported["等次"] == result.get_grade_display()
    assert "等次按有关规定确定" in exported["说明"]
    text = " ".join(str(v) for r in sheet.iter_rows(values_only=True) for v in r if v)
    assert CASE_REASON not in text
    assert "诫勉" not in text
    admin_book = workbook(as_user(world.admin).get(reverse("results_export", args=[2026])))
    names = {r[3] for r in admin_book["个人考核结果"].iter_rows(min_row=2, values_only=True)}
    assert {"officer_a", "officer_b", "unit_a_reviewer"} <= names


# --- query counts ------------------------------------------------------------------------------


def add_officers(world: World, n: int) -> None:
    for number in range(n):
        person = UserFactory(username=f"extra_officer_{number}")
        post(person, world.branch_a2 if number % 2 else world.branch_a, Post.Kind.CADRE_PART_TIME)
        rectification(world, person)
        training = Training.objects.create(
            organiser=world.organ_a, held_on=datetime.date(2026, 5, 8), topic="党务知识", hours=2
        )
        TrainingAttendance.objects.create(training=training, person=person, hours=2)


@pytest.mark.parametrize("extra", [0, 12])
def test_computing_takes_a_fixed_number_of_queries(
    active_world: World, django_assert_num_queries, extra: int
) -> None:
    world = active_world
    add_officers(world, extra)
    with django_assert_num_queries(COMPUTE_QUERIES):
        compute(world)


@pytest.mark.parametrize("extra", [0, 12])
def test_the_pages_take_a_fixed_number_of_queries(
    active_world: World, as_user, django_assert_num_queries, extra: int
) -> None:
    world = active_world
    add_officers(world, extra)
    register_case(world, world.officer_a)
    compute(world)
    person_results.person_results_publish(actor=None, year=world.year)
    client = as_user(world.admin)
    client.get(reverse("my_person_results"))  # the session and the person cache warm
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get(reverse("person_result_list", args=[2026])).status_code == 200
    detail = reverse("person_result_detail", args=[result_of(world.officer_a).pk])
    with django_assert_num_queries(DETAIL_QUERIES):
        assert client.get(detail).status_code == 200
    officer = as_user(world.officer_a)
    officer.get(reverse("home"))
    with django_assert_num_queries(MINE_QUERIES):
        assert officer.get(reverse("my_person_results")).status_code == 200


# Computing: the scheme, the posts, the organisation results, personal duties, trainings,
# ratings, caps, rectifications, the current results, the stale marks cleared, the insert and
# the audit entry, inside the transaction's savepoint.
COMPUTE_QUERIES = 14
# The pages: the session, the user, their posts and the page's own reads (list: the ids with
# the total and the rows; detail: the result, caps, versions).
LIST_QUERIES = 9
DETAIL_QUERIES = 8
MINE_QUERIES = 6


def test_a_scheme_change_marks_published_person_results(active_world: World) -> None:
    world = active_world
    compute(world)
    person_results.person_results_publish(actor=None, year=world.year)
    scheme = Scheme.objects.get(year=world.year)
    services.scheme_update(
        actor=world.admin, scheme=scheme, version=scheme.version, training_hours_required=8
    )
    assert result_of(world.officer_a).stale_reasons[-1]["code"] == "scheme"
    entry = AuditEntry.objects.filter(action="scheme.update").latest("pk")
    assert "training_hours_required" in entry.changes


def test_the_scheme_page_refuses_all_zero_person_weights(world: World, as_user) -> None:
    from tests.assessment.permission_rows import SCHEME_DEFAULTS

    Year.objects.get_or_create(year=2026)
    zero = dict.fromkeys(
        (
            "person_weight_duties",
            "person_weight_org_lead",
            "person_weight_org_member",
            "person_weight_training",
            "person_weight_rating",
        ),
        "0",
    )
    page = as_user(world.admin).post(
        reverse("scheme_edit", args=[2026]), {**SCHEME_DEFAULTS, **zero, "version": "1"}
    )
    assert page.status_code == 200
    assert "个人考核各部分权重不能全部为 0" in page.content.decode()


def test_for_person_keeps_the_published_version_while_a_new_one_waits(
    active_world: World,
) -> None:
    world = active_world
    compute(world)
    person_results.person_results_publish(actor=None, year=world.year)
    first = result_of(world.officer_a)
    training = Training.objects.create(
        organiser=world.organ_a, held_on=datetime.date(2026, 5, 8), topic="党务知识", hours=4
    )
    TrainingAttendance.objects.create(training=training, person=world.officer_a, hours=4)
    compute(world, reason="补录培训")
    assert result_of(world.officer_a).published_at is None
    assert person_selectors.for_person(world.officer_a, world.officer_a) == [first]


def test_the_task_computes_the_year(active_world: World) -> None:
    from assessment import tasks

    counts = tasks.compute_person_results(active_world.year.pk)
    assert counts["created"] == PersonResult.objects.count() > 0


def test_the_rating_service_refuses_non_reviewers_and_non_officers(active_world: World) -> None:
    world = active_world
    report = submitted_report(world)
    with pytest.raises(AssessmentError):
        services.person_rating_save(
            actor=world.officer_a,
            report=report,
            person=world.officer_a,
            execution=100,
            supervision=100,
        )
    with pytest.raises(AssessmentError):
        services.person_rating_save(
            actor=world.unit_a_reviewer,
            report=report,
            person=world.member,
            execution=100,
            supervision=100,
        )
