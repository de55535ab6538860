import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability import selectors, services
from accountability.models import AccountabilityCase
from assessment.models import GradeCap, Scheme
from responsibility import scope
from responsibility.models import AuditEntry, Post, Tier
from tests.accountability.support import case_of, finding_of, rectification_of
from tests.factories import PDF_BYTES, UserFactory, World, org, post

pytestmark = pytest.mark.django_db

REGISTER_URLS = ["case_list", "case_create"]


def case_urls(case: AccountabilityCase) -> list[str]:
    return [
        *(reverse(name) for name in REGISTER_URLS),
        *(reverse(name, args=[case.pk]) for name in ("case_detail", "case_edit", "case_document")),
    ]


def discipline_staff(world: World, unit) -> object:
    """An officer of the unit's 机关纪委 (tier kind discipline_committee)."""
    code = f"{unit.code}-JGJW"
    committee = org(code, Tier.Kind.DISCIPLINE_COMMITTEE, unit, f"{unit.name}机关纪委")
    person = UserFactory(username=f"jw-{unit.code}")
    post(person, committee, Post.Kind.SECRETARY)
    return person


class TestVisibility:
    def test_it_hides_the_register_from_officers_members_and_organ_reviewers(
        self, active_world: World, as_user
    ) -> None:
        case = case_of(active_world, document=True)
        for persona in ("officer_a", "member", "liaison", "unit_a_reviewer", "officer_b"):
            client = as_user(getattr(active_world, persona))
            for url in case_urls(case):
                assert client.get(url).status_code == 404, (persona, url)
            page = client.get(reverse("rectification_list")).content.decode()
            assert reverse("case_list") not in page

    def test_it_shows_the_register_to_admins_and_working_committee_reviewers(
        self, active_world: World, as_user
    ) -> None:
        case = case_of(active_world, document=True)
        for persona in ("admin", "wc_reviewer"):
            client = as_user(getattr(active_world, persona))
            for url in case_urls(case):
                assert client.get(url).status_code == 200, (persona, url)
            assert (
                reverse("case_list") in client.get(reverse("rectification_list")).content.decode()
            )
        document = as_user(active_world.admin).get(reverse("case_document", args=[case.pk]))
        assert b"".join(document.streaming_content) == PDF_BYTES

    def test_it_shows_discipline_committee_staff_the_cases_of_their_unit_only(
        self, active_world: World, as_user
    ) -> None:
        staff = discipline_staff(active_world, active_world.unit_a)
        own = case_of(active_world)
        other = services.case_create(
            actor=active_world.admin,
            data=services.CaseInput(
                year=active_world.year,
                target_type=AccountabilityCase.TargetType.ORGANISATION,
                organisation=active_world.branch_b,
                person=None,
                form=AccountabilityCase.Form.INSPECTION,
                reason="乙厅问题",
                decided_on=datetime.date(2026, 5, 2),
            ),
        )
        client = as_user(staff)
        listed = client.get(reverse("case_list")).context["page"].object_list
        assert [c.pk for c in listed] == [own.pk]
        assert client.get(reverse("case_detail", args=[own.pk])).status_code == 200
        assert client.get(reverse("case_detail", args=[other.pk])).status_code == 404
        scope.forget(staff)
        choices = selectors.case_organisations(staff)
        assert set(choices.values_list("unit_id", flat=True)) == {active_world.unit_a.pk}

    def test_it_links_the_register_for_exactly_the_people_of_scopes_register_action(
        self, active_world: World, as_user
    ) -> None:
        staff = discipline_staff(active_world, active_world.unit_a)
        for person in (staff, active_world.wc_reviewer, active_world.unit_a_reviewer):
            page = as_user(person).get(reverse("rectification_list")).content.decode()
            entitled = scope.scope_for(person).may_any("register")
            assert (reverse("case_list") in page) == entitled, person.username
        assert scope.scope_for(staff).may_any("register")
        assert not scope.scope_for(active_world.unit_a_reviewer).may_any("register")

    def test_it_writes_audit_entries_that_name_no_organisation(self, active_world: World) -> None:
        case = case_of(active_world)
        entry = AuditEntry.objects.get(object_type="accountability.accountabilitycase")
        assert entry.object_id == str(case.pk)
        assert entry.organisation is None


class TestCap:
    def test_it_caps_the_grade_at_average_without_a_scheme(self, active_world: World) -> None:
        Scheme.objects.all().delete()  # a year made outside year_create
        case = case_of(active_world)
        cap = GradeCap.objects.get()
        assert (cap.organisation, cap.year, cap.max_grade) == (
            active_world.branch_a,
            active_world.year,
            "average",
        )
        assert cap.source == f"accountability:{case.pk}"

    def test_it_caps_the_grade_at_the_schemes_setting(self, active_world: World) -> None:
        Scheme.objects.filter(year=active_world.year).update(accountability_cap="fairly_good")
        case_of(active_world)
        assert GradeCap.objects.get().max_grade == "fairly_good"

    def test_it_moves_the_cap_when_the_case_moves(self, active_world: World) -> None:
        case = case_of(active_world)
        services.case_update(
            actor=active_world.admin,
            case=case,
            version=case.version,
            data=services.CaseInput(
                year=active_world.year,
                target_type=AccountabilityCase.TargetType.ORGANISATION,
                organisation=active_world.branch_a2,
                person=None,
                form=AccountabilityCase.Form.CIRCULATE,
                reason="更正",
                decided_on=case.decided_on,
            ),
        )
        assert list(GradeCap.objects.values_list("organisation_id", flat=True)) == [
            active_world.branch_a2.pk
        ]

    def test_it_registers_a_person_case_through_the_page_and_caps_their_organisation(
        self, active_world: World, as_user
    ) -> None:
        world = active_world
        finding = finding_of(world)
        rectification = rectification_of(world)
        client = as_user(world.wc_reviewer)
        data = {
            "year": world.year.pk,
            "target_type": "person",
            "organisation": world.branch_a.pk,
            "person": world.officer_a.pk,
            "form": "admonish",
            "reason": "履行第一责任人职责不力",
            "decided_on": "2026-05-20",
            "findings": [finding.pk],
            "rectifications": [rectification.pk],
            "document": SimpleUploadedFile("诫勉决定.pdf", PDF_BYTES),
        }
        response = client.post(reverse("case_create"), data)
        case = AccountabilityCase.objects.get()
        assert response.status_code == 302
        assert (case.person, case.form, case.document_name) == (
            world.officer_a,
            "admonish",
            "诫勉决定.pdf",
        )
        assert list(case.findings.all()) == [finding]
        assert list(case.rectifications.all()) == [rectification]
        assert GradeCap.objects.get().organisation == world.branch_a

    def test_it_refuses_a_form_that_does_not_fit_the_target_and_keeps_the_input(
        self, active_world: World, as_user
    ) -> None:
        response = as_user(active_world.admin).post(
            reverse("case_create"),
            {
                "year": active_world.year.pk,
                "target_type": "organisation",
                "organisation": active_world.branch_a.pk,
                "form": "disciplinary",
                "reason": "我写的事由",
                "decided_on": "2026-05-20",
            },
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert "该问责方式不适用于所选问责对象" in text
        assert "我写的事由" in text
        assert not AccountabilityCase.objects.exists()
        assert not GradeCap.objects.exists()
