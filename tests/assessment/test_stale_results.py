"""Results never silently stale (#18): a change to a published result's inputs marks it 待更新
on the results list, the result page and the workbook; the admin's one action recomputes the
marked results as new versions and the marks clear."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountability import services as accountability_services
from accountability.models import AccountabilityCase
from assessment import results, selectors, services, stale
from assessment.models import AnnualResult, DutyReport, Scheme
from responsibility.models import AuditEntry
from tests.assessment.conftest import publish_scored_review
from tests.assessment.test_views import add_branches
from tests.factories import UserFactory, World

CASE_SECRETS = ("问责", "诫勉", "2026-03-17", "被诫勉人", "违规发放津贴", "新增：不高于")
LIST_URL = reverse("result_list", args=[2026])


def all_good(world: World) -> None:
    """Every grade is "好" before a cap, so a cap changes the grade."""
    Scheme.objects.update_or_create(
        year=world.year, defaults={"good_min": 0, "fairly_good_min": 0, "average_min": 0}
    )


def publish(world: World) -> None:
    results.results_compute(actor=None, year=world.year)
    results.results_publish(actor=None, year=world.year)


def current(organisation: Any) -> AnnualResult:
    return AnnualResult.objects.get(organisation=organisation, is_current=True)


def register_case(world: World) -> AccountabilityCase:
    return accountability_services.case_create(
        actor=world.admin,
        data=accountability_services.CaseInput(
            year=world.year,
            target_type=AccountabilityCase.TargetType.PERSON,
            organisation=world.branch_a,
            person=UserFactory(full_name="被诫勉人"),
            form=AccountabilityCase.Form.ADMONISH,
            reason="违规发放津贴",
            decided_on=datetime.date(2026, 3, 17),
        ),
    )


def list_row(html: str, name: str) -> str:
    rows = [row for row in html.split("<tr>") if name in row]
    assert len(rows) == 1, name
    return rows[0]


def summary_rows(response: Any) -> dict[str, dict[str, Any]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(body))["汇总"]
    header = [c.value for c in sheet[1]]
    return {
        row[1]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }


def workbook_cells(response: Any) -> list[str]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return [str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r if v]


@pytest.fixture
def case_after_publication(active_world: World) -> World:
    """Branch A's "好" published, then an accountability case caps it at "一般"."""
    world = active_world
    all_good(world)
    publish(world)
    assert current(world.branch_a).grade == "good"
    register_case(world)
    return world


