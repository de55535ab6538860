"""Assessment pages through the client: scoring form, officers' view, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessment import results, services
from assessment.models import AnnualResult
from responsibility import services as core_services
from responsibility.models import Checklist
from tests.assessment.conftest import started_review
from tests.factories import World, org


def score_data(review, **overrides):
    data = {"version": review.version}
    for row in review.scores.all():
        data[f"score_{row.item_id}"] = str(row.score)
        data[f"reason_{row.item_id}"] = row.reason
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestScoringPage:
    def test_it_saves_a_deduction_with_its_reason_and_submits(
        self, assessed_world: World, as_user
    ) -> None:
        review = started_review(assessed_world)
        row = review.scores.select_related("item").get(item__ref="ZB-3-02")
        response = as_user(assessed_world.wc_reviewer).post(
            review.get_absolute_url(),
            score_data(
                review,
                **{f"score_{row.item_id}": "4.5", f"reason_{row.item_id}": "五月未召开支委会"},
                submit="1",
            ),
        )
        assert response.status_code == 302
        row.refresh_from_db()
        review.refresh_from_db()
        assert (row.score, row.reason) == (4.5, "五月未召开支委会")
        assert review.status == "submitted"

    def test_it_refuses_out_of_range_and_missing_reasons_keeping_input(
        self, assessed_world: World, as_user
    ) -> None:
        review = started_review(assessed_world)
        row = review.scores.select_related("item").get(item__ref="ZB-3-02")
        other = review.scores.select_related("item").get(item__ref="ZB-3-01")
        response = as_user(assessed_world.wc_reviewer).post(
            review.get_absolute_url(),
            score_data(
                review,
                **{
                    f"score_{row.item_id}": "99",
                    f"score_{other.item_id}": "1",
                    f"reason_{other.item_id}": "",
                },
            ),
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "不能超过该事项分值" in text
        assert "扣分必须填写理由" in text
        assert 'value="99"' in text
        row.refresh_from_db()
        assert row.score == row.max_points

    def test_it_reports_a_concurrent_save(self, assessed_world: World, as_user) -> None:
        review = started_review(assessed_world)
        stale = score_data(review)
        services.review_scores_save(
            actor=assessed_world.wc_reviewer2, review=review, version=review.version, scores=[]
        )
        response = as_user(assessed_world.wc_reviewer).post(review.get_absolute_url(), stale)
        assert "已被他人修改" in response.content.decode()

    def test_officers_see_published_scores_with_reasons(
        self, assessed_world: World, as_user
    ) -> None:
        world = assessed_world
        review = started_review(world)
        row = review.scores.select_related("item").get(item__ref="ZB-3-02")
        services.review_scores_save(
            actor=world.wc_reviewer,
            review=review,
            version=review.version,
            scores=[services.ScoreInput(row.item_id, row.max_points - 1, "缺少会议记录")],
        )
        url = reverse("organisation_scores", args=[world.branch_a.pk, 2026])
        assert "缺少会议记录" not in as_user(world.officer_a).get(url).content.decode()
        services.review_transition(actor=world.wc_reviewer, review=review, action="submit")
        services.review_transition(actor=world.wc_reviewer2, review=review, action="confirm")
        services.review_transition(actor=world.wc_reviewer2, review=review, action="publish")
        assert "缺少会议记录" in as_user(world.officer_a).get(url).content.decode()
        assert as_user(world.officer_b).get(url).status_code == 404


def queries(client, url: str) -> tuple[int, object]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def add_branches(world: World, count: int) -> None:
    extra = [org(f"A-Q{n}", "branch", world.organ_a) for n in range(count)]
    core_services.checklists_create(actor=None, year=world.year, organisations=extra)
    core_services.obligations_generate(
        year=world.year,
        checklist_ids=Checklist.objects.filter(organisation__in=extra).values_list("pk", flat=True),
    )
    for organisation in extra:
        started_review(world, organisation)


@pytest.mark.django_db
def test_assessment_pages_keep_flat_query_counts(assessed_world: World, client) -> None:
    world = assessed_world
    started_review(world)
    results.results_compute(actor=None, year=world.year)
    client.force_login(world.wc_reviewer)
    review = started_review(world)
    urls = [
        reverse("review_round_detail", args=[world.round.pk]),
        review.get_absolute_url(),
        reverse("result_list", args=[2026]),
        reverse("ledger_list"),
        reverse("report_list"),
    ]
    small = [queries(client, url)[0] for url in urls]
    add_branches(world, 5)
    results.results_compute(actor=None, year=world.year)
    large = [queries(client, url)[0] for url in urls]
    assert small == large
    _count, response = queries(client, reverse("result_list", args=[2026]))
    assert len(response.context["results"]) >= 12


@pytest.mark.django_db
def test_results_page_is_paginated_with_the_filters_kept(
    assessed_world: World, client, monkeypatch
) -> None:
    """A province's 3,000 results in one page cost ~0.7 s; the page shows a slice and links on."""
    from assessment.views import results as views

    world = assessed_world
    add_branches(world, 6)
    results.results_compute(actor=None, year=world.year)
    monkeypatch.setattr(views, "RESULTS_PAGE_SIZE", 4)
    client.force_login(world.wc_reviewer)
    url = reverse("result_list", args=[2026])
    _count, first = queries(client, url)
    total = first.context["page"].paginator.count
    assert total > 8
    assert len(first.context["results"]) == 4
    assert "page=2" in first.content.decode()
    _count, second = queries(client, f"{url}?page=2")
    assert len(second.context["results"]) == 4
    assert not {r.pk for r in first.context["results"]} & {r.pk for r in second.context["results"]}
    in_unit = AnnualResult.objects.filter(
        year=world.year, is_current=True, organisation__unit=world.unit_a
    ).count()
    assert in_unit > 4
    _count, filtered = queries(client, f"{url}?unit={world.unit_a.pk}")
    assert filtered.context["page"].paginator.count == in_unit
    assert f"unit={world.unit_a.pk}&amp;page=2" in filtered.content.decode()


