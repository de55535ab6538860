"""The cadre record (issue #19.4): rotations linked to posts, the record's sections, the
干部任职和岗位交流参考表 as a page and as a workbook, in a fixed number of queries."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessment import person_results, services
from assessment.cadre_sheet import sheet_title
from assessment.models import Rotation, Scheme
from assessment.selectors import cadre_record
from responsibility.models import AuditEntry, Post, User
from responsibility.models.personal import LeaderLink
from responsibility.services import ServiceError
from tests.factories import UserFactory, World, activate_year, make_world, post


def _rotate(world: World, **overrides) -> Rotation:
    data = {
        "actor": world.unit_a_reviewer,
        "person": world.officer_a,
        "moved_on": datetime.date(2026, 3, 1),
        "from_post": world.officer_a.posts.get(),
        "organisation": world.branch_a2,
        "kind": Post.Kind.CADRE_FULL_TIME,
    }
    return services.rotation_record(**(data | overrides))


@pytest.mark.django_db
def test_it_ends_one_post_and_starts_another_in_one_audited_rotation(active_world: World) -> None:
    world = active_world
    held = world.officer_a.posts.get()
    rotation = _rotate(world, note="轮岗锻炼")
    held.refresh_from_db()
    assert held.end_date == datetime.date(2026, 2, 28)
    started = rotation.to_post_link
    assert (started.organisation, started.kind, started.start_date, started.end_date) == (
        world.branch_a2,
        Post.Kind.CADRE_FULL_TIME,
        datetime.date(2026, 3, 1),
        None,
    )
    assert rotation.from_post_link == held
    assert (rotation.from_post, rotation.to_post) == (
        "甲厅第一党支部 书记",
        "甲厅第二党支部 专职党务干部",
    )
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["post.end", "post.create", "rotation.record"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"moved_on": datetime.date(2099, 1, 1)}, "交流日期不能晚于今天"),
        ({"moved_on": datetime.date(2023, 6, 1)}, "交流日期须晚于原职务的任职开始日期"),
        ({"organisation_is_same": True}, "新职务与原职务相同"),
    ],
)
def test_it_refuses_a_rotation_that_does_not_fit_the_posts(
    active_world: World, overrides: dict, message: str
) -> None:
    world = active_world
    if overrides.pop("organisation_is_same", False):
        overrides = {"organisation": world.branch_a, "kind": Post.Kind.SECRETARY}
    with pytest.raises(ServiceError, match=message):
        _rotate(world, **overrides)
    assert not Rotation.objects.exists()
    assert world.officer_a.posts.get().end_date is None


@pytest.mark.django_db
def test_it_refuses_ending_a_post_someone_else_ended_first(active_world: World) -> None:
    world = active_world
    held = world.officer_a.posts.get()
    Post.objects.filter(pk=held.pk).update(end_date=datetime.date(2025, 6, 30))
    with pytest.raises(ServiceError, match="原职务已于 2025-06-30 结束"):
        _rotate(world, from_post=held)  # the form loaded it while it was current


@pytest.mark.django_db
def test_the_rotation_form_keeps_what_was_typed_and_answers_in_chinese(
    active_world: World, as_user
) -> None:
    world = active_world
    url = reverse("person_record", args=[world.officer_a.pk])
    held = world.officer_a.posts.get()
    response = as_user(world.unit_a_reviewer).post(
        url,
        {
            "moved_on": "2023-06-01",
            "from_post": held.pk,
            "organisation": world.branch_a2.pk,
            "kind": "cadre_part_time",
            "note": "保留的备注",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "交流日期须晚于原职务的任职开始日期" in page
    assert 'value="保留的备注"' in page
    assert 'value="2023-06-01"' in page
    # Outside the reviewer's scope: unit B's branch is not a choice.
    response = as_user(world.unit_a_reviewer).post(
        url,
        {
            "moved_on": "2026-03-01",
            "from_post": held.pk,
            "organisation": world.branch_b.pk,
            "kind": "secretary",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Rotation.objects.exists()


@pytest.mark.django_db
def test_the_record_shows_posts_rotations_and_hours_against_the_requirement(
    active_world: World, as_user
) -> None:
    world = active_world
    Scheme.objects.filter(year=world.year).update(training_hours_required=D(10))
    training = services.training_create(
        actor=world.unit_a_reviewer,
        organiser=world.organ_a,
        held_on=datetime.date(2026, 5, 8),
        topic="党务知识专题培训",
        hours=D(4),
    )
    services.training_attendance_add(
        actor=world.unit_a_reviewer, training=training, attendees=[(world.officer_a, None)]
    )
    _rotate(world)
    record = cadre_record.record(world.officer_a, world.unit_a_reviewer)
    assert [(p.organisation.name, p.end_date) for p in record.posts] == [
        ("甲厅第二党支部", None),
        ("甲厅第一党支部", datetime.date(2026, 2, 28)),
    ]
    hours = {y.year: (y.hours, y.required, y.met) for y in record.hours}
    assert hours[2026] == (D(4), D(10), False)
    for name in ("person_record", "person_sheet"):
        page = as_user(world.unit_a_reviewer).get(reverse(name, args=[world.officer_a.pk]))
        text = page.content.decode()
        assert "甲厅第一党支部 书记 → 甲厅第二党支部 专职党务干部" in text
        assert "差 6 学时" in text
    sheet = as_user(world.officer_a).get(reverse("person_sheet", args=[world.officer_a.pk]))
    assert "干部任职和岗位交流参考表" in sheet.content.decode()
    assert "print_sheet.css" in sheet.content.decode()


def _xlsx(response) -> object:
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


@pytest.mark.django_db
def test_it_exports_one_sheet_per_person(active_world: World, as_user) -> None:
    world = active_world
    _rotate(world)
    book = _xlsx(
        as_user(world.officer_a).get(reverse("person_sheet_export", args=[world.officer_a.pk]))
    )
    assert len(book.sheetnames) == 1
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("栏目", "事项", "时间", "情况")
    assert ("岗位交流", "甲厅第一党支部 书记 → 甲厅第二党支部 专职党务干部") in [
        r[:2] for r in rows
    ]
    # Unit A's officers, one sheet each (the unit A reviewer has one unit: no choice needed).
    unit = _xlsx(as_user(world.unit_a_reviewer).get(reverse("cadre_sheets_export", args=[2026])))
    assert unit.sheetnames == [sheet_title(world.officer_a, set())]
    # The working committee's reviewer chooses the unit; without one, the records page asks.
    reviewer = as_user(world.wc_reviewer)
    url = reverse("cadre_sheets_export", args=[2026])
    assert reviewer.get(url).status_code == 302
    chosen = _xlsx(reviewer.get(url, {"unit": world.unit_a.pk}))
    assert sheet_title(world.officer_a, set()) in chosen.sheetnames
    assert "officer_b" not in str([list(s.iter_rows(values_only=True)) for s in unit.worksheets])


def test_sheet_titles_are_unique_and_legal() -> None:
    taken: set[str] = set()
    one = User(pk=1, username="a", full_name="张三/[组织]:委员*")
    two = User(pk=2, username="b", full_name="张三/[组织]:委员*")
    assert sheet_title(one, taken) == "张三__组织__委员_"
    assert sheet_title(two, taken) == "张三__组织__委员_(2)"


def grow(world: World, n: int) -> None:
    """n of everything on officer A's record, and n more officers in branch A2."""
    for number in range(n):
        training = services.training_create(
            actor=world.admin,
            organiser=world.organ_a,
            held_on=datetime.date(2025 + number % 2, 4, 1 + number),
            topic=f"培训{number}",
            hours=D(2),
        )
        services.training_attendance_add(
            actor=world.admin, training=training, attendees=[(world.officer_a, None)]
        )
        old = post(world.officer_a, world.branch_a2, Post.Kind.COMMITTEE_MEMBER)
        services.rotation_record(
            actor=world.admin,
            person=world.officer_a,
            moved_on=datetime.date(2025, 1, 1 + number),
            from_post=old,
            organisation=world.branch_a2,
            kind=Post.Kind.CADRE_PART_TIME,
        )
        post(UserFactory(), world.branch_a2, Post.Kind.COMMITTEE_MEMBER)
        LeaderLink.objects.create(
            person=world.officer_a,
            kind=LeaderLink.Kind.CONTACT,
            organisation=world.branch_a2,
            start_date=datetime.date(2024, 1, 1 + number),
        )
    # Their own grade, published (personal duties came with the year's activation).
    person_results.person_results_compute(actor=None, year=world.year)
    person_results.person_results_publish(actor=None, year=world.year)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 4])