@pytest.mark.django_db
class TestACaseAfterPublication:
    def test_it_marks_the_result_and_the_admin_finds_the_mark_everywhere_the_grade_shows(
        self, case_after_publication: World, as_user
    ) -> None:
        world = case_after_publication
        result = current(world.branch_a)
        assert result.grade == "good"  # published versions stay as they were
        assert result.stale_since is not None
        assert [r["code"] for r in result.stale_reasons] == ["cap"]
        assert current(world.branch_a2).stale_since is None
        entry = AuditEntry.objects.get(action="results.stale")
        assert entry.organisation_id == world.branch_a.pk
        assert "问责" not in str(entry.changes)  # the trail keeps the kind of change only

        client = as_user(world.admin)
        listing = client.get(LIST_URL).content.decode()
        row = list_row(listing, world.branch_a.name)
        assert "待更新" in row
        assert "等次限制有变化" in row
        assert "待更新" not in list_row(listing, world.branch_a2.name)
        assert reverse("results_refresh", args=[2026]) in listing

        page = client.get(result.get_absolute_url()).content.decode()
        assert "待更新" in page
        assert "等次限制有变化" in page
        assert "新增：不高于“一般”，被问责（诫勉，2026-03-17）" in page  # the register's detail

        rows = summary_rows(client.get(reverse("results_export", args=[2026])))
        exported = rows[world.branch_a.name]
        assert exported["等次"] == "好"
        assert exported["结果状态"].startswith("待更新")
        assert "等次限制有变化" in exported["结果状态"]
        assert rows[world.branch_a2.name]["结果状态"] == "—"

    @pytest.mark.parametrize("persona", ["member", "officer_a", "liaison", "unit_a_reviewer"])
    def test_outside_the_register_it_shows_the_mark_without_the_case(
        self, case_after_publication: World, as_user, persona: str
    ) -> None:
        world = case_after_publication
        client = as_user(world.persona(persona))
        listing = client.get(LIST_URL).content.decode()
        row = list_row(listing, world.branch_a.name)
        assert "待更新" in row
        assert "等次限制有变化" in row
        assert reverse("results_refresh", args=[2026]) not in listing
        page = client.get(current(world.branch_a).get_absolute_url()).content.decode()
        assert "待更新" in page
        assert "等次限制有变化" in page
        for text in (listing, page):
            for secret in CASE_SECRETS:
                assert secret not in text, secret
        if persona == "unit_a_reviewer":
            cells = workbook_cells(client.get(reverse("results_export", args=[2026])))
            assert any(c.startswith("待更新") and "等次限制有变化" in c for c in cells)
            assert not any(secret in c for c in cells for secret in CASE_SECRETS)

    def test_the_admins_refresh_publishes_a_new_capped_version_and_the_marks_clear(
        self, case_after_publication: World, as_user
    ) -> None:
        world = case_after_publication
        untouched = current(world.branch_a2)
        client = as_user(world.admin)
        response = client.post(reverse("results_refresh", args=[2026]))
        assert response.status_code == 302
        result = current(world.branch_a)
        assert (result.version, result.grade) == (2, "average")
        assert result.published_at is not None
        assert (result.stale_since, result.stale_reasons) == (None, [])
        assert "等次限制有变化" in result.reason
        assert "问责" not in result.reason  # members read a published version's reason
        first = AnnualResult.objects.get(organisation=world.branch_a, version=1)
        assert not first.is_current
        assert first.stale_since is None
        assert current(world.branch_a2).pk == untouched.pk
        assert AuditEntry.objects.filter(action="results.refresh").exists()

        listing = client.get(LIST_URL).content.decode()
        assert "待更新" not in listing
        assert reverse("results_refresh", args=[2026]) not in listing
        rows = summary_rows(client.get(reverse("results_export", args=[2026])))
        assert rows[world.branch_a.name]["等次"] == "一般"
        assert rows[world.branch_a.name]["结果状态"] == "—"
        member_page = as_user(world.member).get(result.get_absolute_url()).content.decode()
        assert "待更新" not in member_page
        assert "等次限制有变化" in member_page  # the version's reason, neutral
        for secret in CASE_SECRETS:
            assert secret not in member_page, secret

    def test_only_the_admin_may_refresh(self, case_after_publication: World, as_user) -> None:
        world = case_after_publication
        url = reverse("results_refresh", args=[2026])
        assert as_user(world.wc_reviewer).post(url).status_code == 403
        assert as_user(world.admin).get(url).status_code == 405
        assert current(world.branch_a).stale_since is not None


# --- every other input after publication -------------------------------------------------------


def publish_a_review(world: World) -> None:
    publish_scored_review(world, "缺少会议记录")


def approve_a_deduction(world: World) -> None:
    entry = services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=world.year,
        kind="deduction",
        points=Decimal(3),
        reason="台账不全",
    )
    services.ledger_decide(actor=world.unit_a_reviewer, entry=entry, approve=True)


def cast_a_vote(world: World) -> None:
    report = DutyReport.objects.create(organisation=world.branch_a, year=world.year, text="述职")
    DutyReport.objects.filter(pk=report.pk).update(submitted_at=datetime.datetime.now(datetime.UTC))
    report.refresh_from_db()
    report.raters.add(world.member)
    services.vote_cast(actor=world.member, report=report, choice="poor")


def change_the_scheme(world: World, process: int = 20) -> None:
    scheme = selectors.scheme_for(world.year)
    services.scheme_update(
        actor=world.admin,
        scheme=scheme,
        version=scheme.version,
        weight_process=Decimal(process),
        weight_year_end=Decimal(70 - process),
    )