def capped_result(world: World) -> AnnualResult:
    """Branch A's published result, capped by a person-targeted 诫勉 in the register."""
    import datetime

    from accountability import services as accountability_services
    from accountability.models import AccountabilityCase
    from assessment.models import Scheme
    from tests.factories import UserFactory

    # Every grade is "好" before the cap, so the cap changes branch A's grade.
    Scheme.objects.update_or_create(
        year=world.year, defaults={"good_min": 0, "fairly_good_min": 0, "average_min": 0}
    )
    accountability_services.case_create(
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
    results.results_compute(actor=None, year=world.year)
    results.results_publish(actor=None, year=world.year)
    return AnnualResult.objects.get(organisation=world.branch_a, is_current=True)


@pytest.mark.django_db
class TestCappedResultConfidentiality:
    """domain.md §8a: outside the register's audience a capped result shows the capped grade
    with a neutral note, never the case, its form, date or person."""

    @pytest.mark.parametrize("persona", ["member", "officer_a", "liaison", "unit_a_reviewer"])
    def test_it_shows_the_capped_grade_with_a_neutral_note_outside_the_register(
        self, active_world: World, as_user, persona: str
    ) -> None:
        result = capped_result(active_world)
        page = as_user(active_world.persona(persona)).get(result.get_absolute_url())
        text = page.content.decode()
        assert page.status_code == 200
        assert "等次按有关规定确定" in text
        assert "不高于“一般”" in text
        for secret in ("问责", "诫勉", "2026-03-17", "被诫勉人", "违规发放津贴"):
            assert secret not in text, secret

    def test_it_shows_the_caps_reason_to_the_register(self, active_world: World, as_user) -> None:
        result = capped_result(active_world)
        text = as_user(active_world.wc_reviewer).get(result.get_absolute_url()).content.decode()
        assert "被问责（诫勉，2026-03-17）" in text

    def test_it_names_no_case_in_the_results_list_or_export(
        self, active_world: World, as_user
    ) -> None:
        result = capped_result(active_world)
        assert result.grade == "average"
        client = as_user(active_world.unit_a_reviewer)
        listing = client.get(reverse("result_list", args=[2026])).content.decode()
        assert "等次按有关规定确定" in listing
        assert "问责" not in listing
        export = client.get(reverse("results_export", args=[2026]))
        assert export.status_code == 200
        import io

        import openpyxl

        body = b"".join(export.streaming_content) if export.streaming else export.content
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        cells = [
            str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r if v
        ]
        assert any("等次按有关规定确定" in c for c in cells)
        assert not any("问责" in c for c in cells)

    def test_it_hides_unpublished_versions_and_their_reason_from_the_organisation(
        self, active_world: World, as_user
    ) -> None:
        result = capped_result(active_world)
        ledger = services.ledger_propose(
            actor=active_world.wc_reviewer,
            organisation=active_world.branch_a,
            year=active_world.year,
            kind="bonus",
            points=2,
            reason="推广经验",
        )
        services.ledger_decide(actor=active_world.unit_a_reviewer, entry=ledger, approve=True)
        results.results_compute(actor=None, year=active_world.year, reason="复核后调整加分")
        member_page = as_user(active_world.member).get(result.get_absolute_url()).content.decode()
        assert "复核后调整加分" not in member_page
        reviewer = as_user(active_world.unit_a_reviewer).get(result.get_absolute_url())
        assert "复核后调整加分" in reviewer.content.decode()
