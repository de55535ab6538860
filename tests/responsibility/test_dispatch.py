"""Dispatched tasks (任务交办) become one-off obligations in the chosen checklists only."""

import datetime
from decimal import Decimal

import pytest

from assessment import scoring
from assessment.results import obligation_facts, rules_from
from assessment.services import scheme_for
from responsibility import services
from responsibility.models import AuditEntry, Obligation
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
