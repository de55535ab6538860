import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.models import Finding
from responsibility.models import AuditEntry, Evidence
from tests.accountability.support import finding_of
from tests.factories import EXE_BYTES, PDF_BYTES, World

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_june")]


def form_data(world: World, **overrides) -> dict:
    return {
        "organisation": world.branch_a.pk,
        "found_on": "2026-06-10",
        "severity": "severe",
        "problem": "党费收缴不及时",
        **overrides,
    }


def test_it_records_a_finding_with_evidence(active_world: World, as_user) -> None:
    upload = SimpleUploadedFile("督查记录.pdf", PDF_BYTES)
    response = as_user(active_world.liaison).post(
        reverse("finding_create"), form_data(active_world, files=[upload])
    )
    finding = Finding.objects.get()
    assert response["Location"] == finding.get_absolute_url()
    assert (finding.organisation, finding.severity, finding.recorded_by) == (
        active_world.branch_a,
        "severe",
        active_world.liaison,
    )
    assert [e.original_name for e in finding.evidence.all()] == ["督查记录.pdf"]
    assert AuditEntry.objects.filter(action="finding.create", object_id=str(finding.pk)).exists()
    page = as_user(active_world.officer_a).get(finding.get_absolute_url()).content.decode()
    assert "党费收缴不及时" in page
    assert reverse("rectification_from_source") not in page  # the branch cannot assign itself


def test_it_offers_only_organisations_the_person_supervises(active_world: World, as_user) -> None:
    response = as_user(active_world.unit_a_reviewer).get(reverse("finding_create"))
    offered = set(response.context["form"].fields["organisation"].queryset)
    assert offered == {active_world.branch_a, active_world.branch_a2}
    refused = as_user(active_world.unit_a_reviewer).post(
        reverse("finding_create"), form_data(active_world, organisation=active_world.branch_b.pk)
    )
    assert refused.status_code == 200
    assert "选择一个有效的选项" in refused.content.decode()
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"found_on": "2026-07-01"}, "督查日期不能晚于今天"),
        ({"problem": ""}, "这个字段是必填项"),
        ({"files": [SimpleUploadedFile("x.pdf", EXE_BYTES)]}, "不是允许的类型"),
    ],
)
def test_it_refuses_bad_input_in_chinese_and_keeps_it(
    active_world: World, as_user, overrides: dict, message: str
) -> None:
    data = form_data(active_world, problem="<b>保留</b>")
    data.update(overrides)
    response = as_user(active_world.liaison).post(reverse("finding_create"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert message in text
    if data["problem"]:
        assert "&lt;b&gt;保留&lt;/b&gt;" in text
    assert not Finding.objects.exists()
    assert not Evidence.objects.exists()


def test_it_lists_only_findings_in_scope(active_world: World, as_user) -> None:
    in_a = finding_of(active_world)
    in_b = finding_of(active_world, active_world.branch_b)
    listed = as_user(active_world.officer_b).get(reverse("finding_list")).context["page"]
    assert [f.pk for f in listed.object_list] == [in_b.pk]
    listed = as_user(active_world.wc_reviewer).get(reverse("finding_list")).context["page"]
    assert {f.pk for f in listed.object_list} == {in_a.pk, in_b.pk}


@pytest.mark.django_db
def test_the_organisation_page_offers_a_finding_only_where_the_person_may_record_one(
    active_world: World, as_user
) -> None:
    """A liaison of unit A who is also a member of a unit B branch sees that branch's page,
    but may not record findings there: the link follows `supervise`, not "is a liaison"."""
    from tests.factories import post

    world = active_world
    post(world.liaison, world.branch_b, "member")
    link = reverse("finding_create") + "?organisation="
    client = as_user(world.liaison)
    own = client.get(reverse("organisation_detail", args=[world.branch_a.pk])).content.decode()
    assert f"{link}{world.branch_a.pk}" in own
    other = client.get(reverse("organisation_detail", args=[world.branch_b.pk]))
    assert other.status_code == 200
    assert link not in other.content.decode()
