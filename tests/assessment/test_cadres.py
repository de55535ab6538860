"""Party-affairs cadres: training attendance (browser and Excel), rotation, young cadres."""

import datetime
import io
import re
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assessment import attendance_import
from assessment import selectors as assessment_selectors
from assessment import services as assessment_services
from assessment.models import Rotation, Training, TrainingAttendance
from tests.factories import World


def training(world: World) -> Training:
    return assessment_services.training_create(
        actor=world.unit_a_reviewer,
        organiser=world.organ_a,
        held_on=datetime.date(2026, 5, 8),
        topic="党务知识专题培训",
        hours=D(4),
    )


def workbook(rows: list[tuple]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["用户名", "学时"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("参训.xlsx", buffer.getvalue())


@pytest.mark.django_db
def test_it_imports_attendance_and_refuses_a_file_with_one_bad_row(
    active_world: World, as_user
) -> None:
    world = active_world
    session = training(world)
    client = as_user(world.unit_a_reviewer)
    url = reverse("training_import", args=[session.pk])
    bad = workbook([("officer_a", 4), ("member", None), ("nobody", 2)])
    response = client.post(url, {"file": bad})
    assert [(e.row, e.column) for e in response.context["errors"]] == [(4, "用户名")]
    assert "找不到用户“nobody”" in response.content.decode()
    assert TrainingAttendance.objects.count() == 0
    good = workbook([("officer_a", 4), ("member", "2.5")])
    preview = client.post(url, {"file": good})
    assert preview.templates[0].name == "assessment/training_import_preview.html"
    assert TrainingAttendance.objects.count() == 0  # the preview writes nothing
    assert client.post(url, {"action": "confirm"}).status_code == 302
    hours = dict(TrainingAttendance.objects.values_list("person__username", "hours"))
    assert hours == {"officer_a": D(4), "member": D("2.5")}


@pytest.mark.django_db
def test_it_names_duplicates_and_bad_hours(active_world: World) -> None:
    session = training(active_world)
    plan = attendance_import.attendance_from_excel(
        session, workbook([("officer_a", 4), ("officer_a", 4), ("member", "-1")])
    )
    messages = [str(e) for e in plan.errors]
    assert any("第3行「用户名」" in m and "重复" in m for m in messages)
    assert any("第4行「学时」" in m for m in messages)


@pytest.mark.django_db
def test_it_refuses_garbage_bytes(active_world: World) -> None:
    session = training(active_world)
    plan = attendance_import.attendance_from_excel(
        session, SimpleUploadedFile("x.xlsx", b"not a workbook")
    )
    assert plan.errors
    assert "无法读取" in str(plan.errors[0])


@pytest.mark.django_db
def test_it_counts_young_cadres_hours_by_unit(active_world: World) -> None:
    world = active_world
    today = datetime.date(2026, 11, 25)
    world.officer_a.birth_date = datetime.date(1995, 3, 1)  # 31: young
    world.officer_a.save()
    world.officer_b.birth_date = datetime.date(1980, 3, 1)  # 46: not young
    world.officer_b.save()
    session = training(world)
    assessment_services.training_attendance_add(
        actor=world.unit_a_reviewer, training=session, attendees=[(world.officer_a, None)]
    )
    rows = assessment_selectors.young_cadres(world.admin, 2026, today=today)
    assert [(r.unit.code, r.people, r.hours) for r in rows] == [("A", 1, D(4))]
    assert (
        assessment_selectors.young_cadres(world.unit_a_reviewer, 2026, today=today)[0].people == 1
    )


@pytest.mark.django_db
def test_a_reviewer_records_a_rotation_on_the_cadre_record(active_world: World, as_user) -> None:
    world = active_world
    url = reverse("person_record", args=[world.officer_a.pk])
    held = world.officer_a.posts.get()
    response = as_user(world.unit_a_reviewer).post(
        url,
        {
            "moved_on": "2026-03-01",
            "from_post": held.pk,
            "organisation": world.branch_a2.pk,
            "kind": "cadre_full_time",
        },
    )
    assert response.status_code == 302
    rotation = Rotation.objects.get()
    assert rotation.to_post == "甲厅第二党支部 专职党务干部"
    assert rotation.from_post_link == held
    page = as_user(world.officer_a).get(url).content.decode()
    assert "甲厅第二党支部 专职党务干部" in page
    assert as_user(world.officer_a).post(url, {}).status_code == 403


@pytest.mark.django_db
def test_it_exports_the_cadres_records_with_training_hours(active_world: World, as_user) -> None:
    from openpyxl import load_workbook

    world = active_world
    session = training(world)
    assessment_services.training_attendance_add(
        actor=world.unit_a_reviewer, training=session, attendees=[(world.officer_a, None)]
    )
    response = as_user(world.unit_a_reviewer).get(reverse("cadre_export", args=[2026]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = {r[1]: r for r in book["党务干部档案"].iter_rows(min_row=2, values_only=True)}
    assert rows["officer_a"][6:] == (1, 4)
    assert "officer_b" not in rows
    assert "青年干部学习" in book.sheetnames


@pytest.mark.django_db
def test_a_cadre_record_shows_only_the_results_the_viewer_may_read(
    active_world: World, as_user
) -> None:
    """A person who once served in unit B: unit A's reviewer opens their record (they review
    the current post) but must not read unit B's result through it; the person sees both."""
    from decimal import Decimal

    from assessment.models import AnnualResult
    from tests.factories import post

    world = active_world
    former = post(world.officer_a, world.branch_b, "committee_member")
    former.start_date, former.end_date = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    former.save()
    for organisation, composite in ((world.branch_a, "91.00"), (world.branch_b, "77.00")):
        AnnualResult.objects.create(
            organisation=organisation,
            year=world.year,
            process_score=Decimal(composite),
            ledger_points=Decimal(0),
            composite=Decimal(composite),
            grade="good",
            published_at=datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC),
        )
    url = reverse("person_record", args=[world.officer_a.pk])
    reviewer_view = as_user(world.unit_a_reviewer).get(url)
    assert [r.organisation for r in reviewer_view.context["record"].results] == [world.branch_a]
    assert "77.00" not in reviewer_view.content.decode()
    own_view = as_user(world.officer_a).get(url)
    assert {r.organisation for r in own_view.context["record"].results} == {
        world.branch_a,
        world.branch_b,
    }


@pytest.mark.django_db
def test_it_gives_404_for_young_cadres_of_an_unknown_year(active_world: World, as_user) -> None:
    client = as_user(active_world.wc_reviewer)
    assert client.get(reverse("young_cadres", args=[2026])).status_code == 200
    assert client.get(reverse("young_cadres", args=[2031])).status_code == 404
    # Who may not read it at all still learns nothing about which years exist.
    officer = as_user(active_world.officer_a)
    assert officer.get(reverse("young_cadres", args=[2031])).status_code == 403


def picker_groups(html: str) -> list[tuple[str, list[str]]]:
    """The attendance picker as (organisation, [label of each person]) in page order."""
    picker = html[html.index('id="attendancePicker"') :]
    picker = picker[: picker.index('<button class="btn btn-primary" type="submit">')]
    groups = []
    for block in picker.split("<fieldset data-attendance-group>")[1:]:
        legend = re.search(r"<legend>(.*?)</legend>", block).group(1)
        labels = re.findall(r'<label class="form-check-label"[^>]*>(.*?)</label>', block)
        groups.append((legend, [re.sub(r"<[^>]+>", "", label).strip() for label in labels]))
    return groups


@pytest.mark.django_db
def test_it_groups_attendance_by_organisation_and_names_people(active_world: World, as_user):
    world = active_world
    session = training(world)
    url = session.get_absolute_url()

    page = as_user(world.unit_a_reviewer).get(url).content.decode()
    groups = dict(picker_groups(page))
    assert list(groups) == ["甲厅机关党委", "甲厅第一党支部"]
    names = {person.username: person.display_name for person in (world.officer_a, world.member)}
    assert groups["甲厅第一党支部"] == sorted([names["officer_a"], names["member"]])
    assert "officer_a" not in page  # login codes are for admins
    assert 'for="attendanceFilter"' in page
    assert "js/attendance_picker.js" in page

    admin_page = as_user(world.admin).get(url).content.decode()
    assert f"{names['officer_a']} officer_a" in dict(picker_groups(admin_page))["甲厅第一党支部"]


@pytest.mark.django_db
def test_it_keeps_ticks_when_the_picker_comes_back_with_an_error(active_world: World, as_user):
    world = active_world
    session = training(world)
    page = as_user(world.unit_a_reviewer).post(
        session.get_absolute_url(), {"people": [str(world.member.pk), "999999"]}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{world.member.pk}" id="attendee{world.member.pk}" checked' in html
    assert 'id="peopleErrors"' in html
