"""Committee staff's dashboards and the party-affairs cadres' records: numbers, scope, queries."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment import results
from assessment import services as assessment_services
from assessment.models import AnnualResult
from assessment.selectors import dashboards
from responsibility import services as core_services
from responsibility.models import Checklist, Obligation, Organisation, Post, Tier
from tests.factories import UserFactory, World, org, post

D = Decimal
START = datetime.date(2024, 1, 1)


def result(world: World, organisation: Organisation, composite: str, **extra) -> AnnualResult:
    return AnnualResult.objects.create(
        organisation=organisation,
        year=world.year,
        process_score=D(composite),
        ledger_points=D(0),
        composite=D(composite),
        grade=extra.pop("grade", "good"),
        **extra,
    )


@pytest.fixture
def scored_world(active_world: World) -> World:
    """Seven results with composites chosen to land in known bands:

    party group A 59.99 (<60)   organ A 88 (80–90)   branch A 95, branch A2 72.5
    party group B 100           organ B 60 (60–70)   branch B 90 (90–100, its lower edge)
    """
    world = active_world
    world.party_group_b = Organisation.objects.get(code="B-DZ")
    result(world, world.party_group_a, "59.99", grade="poor")
    result(world, world.organ_a, "88", grade="fairly_good")
    result(world, world.branch_a, "95")
    result(world, world.branch_a2, "72.5", grade="average")
    result(world, world.party_group_b, "100")
    result(world, world.organ_b, "60", grade="average")
    result(world, world.branch_b, "90")
    # A superseded version never counts.
    result(world, world.branch_b, "10", grade="poor", version=0, is_current=False)
    return world


def obligation(organisation: Organisation, month: int, index: int = 0) -> Obligation:
    return Obligation.objects.filter(organisation=organisation, period_end__month=month).order_by(
        "item__sort_order", "pk"
    )[index]


@pytest.fixture
def completion_world(active_world: World) -> World:
    """Everything not applicable except, as of 15 June 2026:
    branch A, January: one done on time, one done late, one open (due 5 Feb: overdue);
    branch A, December: one open, not yet due (not counted);
    branch B, March: one done on time."""
    world = active_world
    Obligation.objects.filter(year=world.year).update(status="not_applicable")
    done = {"status": "done", "completed_on": datetime.date(2026, 2, 1)}
    Obligation.objects.filter(pk=obligation(world.branch_a, 1, 0).pk).update(**done)
    Obligation.objects.filter(pk=obligation(world.branch_a, 1, 1).pk).update(**done, is_late=True)
    Obligation.objects.filter(pk=obligation(world.branch_a, 1, 2).pk).update(status="not_started")
    Obligation.objects.filter(pk=obligation(world.branch_a, 12).pk).update(status="in_progress")
    Obligation.objects.filter(pk=obligation(world.branch_b, 3).pk).update(**done)
    return world


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestDashboardNumbers:
    def test_it_counts_composites_per_tier_and_band(self, scored_world: World) -> None:
        data = dashboards.dashboard(scored_world.admin, scored_world.year)
        assert [(row.tier_name, row.counts) for row in data.distribution] == [
            ("党组（党委）", [1, 0, 0, 0, 1]),
            ("机关党委", [0, 1, 0, 1, 0]),
            ("党支部", [0, 0, 1, 0, 2]),
        ]
        assert data.result_count == 7

    def test_it_averages_each_unit_best_first(self, scored_world: World) -> None:
        data = dashboards.dashboard(scored_world.admin, scored_world.year)
        assert [(u.unit_name, u.count, u.average, u.lowest, u.highest) for u in data.units] == [
            ("乙厅", 3, D("83.33"), D("60.00"), D("100.00")),  # 250 / 3
            ("甲厅", 4, D("78.87"), D("59.99"), D("95.00")),  # 315.49 / 4 = 78.8725
        ]
        assert data.average == D("80.78")  # 565.49 / 7

    def test_it_ranks_top_and_bottom_without_repeating(self, scored_world: World) -> None:
        world = scored_world
        scoped = dashboards.scoped_results(world.admin, world.year)
        top, bottom = dashboards.ranking(scoped, total=7, size=3)
        assert [(r.position, r.organisation_id, r.composite) for r in top] == [
            (1, world.party_group_b.pk, D("100")),
            (2, world.branch_a.pk, D("95")),
            (3, world.branch_b.pk, D("90")),
        ]
        assert [(r.position, r.name) for r in bottom] == [
            (5, world.branch_a2.name),
            (6, world.organ_b.name),
            (7, world.party_group_a.name),
        ]
        # Seven results fit in a top ten: the bottom list stays empty rather than repeat them.
        data = dashboards.dashboard(world.admin, world.year)
        assert [r.position for r in data.top] == [1, 2, 3, 4, 5, 6, 7]
        assert data.bottom == []

    def test_it_counts_obligations_by_month_of_period_end(
        self, completion_world: World, in_june
    ) -> None:
        data = dashboards.dashboard(completion_world.admin, completion_world.year)
        counted = {c.month: (c.on_time, c.late, c.overdue) for c in data.completion if c.total}
        assert counted == {1: (1, 1, 1), 3: (1, 0, 0)}
        assert len(data.completion) == 12
        assert (data.overdue, data.on_time_percent) == (1, 67)

    def test_the_page_carries_the_same_numbers_and_drill_down_links(
        self, scored_world: World, as_user
    ) -> None:
        world = scored_world
        response = as_user(world.admin).get(reverse("assessment_dashboard"))
        assert response.status_code == 200
        payload = chart_data(response)
        assert payload == response.context["chart_data"]
        results_url = reverse("result_list", args=[2026])
        tiers = {t.kind: t.pk for t in Tier.objects.all()}
        assert payload["distribution"]["series"][2] == {
            "name": "党支部",
            "data": [0.0, 0.0, 33.3, 0.0, 66.7],  # a share of the tier, so tiers compare
            "counts": [0, 0, 1, 0, 2],
            "url": f"{results_url}?tier={tiers['branch']}",
        }
        assert payload["units"][1] == {
            "name": "甲厅",
            "value": 78.87,
            "count": 4,
            "url": f"{results_url}?unit={world.unit_a.pk}",
        }
        first = AnnualResult.objects.get(organisation=world.party_group_b, is_current=True)
        assert payload["top"][0]["url"] == reverse("result_detail", args=[first.pk])
        assert payload["top"][0]["gradeKey"] == "good"
        assert payload["completion"]["url"] == reverse("progress_overview")
        text = response.content.decode()
        # No executable inline script: the data is a JSON island, the code a static file.
        assert '<script id="dashboard-data" type="application/json">' in text
        assert "js/dashboard.js" in text
        assert "vendor/echarts/echarts.min.js" in text
        # The accessible fallback tables carry the numbers too.
        assert "<details" in text
        assert "78.87" in text


def chart_data(response) -> dict:
    text = response.content.decode()
    start = text.index('<script id="dashboard-data" type="application/json">')
    start = text.index(">", start) + 1
    return json.loads(text[start : text.index("</script>", start)])


# --- scope -------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestScope:
    def test_unit_a_reviewer_sees_none_of_unit_b_in_any_dataset(
        self, scored_world: World, in_june, as_user
    ) -> None:
        world = scored_world
        Obligation.objects.filter(year=world.year).update(status="not_applicable")
        done = {"status": "done", "completed_on": datetime.date(2026, 2, 1)}
        Obligation.objects.filter(pk=obligation(world.branch_b, 3).pk).update(**done)
        Obligation.objects.filter(pk=obligation(world.branch_a, 1).pk).update(**done)

        data = dashboards.dashboard(world.unit_a_reviewer, world.year)
        # Unit A's reviewer reviews the branches under unit A's organ committee only.
        assert [(row.tier_name, row.counts) for row in data.distribution] == [
            ("党支部", [0, 0, 1, 0, 1])
        ]
        assert [u.unit_name for u in data.units] == ["甲厅"]
        assert {r.organisation_id for r in data.top + data.bottom} == {
            world.branch_a.pk,
            world.branch_a2.pk,
        }
        assert {c.month: c.on_time for c in data.completion if c.total} == {1: 1}

        response = as_user(world.unit_a_reviewer).get(reverse("assessment_dashboard"))
        text = response.content.decode()
        assert "乙厅" not in text
        assert "乙厅" not in json.dumps(chart_data(response), ensure_ascii=False)

    def test_the_committee_reviewer_sees_both_units_but_not_its_own_committee(
        self, scored_world: World
    ) -> None:
        world = scored_world
        result(world, world.committee, "50", grade="poor")
        data = dashboards.dashboard(world.wc_reviewer, world.year)
        assert data.result_count == 7
        assert {u.unit_name for u in data.units} == {"甲厅", "乙厅"}

    def test_cadres_are_those_in_organisations_the_user_reviews(
        self, scored_world: World, as_user
    ) -> None:
        world = scored_world
        url = reverse("cadre_records", args=[2026])
        people = {
            name: [r.person for r in as_user(getattr(world, name)).get(url).context["records"]]
            for name in ("admin", "wc_reviewer", "unit_a_reviewer")
        }
        assert set(people["admin"]) == {
            world.wc_reviewer,
            world.unit_a_reviewer,
            world.officer_a,
            world.officer_b,
        }
        assert set(people["wc_reviewer"]) == {
            world.unit_a_reviewer,
            world.officer_a,
            world.officer_b,
        }
        assert people["unit_a_reviewer"] == [world.officer_a]
        text = as_user(world.unit_a_reviewer).get(url).content.decode()
        assert "乙厅" not in text
        assert world.officer_b.full_name not in text


# --- cadres' records ---------------------------------------------------------------------------


@pytest.mark.django_db
class TestCadreRecords:
    def test_it_lists_posts_held_during_the_year_with_their_organisations_results(
        self, scored_world: World, as_user
    ) -> None:
        world = scored_world
        person = UserFactory(username="cadre", full_name="赵敏")
        for organisation, kind, start, end in [
            (world.branch_a2, "cadre_part_time", datetime.date(2026, 7, 1), None),
            (
                world.branch_a,
                "committee_member",
                datetime.date(2023, 1, 1),
                datetime.date(2026, 3, 31),
            ),
            (world.branch_b, "secretary", datetime.date(2024, 1, 1), datetime.date(2025, 12, 31)),
            (world.organ_b, "secretary", datetime.date(2027, 1, 1), None),
            (world.organ_b, "member", datetime.date(2024, 1, 1), None),
        ]:
            Post.objects.create(
                user=person, organisation=organisation, kind=kind, start_date=start, end_date=end
            )
        response = as_user(world.admin).get(reverse("cadre_records", args=[2026]))
        record = next(r for r in response.context["records"] if r.person == person)
        assert [(p.organisation, p.kind) for p in record.posts] == [
            (world.branch_a, "committee_member"),
            (world.branch_a2, "cadre_part_time"),
        ]
        assert [(r.organisation, r.result.composite) for r in record.results] == [
            (world.branch_a, D("95")),
            (world.branch_a2, D("72.5")),
        ]
        assert (record.is_full_time, record.is_part_time) == (False, True)
        text = response.content.decode()
        assert "2023-01-01 — 2026-03-31" in text
        assert "兼职" in text

    def test_it_filters_by_unit_and_post_kind(self, scored_world: World, as_user) -> None:
        world = scored_world
        url = reverse("cadre_records", args=[2026])
        client = as_user(world.admin)

        def people(**query) -> set:
            return {r.person for r in client.get(url, query).context["records"]}

        assert people(unit=world.unit_b.pk) == {world.officer_b}
        assert people(kind="deputy_secretary") == {world.unit_a_reviewer}
        assert people(kind="cadre_full_time") == {world.wc_reviewer}
        assert people(unit=world.unit_a.pk, kind="secretary") == {world.officer_a}
        assert people(kind="member") == people()  # not a party-affairs post: the filter is ignored
        assert [u.pk for u in client.get(url).context["units"]] == [
            world.unit_a.pk,
            world.unit_b.pk,
        ]

    def test_it_pages_fifty_people_at_a_time(self, scored_world: World, as_user) -> None:
        world = scored_world
        many = UserFactory.create_batch(52)
        Post.objects.bulk_create(
            Post(user=u, organisation=world.branch_a2, kind="cadre_part_time", start_date=START)
            for u in many
        )
        url = reverse("cadre_records", args=[2026])
        first = as_user(world.wc_reviewer).get(url)
        assert first.context["page"].paginator.count == 55
        assert len(first.context["records"]) == 50
        second = as_user(world.wc_reviewer).get(url, {"page": 2, "kind": "cadre_part_time"})
        assert len(second.context["records"]) == 2
        assert 'href="?page=1&amp;kind=cadre_part_time"' in second.content.decode()

    def test_it_shows_each_persons_training_hours_of_the_year(
        self, scored_world: World, as_user
    ) -> None:
        world = scored_world
        url = reverse("cadre_records", args=[2026])
        assert "本年无培训记录" in as_user(world.admin).get(url).content.decode()
        for held_on, hours in ((datetime.date(2026, 5, 8), 4), (datetime.date(2025, 5, 8), 9)):
            training = assessment_services.training_create(
                actor=world.admin,
                organiser=world.organ_a,
                held_on=held_on,
                topic="党务知识",
                hours=Decimal(hours),
            )
            assessment_services.training_attendance_add(
                actor=world.admin, training=training, attendees=[(world.officer_a, None)]
            )
        response = as_user(world.admin).get(url)
        record = next(r for r in response.context["records"] if r.person.pk == world.officer_a.pk)
        assert (record.trainings, record.training_hours) == (1, Decimal(4))
        assert "1 次 · 4 学时" in response.content.decode()

    def test_an_unknown_year_is_not_found(self, scored_world: World, as_user) -> None:
        client = as_user(scored_world.admin)
        assert client.get(reverse("cadre_records", args=[2031])).status_code == 404
        assert client.get(reverse("assessment_dashboard"), {"year": 2031}).status_code == 404


# --- query counts ------------------------------------------------------------------------------


def grow(world: World, branches: int, people: int) -> None:
    """A third unit with an organ committee and branches, each with a secretary and results;
    and more part-time cadres than fit on one page."""
    unit = org("C", "unit", world.committee, "丙厅")
    organ = org("C-JGDW", "organ_committee", unit, "丙厅机关党委")
    added = [
        organ,
        *(org(f"C-ZB{n}", "branch", organ, f"丙厅第{n}党支部") for n in range(branches)),
    ]
    core_services.checklists_create(actor=None, year=world.year, organisations=added)
    core_services.obligations_generate(
        year=world.year,
        checklist_ids=Checklist.objects.filter(organisation__in=added).values_list("pk", flat=True),
    )
    for organisation in added:
        post(UserFactory(), organisation, "secretary")
    Post.objects.bulk_create(
        Post(user=u, organisation=added[-1], kind="cadre_part_time", start_date=START)
        for u in UserFactory.create_batch(people)
    )
    results.results_compute(actor=None, year=world.year)


def query_count(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["admin", "wc_reviewer"])
def test_both_pages_keep_flat_query_counts(active_world: World, as_user, persona: str) -> None:
    world = active_world
    results.results_compute(actor=None, year=world.year)
    client = as_user(getattr(world, persona))
    urls = [
        reverse("assessment_dashboard"),
        reverse("cadre_records", args=[2026]),
        reverse("cadre_records", args=[2026]) + f"?unit={world.unit_a.pk}&kind=secretary",
    ]
    small = [query_count(client, url) for url in urls]
    grow(world, branches=12, people=60)
    large = [query_count(client, url) for url in urls]
    assert small == large
    dashboard = client.get(urls[0]).context["data"]
    assert dashboard.result_count >= 20
    assert len(dashboard.bottom) == dashboard.result_count - 10
    assert client.get(urls[1]).context["page"].paginator.num_pages == 2


@pytest.mark.django_db
def test_it_links_both_pages_from_the_assessment_menu(active_world: World, as_user) -> None:
    world = active_world
    links = (reverse("assessment_dashboard"), reverse("cadre_records", args=[2026]))
    reviewer_page = as_user(world.unit_a_reviewer).get(reverse("round_list")).content.decode()
    officer_page = as_user(world.officer_a).get(reverse("my_work")).content.decode()
    assert all(f'href="{link}"' in reviewer_page for link in links)
    assert not any(f'href="{link}"' in officer_page for link in links)


@pytest.mark.django_db
class TestDashboardCache:
    """The page reuses its aggregates for DASHBOARD_CACHE_SECONDS, per reviewed scope."""

    @pytest.fixture(autouse=True)
    def cached(self, settings):
        from django.core.cache import cache

        settings.DASHBOARD_CACHE_SECONDS = 300
        cache.clear()
        yield
        cache.clear()

    def test_a_second_view_reuses_the_numbers_and_says_when_they_were_computed(
        self, scored_world: World, as_user
    ) -> None:
        world = scored_world
        client = as_user(world.wc_reviewer)
        first = client.get(reverse("assessment_dashboard"))
        assert first.context["data"].result_count == 7
        result(world, org("B-X", Tier.Kind.BRANCH, world.organ_b), "91")
        with CaptureQueriesContext(connection) as captured:
            second = client.get(reverse("assessment_dashboard"))
        assert second.context["data"].result_count == 7  # until the cache expires
        assert not any("assessment_annualresult" in q["sql"] for q in captured.captured_queries)
        computed = first.context["data"].computed_at
        assert second.context["data"].computed_at == computed
        assert f"统计时间 {timezone.localtime(computed):%H:%M}" in second.content.decode()

    def test_scopes_do_not_share_an_entry(self, scored_world: World, as_user) -> None:
        world = scored_world
        committee = as_user(world.wc_reviewer).get(reverse("assessment_dashboard"))
        unit = as_user(world.unit_a_reviewer).get(reverse("assessment_dashboard"))
        assert committee.context["data"].result_count > unit.context["data"].result_count
        units = {u.unit_name for u in unit.context["data"].units}
        assert units == {"甲厅"}

    def test_zero_seconds_computes_every_view(self, scored_world: World, as_user, settings):
        settings.DASHBOARD_CACHE_SECONDS = 0
        world = scored_world
        client = as_user(world.wc_reviewer)
        client.get(reverse("assessment_dashboard"))
        result(world, org("B-X", Tier.Kind.BRANCH, world.organ_b), "91")
        assert client.get(reverse("assessment_dashboard")).context["data"].result_count == 8
