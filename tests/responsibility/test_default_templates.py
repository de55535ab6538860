"""The shipped default templates: the data file passes its check, the database follows it."""

import copy
from collections.abc import Callable
from decimal import Decimal

import pytest

from responsibility import default_templates
from responsibility.default_templates import DefaultItem, Templates
from responsibility.models import TemplateItem


def test_it_ships_a_data_file_that_passes_its_check() -> None:
    default_templates.check()


def test_it_names_the_fields_the_model_edits() -> None:
    assert tuple(DefaultItem.__annotations__) == default_templates.FIELDS
    assert TemplateItem.EDITABLE_FIELDS[:-1] == default_templates.FIELDS  # all but sort_order


def _first(templates: Templates) -> DefaultItem:
    return templates["branch"][0]


BREAKAGES: list[tuple[Callable[[Templates], object], str]] = [
    (lambda t: _first(t).update(points="7.5"), "points sum to"),
    (lambda t: _first(t).update(points="1.234"), "at most 2 decimals"),
    (lambda t: _first(t).update(group="宣传"), "unknown group"),
    (lambda t: _first(t).update(frequency="daily"), "unknown frequency"),
    (lambda t: _first(t).update(ref=t["branch"][1]["ref"]), "duplicate ref"),
    (lambda t: _first(t).update(source=" "), "source is empty"),
    (lambda t: _first(t).update(evidence="证" * 201), "evidence longer than 200"),
    (lambda t: _first(t).pop("standard"), "fields differ"),
    (lambda t: t.pop("branch"), "unexpected tiers"),
]


@pytest.mark.parametrize(("breakage", "message"), BREAKAGES)
def test_it_refuses_a_broken_data_file(breakage: Callable[[Templates], object], message) -> None:
    templates = copy.deepcopy(default_templates.load())
    breakage(templates)
    with pytest.raises(ValueError, match=message):
        default_templates.check(templates)


@pytest.mark.django_db
def test_it_migrates_a_database_to_exactly_the_data_file() -> None:
    """A change to the data file must ship with a data migration that brings databases along."""
    fields = (*default_templates.FIELDS, "sort_order")
    for kind, items in default_templates.load().items():
        expected = [
            {**item, "points": Decimal(item["points"]), "sort_order": order * 10}
            for order, item in enumerate(items, start=1)
        ]
        rows = TemplateItem.objects.filter(tier__kind=kind, is_active=True).order_by("sort_order")
        assert list(rows.values(*fields)) == expected, kind
