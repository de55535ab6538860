"""Dispatched tasks (任务交办) become one-off obligations in the chosen checklists only."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessment import scoring
from assessment.results import obligation_facts, rules_from
from assessment.selectors import scheme_for
from responsibility import services
from responsibility.models import AuditEntry, ChecklistItem, Obligation, Organisation
from tests.factories import World


@pytest.mark.django_db
def test_it_creates_one_obligation_in_each_chosen_organisation(active_world: World) -> None:
    world = active_world
    created = services.obligations_dispatch(
        actor=world.unit_a_reviewer,
        organisations=[world.branch_a, world.branch_a2],
        year=world.year,
        ref="JB-01",
        content="报送主题教育总结",
        due_date=datetime.date(2026, 7, 15),
    )
    assert {o.organisation_id for o in created} == {world.branch_a.pk, world.branch_a2.pk}
    assert all(o.due_date == datetime.date(2026, 7, 15) for o in created)
    assert Obligation.objects.filter(item__ref="JB-01").count() == 2
    assert AuditEntry.objects.filter(action="obligation.dispatch").count() == 2
    # It counts in the process score like any duty once it is due.
    rules = rules_from(scheme_for(world.year))
    facts = obligation_facts(world.year, [world.branch_a.pk])[world.branch_a.pk]
    item_id = created[0].item_id
    score = scoring.process_score(facts, rules, as_of=datetime.date(2026, 7, 16))
    assert score.items[item_id].possible == Decimal(2)
    assert score.items[item_id].missing == 1


@pytest.mark.django_db
def test_it_refuses_a_due_date_outside_the_year(active_world: World) -> None:
    with pytest.raises(services.ServiceError, match="本年度"):
        services.obligations_dispatch(
            actor=active_world.admin,
            organisations=[active_world.branch_a],
            year=active_world.year,
            ref="JB-02",
            content="x",
            due_date=datetime.date(2027, 1, 5),
        )


def _dispatch(world: World, organisations: list[Organisation], ref: str) -> list[Obligation]:
    return services.obligations_dispatch(
        actor=world.unit_a_reviewer,
        organisations=organisations,
        year=world.year,
        ref=ref,
        content="报送主题教育总结",
        due_date=datetime.date(2026, 7, 15),
    )


@pytest.mark.django_db
def test_it_dispatches_with_a_flat_number_of_queries(
    active_world: World, django_assert_num_queries
) -> None:
    world = active_world
    one = [world.branch_b]
    three = [world.branch_a, world.branch_a2, world.organ_a]
    # Savepoint; checklists; ref collision; INSERT items; generation (checklists, schedules,
    # existing obligations, item frequencies, savepoint, INSERT … SELECT, release); read the
    # obligations; INSERT audit entries; release.
    with django_assert_num_queries(14):
        _dispatch(world, one, "JB-10")
    with django_assert_num_queries(14):
        _dispatch(world, three, "JB-11")


@pytest.mark.django_db
def test_it_gives_each_organisation_one_item_one_obligation_and_one_audit_entry(
    active_world: World,
) -> None:
    world = active_world
    targets = [world.branch_a2, world.branch_b, world.branch_a]
    obligations_before = Obligation.objects.count()
    created = _dispatch(world, targets, "JB-12")
    assert [o.organisation_id for o in created] == [o.pk for o in targets]
    assert Obligation.objects.count() == obligations_before + len(targets)
    for organisation, obligation in zip(targets, created, strict=True):
        item = ChecklistItem.objects.get(checklist__organisation=organisation, ref="JB-12")
        assert item.checklist.year == world.year
        assert list(item.obligations.all()) == [obligation]
        assert obligation.item_id == item.pk
        assert obligation.due_date == datetime.date(2026, 7, 15)
        entry = AuditEntry.objects.get(action="obligation.dispatch", organisation=organisation)
        assert entry.actor == world.unit_a_reviewer
        assert entry.object_type == "responsibility.obligation"
        assert entry.object_id == str(obligation.pk)
        assert entry.object_repr == str(obligation)
        assert entry.changes == {
            "ref": "JB-12",
            "content": "报送主题教育总结",
            "due_date": "2026-07-15",
        }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("already", "chosen", "named"),
    [
        # The second organisation's checklist already has the ref: it is named, nothing written.
        ("branch_a2", ["branch_a", "branch_a2", "branch_b"], "甲厅第二党支部"),
        # An organisation chosen twice would collide with its own new item.
        (None, ["branch_b", "branch_a", "branch_b"], "乙厅第一党支部"),
    ],
)
def test_it_refuses_a_taken_ref_before_writing_anything(
    active_world: World, already: str | None, chosen: list[str], named: str
) -> None:
    world = active_world
    if already is not None:
        _dispatch(world, [getattr(world, already)], "JB-13")
    counts = (ChecklistItem.objects.count(), Obligation.objects.count(), AuditEntry.objects.count())
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(services.ServiceError, match=f"^{named} 的清单中已有编号 JB-13。$"),
    ):
        _dispatch(world, [getattr(world, name) for name in chosen], "JB-13")
    assert not [q["sql"] for q in queries.captured_queries if "INSERT" in q["sql"].upper()]
    assert counts == (
        ChecklistItem.objects.count(),
        Obligation.objects.count(),
        AuditEntry.objects.count(),
    )
