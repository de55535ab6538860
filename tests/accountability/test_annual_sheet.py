"""The annual results workbook carries the rectification ledger of the exported organisations."""

import datetime

import pytest
from openpyxl import load_workbook

from assessment import exports, results
from tests.accountability.support import rectification_of
from tests.factories import World


@pytest.mark.django_db
def test_the_annual_workbook_has_the_rectification_ledger(active_world: World, tmp_path) -> None:
    world = active_world
    rectification_of(world, deadline=datetime.date(2026, 9, 30))
    rectification_of(world, world.branch_b, deadline=datetime.date(2026, 9, 30))
    results.results_compute(actor=None, year=world.year)
    path = tmp_path / "r.xlsx"
    exports.write_workbook(path, world.year, [world.branch_a.pk])
    sheet = load_workbook(path, read_only=True)["整改台账"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[2] for row in rows] == [world.branch_a.name]
    assert rows[0][5] == "支部委员会会议记录缺失"
