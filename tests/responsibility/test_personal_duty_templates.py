"""The shipped default personal duties (domain.md §8b): the data file passes its check, and the
database follows it."""

import copy
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from responsibility import personal_duties
from responsibility.models import PersonalDutyTemplate


def test_it_ships_a_data_file_that_passes_its_check() -> None:
    personal_duties.check()


def test_it_gives_the_party_group_secretary_the_first_responsible_duties() -> None:
    secretary = personal_duties.load()["party_group"]["secretary"]
    contents = " ".join(item["content"] for item in secretary)
    for duty in ("专题研究机关党建", "讲党课", "联系一个党支部", "听取机关党委工作汇报", "述职"):
        assert duty in contents


Templates = dict[str, Any]


def _first(t: Templates) -> dict[str, Any]:
    first: dict[str, Any] = t["branch"]["secretary"][0]
    return first


BREAKAGES: list[tuple[Callable[[Templates], object], str]] = [
    (lambda t: _first(t).update(group="宣传"), "unknown group"),
    (lambda t: _first(t).update(frequency="as_needed"), "not scheduled"),
    (lambda t: _first(t).update(ref=t["branch"]["secretary"][1]["ref"]), "duplicate ref"),
    (lambda t: _first(t).update(source=" "), "source is missing"),
    (lambda t: _first(t).update(evidence="证" * 201), "evidence longer than 200"),
    (lambda t: _first(t).update(colour="红"), "unknown fields"),
    (lambda t: _first(t).update(due_days=-1), "due_days"),
    (lambda t: t["branch"].update(member=[]), "unknown posts"),
    (lambda t: t["branch"].pop("secretary"), "secretary has no duties"),
    (lambda t: t.pop("branch"), "unexpected tiers"),
]


@pytest.mark.parametrize(("breakage", "message"), BREAKAGES)
def test_it_refuses_a_broken_data_file(breakage: Callable[[Templates], object], message) -> None:
    templates = copy.deepcopy(personal_duties.load())
    breakage(templates)
    with pytest.raises(ValueError, match=message):
        personal_duties.check(templates)


@pytest.mark.django_db
def test_it_migrates_a_database_to_exactly_the_data_file() -> None:
    """A change to the data file must ship with a data migration that brings databases along."""
    fields = (
        "ref",
        "group",
        "content",
        "standard",
        "frequency",
        "required_count",
        "due_days",
        "evidence",
        "is_meeting",
        "deduction_rule",
        "source",
        "responsible_post",
        "sort_order",
    )
    expected = sorted(
        (
            (row["tier_kind"], row["post_kind"], row["ref"]),
            {name: row[name] for name in fields} | {"points": Decimal(row["points"])},
        )
        for row in personal_duties.entries()
    )
    rows = sorted(
        (
            (t.tier.kind, t.post_kind, t.ref),
            {name: getattr(t, name) for name in (*fields, "points")},
        )
        for t in PersonalDutyTemplate.objects.filter(is_active=True).select_related("tier")
    )
    assert rows == expected
