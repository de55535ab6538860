"""What if (试算, issue #20.7): a draft scheme's preview lists exactly the organisations whose
grade or rank a recompute under it changes, writes nothing, and is recorded when it is saved."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import results, services, whatif
from assessment.models import AnnualResult, Scheme, SchemePreview
from responsibility.models import Obligation, Organisation, Year
from tests.factories import World, activate_year, make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_june")]

# Narrower bands and a harsher missing-evidence deduction: some organisations drop a grade,
# others keep theirs but change places.
DRAFT = {"good_min": Decimal(70), "fairly_good_min": Decimal(40), "average_min": Decimal(20)}
HARSHER = {"no_evidence_deduction_percent": Decimal(90)}


def fill(year: Year) -> None:
    """Each organisation with a checklist has done a different share of what is due so far
    (none with evidence), so their composites spread across the bands."""
    today = datetime.date(2026, 6, 15)
    organisations = Organisation.objects.filter(checklists__year=year).order_by("path")
    for index, organisation in enumerate(organisations):
        due = list(
            Obligation.objects.filter(organisation=organisation, due_date__lt=today)
            .order_by("due_date", "pk")
            .values_list("pk", flat=True)
        )
        done = due[: len(due) * (index % 5 + 1) // 5]
        Obligation.objects.filter(pk__in=done).update(
            status=Obligation.Status.DONE, completed_on=datetime.date(2026, 3, 1)
        )


def standing(year: Year) -> dict[int, tuple[str, int]]:
    return {
        org_id: (grade, rank)
        for org_id, grade, rank in AnnualResult.objects.filter(
            year=year, is_current=True
        ).values_list("organisation_id", "grade", "rank_in_tier")
    }


def stored(year: Year) -> list[tuple[Any, ...]]:
    return list(AnnualResult.objects.filter(year=year).order_by("pk").values_list())


def scheme_form(scheme: Scheme, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        name: getattr(scheme, name) if getattr(scheme, name) is not None else ""
        for name in Scheme.EDITABLE_FIELDS
    }
    return data | {"version": scheme.version} | overrides


@pytest.fixture
def filled(active_world: World) -> World:
    assert active_world.year is not None
    fill(active_world.year)
    results.results_compute(actor=None, year=active_world.year)
    return active_world


@pytest.mark.parametrize("draft", [DRAFT, HARSHER, DRAFT | HARSHER | {"good_quota_percent": 20}])
def test_it_lists_exactly_the_organisations_a_recompute_under_the_draft_moves(
    filled: World, draft: dict[str, Any]
) -> None:
    year = filled.year
    assert year is not None
    before, rows_before = standing(year), stored(year)
    saved = Scheme.objects.get(year=year)

    preview = whatif.scheme_preview(year, whatif.draft_of(saved, draft))

    assert stored(year) == rows_before  # the preview wrote no result…
    assert Scheme.objects.get(year=year).version == saved.version  # …nor the scheme
    assert not SchemePreview.objects.exists()

    services.scheme_update(actor=filled.admin, scheme=saved, version=saved.version, **draft)
    results.results_compute(actor=None, year=year)
    after = standing(year)
    moved = {org_id for org_id in before if before[org_id] != after[org_id]}
    assert moved, "the draft must move someone, or the comparison proves nothing"
    assert len(moved) < len(before)
    assert {change.organisation_id: change for change in preview.changes}.keys() == moved
    for change in preview.changes:
        assert (change.grade_before, change.rank_before) == before[change.organisation_id]
        assert (change.grade_after, change.rank_after) == after[change.organisation_id]
        assert change.causes
    assert preview.organisations == len(before)


def test_it_names_the_cause(filled: World) -> None:
    year = filled.year
    assert year is not None
    saved = Scheme.objects.get(year=year)
    bands = whatif.scheme_preview(year, whatif.draft_of(saved, DRAFT))
    assert any("等次分数线" in cause for c in bands.changes for cause in c.causes)
    assert all(c.composite_before == c.composite_after for c in bands.changes)
    harsher = whatif.scheme_preview(year, whatif.draft_of(saved, HARSHER))
    assert any("过程监督得分" in cause for c in harsher.changes for cause in c.causes)
    unchanged = whatif.scheme_preview(year, whatif.draft_of(saved, {}))
    assert unchanged.changes == []


def test_it_previews_on_the_page_and_records_the_preview_with_the_save(
    filled: World, as_user
) -> None:
    year = filled.year
    assert year is not None
    scheme = Scheme.objects.get(year=year)
    client = as_user(filled.admin)
    url = reverse("scheme_edit", args=[2026])
    rows_before = stored(year)

    shown = client.post(url, scheme_form(scheme, preview="1", **DRAFT))
    assert shown.status_code == 200
    preview = shown.context["preview"]
    assert preview.changes
    page = shown.content.decode()
    assert "试算结果" in page
    assert preview.changes[0].organisation in page
    assert stored(year) == rows_before
    assert Scheme.objects.get(pk=scheme.pk).version == scheme.version
    assert not SchemePreview.objects.exists()

    saved = client.post(url, scheme_form(scheme, preview_digest=preview.digest, **DRAFT))
    assert saved.status_code == 302
    record = SchemePreview.objects.get()
    assert record.was_shown
    assert record.scheme_version == scheme.version + 1
    assert record.created_by == filled.admin
    assert record.changes == [change.as_json() for change in preview.changes]
    assert record.draft["good_min"] == "70"
    listed = client.get(url).content.decode()
    assert "方案保存记录" in listed


def test_it_records_a_save_without_a_preview_as_not_shown(filled: World, as_user) -> None:
    scheme = Scheme.objects.get(year=filled.year)
    client = as_user(filled.admin)
    response = client.post(
        reverse("scheme_edit", args=[2026]),
        scheme_form(scheme, preview_digest="stale", **HARSHER),
    )
    assert response.status_code == 302
    record = SchemePreview.objects.get()
    assert not record.was_shown
    assert record.changes  # what the save did is kept all the same


def test_it_keeps_the_typed_numbers_and_previews_nothing_on_bad_input(
    filled: World, as_user
) -> None:
    scheme = Scheme.objects.get(year=filled.year)
    response = as_user(filled.admin).post(
        reverse("scheme_edit", args=[2026]),
        scheme_form(scheme, preview="1", weight_process="50"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "三部分权重之和必须为 100" in page
    assert 'value="50"' in page
    assert response.context["preview"] is None


@pytest.mark.parametrize("extra", [0, 6])
def test_it_previews_in_a_fixed_number_of_queries(
    as_user, django_assert_num_queries, extra: int
) -> None:
    world = make_world(extra_branches=extra)
    world.year = activate_year(world)
    fill(world.year)
    results.results_compute(actor=None, year=world.year)
    scheme = Scheme.objects.get(year=world.year)
    client = as_user(world.admin)
    data = scheme_form(scheme, preview="1", **DRAFT)
    client.get(reverse("scheme_edit", args=[2026]))  # the session's first reads
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.post(reverse("scheme_edit", args=[2026]), data)
    assert len(response.context["preview"].changes) >= 1


# Session, user and posts 3, year 1, the form's scheme 1 and its two check constraints 6 (each
# in a savepoint), the saved scheme 1, the year's data 6 (organisations, obligations, reviews,
# votes, ledger, caps: loaded once for both schemes), the moved organisations' names 1, the
# saved previews 1, the navigation's unread count 1.
PREVIEW_QUERIES = 21


def test_the_query_budget_is_what_the_page_spends(filled: World, as_user) -> None:
    """Keeps PREVIEW_QUERIES honest: measured, not guessed."""
    scheme = Scheme.objects.get(year=filled.year)
    client = as_user(filled.admin)
    client.get(reverse("scheme_edit", args=[2026]))
    with CaptureQueriesContext(connection) as queries:
        client.post(reverse("scheme_edit", args=[2026]), scheme_form(scheme, preview="1", **DRAFT))
    assert len(queries) == PREVIEW_QUERIES