@pytest.mark.parametrize("name", ["person_record", "person_sheet", "person_sheet_export"])
def test_the_record_and_the_sheet_read_in_a_fixed_number_of_queries(
    as_user, django_assert_num_queries, n: int, name: str
) -> None:
    world = make_world()
    world.year = activate_year(world)
    grow(world, n)
    client = as_user(world.wc_reviewer)
    url = reverse(name, args=[world.officer_a.pk])
    client.get(url)  # the session's first reads
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("n", [1, 4])
def test_a_units_sheets_read_in_a_fixed_number_of_queries(
    as_user, django_assert_num_queries, n: int
) -> None:
    world = make_world()
    world.year = activate_year(world)
    grow(world, n)
    client = as_user(world.unit_a_reviewer)
    url = reverse("cadre_sheets_export", args=[2026])
    client.get(url)
    with django_assert_num_queries(QUERIES["cadre_sheets_export"]):
        response = client.get(url)
    assert len(_xlsx(response).sheetnames) == n + 1  # officer A and n more


# Every page: session, user, the viewer's posts 3. A person's page: the person 1 and the scope's
# view_person check 2 (a many-valued rule: asked as "exists" twice). The record: posts,
# attendance, years, rotations, results, backbone candidacies, accountability's section 7;
# grades, personal duties, 分管/联系支部 3.
# The record page: record_person 1, the rotation form's posts and organisations 2, the
# navigation's year and unread count 2. The sheet page: the navigation 2. The workbook: the
# export's audit entry 1. A unit's workbook (unit A's reviewer, who has no part of the register,
# so accountability's section asks nothing): the units 1, the year 1, the people 1, the record
# 9 (one chunk), the audit entry 1.
QUERIES = {
    "person_record": 21,
    "person_sheet": 18,
    "person_sheet_export": 17,
    "cadre_sheets_export": 16,
}


@pytest.mark.django_db
def test_the_record_shows_their_own_grade_once_published_and_their_duties(
    active_world: World, as_user
) -> None:
    from responsibility.models.personal import PersonalDuty

    world = active_world
    duty = PersonalDuty.objects.filter(person=world.officer_a).first()
    assert duty is not None  # a branch secretary's defaults came with the year
    person_results.person_results_compute(actor=None, year=world.year)
    url = reverse("person_record", args=[world.officer_a.pk])
    page = as_user(world.unit_a_reviewer).get(url)
    assert page.context["record"].grades == []  # computed, not published
    assert duty.content in page.content.decode()
    person_results.person_results_publish(actor=None, year=world.year)
    for viewer in (world.unit_a_reviewer, world.officer_a):
        record = as_user(viewer).get(url).context["record"]
        assert [g.year.year for g in record.grades] == [2026]
        assert record.duties[0].year == 2026
    sheet = as_user(world.officer_a).get(reverse("person_sheet", args=[world.officer_a.pk]))
    assert "本人考核等次" in sheet.content.decode()
    assert "暂无已发布的个人考核结果" not in sheet.content.decode()