CHANGES: list[tuple[Callable[[World], None], str, str]] = [
    (publish_a_review, "季度检查评分有变化", "2026年第二季度检查"),
    (approve_a_deduction, "加减分有变化", "−3 台账不全"),
    (cast_a_vote, "述职评议票有变化", ""),
    (change_the_scheme, "考核方案有变化", ""),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "label", "detail"), CHANGES, ids=[c[0].__name__ for c in CHANGES]
)
def test_a_change_after_publication_marks_the_result_until_the_refresh(
    assessed_world: World, as_user, change, label: str, detail: str
) -> None:
    world = assessed_world
    publish(world)
    before = current(world.branch_a)
    change(world)
    result = current(world.branch_a)
    assert result.pk == before.pk
    assert result.stale_since is not None
    mark = stale.mark_of(result.stale_since, result.stale_reasons, details=True)
    assert mark is not None
    assert mark.labels == [label]
    assert [line.detail for line in mark.lines] == [detail]
    client = as_user(world.admin)
    assert label in list_row(client.get(LIST_URL).content.decode(), world.branch_a.name)
    page = client.get(result.get_absolute_url()).content.decode()
    assert "待更新" in page
    assert label in page
    client.post(reverse("results_refresh", args=[2026]))
    refreshed = current(world.branch_a)
    assert refreshed.stale_since is None
    assert refreshed.published_at is not None
    if refreshed.pk != before.pk:
        assert refreshed.version == before.version + 1
        assert label in refreshed.reason


@pytest.mark.django_db
def test_what_does_not_change_a_published_result_leaves_no_mark(assessed_world: World) -> None:
    world = assessed_world
    results.results_compute(actor=None, year=world.year)
    approve_a_deduction(world)  # before publication: computing updates it in place
    assert current(world.branch_a).stale_since is None
    results.results_publish(actor=None, year=world.year)
    entry = services.ledger_propose(
        actor=world.wc_reviewer,
        organisation=world.branch_a,
        year=world.year,
        kind="bonus",
        points=Decimal(1),
        reason="推广经验",
    )
    services.ledger_decide(actor=world.unit_a_reviewer, entry=entry, approve=False)
    scheme = selectors.scheme_for(world.year)
    services.scheme_update(
        actor=world.admin,
        scheme=scheme,
        version=scheme.version,
        report_deadline=datetime.date(2026, 12, 31),
    )
    assert not AnnualResult.objects.filter(stale_since__isnull=False).exists()


@pytest.mark.django_db
def test_a_cap_removed_after_publication_marks_too(assessed_world: World) -> None:
    world = assessed_world
    services.grade_cap_add(
        actor=None,
        organisation=world.branch_a,
        year=world.year,
        max_grade="average",
        reason="负面清单",
        source="manual:1",
    )
    publish(world)
    assert current(world.branch_a).stale_since is None
    services.grade_cap_remove(
        actor=None, organisation=world.branch_a, year=world.year, source="manual:1"
    )
    reasons = current(world.branch_a).stale_reasons
    assert [(r["code"], r["detail"]) for r in reasons] == [("cap", "移除：不高于“一般”，负面清单")]


@pytest.mark.django_db
def test_a_recompute_that_changes_nothing_clears_the_mark(assessed_world: World) -> None:
    world = assessed_world
    publish(world)
    scheme = selectors.scheme_for(world.year)
    # No votes yet: the value of a "差" vote changes no number.
    services.scheme_update(
        actor=world.admin, scheme=scheme, version=scheme.version, vote_poor=Decimal(30)
    )
    assert current(world.branch_a).stale_since is not None
    counts = results.results_compute(actor=None, year=world.year)
    assert counts["versions"] == 0
    assert counts["confirmed"] == AnnualResult.objects.filter(is_current=True).count()
    assert not AnnualResult.objects.filter(stale_since__isnull=False).exists()


@pytest.mark.django_db
def test_the_results_list_keeps_a_flat_query_count_with_marks(
    assessed_world: World, client
) -> None:
    world = assessed_world
    publish(world)
    change_the_scheme(world)
    client.force_login(world.admin)

    def count() -> int:
        client.get(LIST_URL)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST_URL)
        assert response.status_code == 200
        assert response.content.decode().count('badge text-bg-warning">待更新') >= 5
        return len(captured)

    small = count()
    add_branches(world, 5)
    results.results_refresh(actor=None, year=world.year)
    publish(world)  # the new branches
    change_the_scheme(world, process=10)
    assert AnnualResult.objects.filter(stale_since__isnull=False).count() >= 12
    assert count() == small
