"""The annual results workbook as the export streams it (issue #4): the item sheet's process
figures are the scoring's own, whatever the chunking, and the sheet writer's reused cells never
carry a value or a style into the next row."""

import datetime
import random
from decimal import Decimal as D

import pytest
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from assessment import exports, results, scoring, services
from assessment.results import default_as_of, obligation_facts, rules_from
from assessment.selectors import scheme_for
from responsibility.models import ChecklistItem, Obligation
from tests.assessment.conftest import started_review
from tests.assessment.test_scoring import RULES
from tests.factories import World, make_evidence

AS_OF = datetime.date(2026, 11, 30)


def outcome(fact: scoring.ObligationFact) -> str:
    """The letter the export's query gives an obligation."""
    if fact.due_date > AS_OF or fact.status == "not_applicable":
        return exports.UNCOUNTED
    if fact.status != "done":
        return exports.MISSING
    if fact.has_evidence:
        return "l" if fact.is_late else "o"
    return "b" if fact.is_late else "e"


def figures(process: scoring.ItemProcess) -> tuple:
    return (
        process.due,
        process.done - process.late,
        process.late,
        process.missing,
        scoring.q2(process.earned),
        scoring.q2(process.possible),
    )


def test_item_figures_add_up_as_process_scoring_does() -> None:
    # Points over 6, 7 or 12 obligations do not divide evenly, so the Decimal sums round: they
    # agree with process_score only when added one by one in the same (due date) order.
    rng = random.Random(4)
    for _ in range(3000):
        points = D(rng.choice(["1", "2.5", "3", "5", "7", "10"]))
        count = rng.choice([1, 2, 4, 6, 7, 12])
        facts = [
            scoring.ObligationFact(
                1,
                points,
                rng.choice(["done", "done", "done", "not_started", "not_applicable"]),
                rng.random() < 0.3,
                rng.random() < 0.7,
                datetime.date(2026, 1, 1) + datetime.timedelta(days=30 * month),
                datetime.date(2026, 1, 1) + datetime.timedelta(days=30 * month),
            )
            for month in range(count)
        ]
        expected = scoring.process_score(facts, RULES, as_of=AS_OF).items.get(1)
        got = exports._process_figures(
            points,
            "".join(outcome(f) for f in facts),
            late_share=RULES.late_share,
            evidence_share=RULES.evidence_share,
        )
        assert got == figures(expected or scoring.ItemProcess(item_id=1)), facts


def settle_obligations(world: World) -> None:
    """Due obligations of three organisations done on time, late, without evidence, not
    applicable or left undone, in a repeating pattern."""
    as_of = default_as_of(world.year)
    evidence = {org.pk: make_evidence(org) for org in (world.branch_a, world.branch_b)}
    evidence[world.organ_a.pk] = make_evidence(world.organ_a)
    due = Obligation.objects.filter(
        organisation__in=[world.branch_a, world.branch_b, world.organ_a], due_date__lte=as_of
    ).order_by("pk")
    for index, obligation in enumerate(due):
        kind = index % 5
        if kind == 4:
            continue  # left undone
        if kind == 3:
            Obligation.objects.filter(pk=obligation.pk).update(
                status="not_applicable", na_reason="本期无此项工作"
            )
            continue
        Obligation.objects.filter(pk=obligation.pk).update(
            status="done", completed_on=obligation.due_date, is_late=kind == 1
        )
        if kind != 2:
            obligation.evidence.add(evidence[obligation.organisation_id])


def item_rows(path) -> dict[tuple[str, str], tuple]:
    sheet = load_workbook(path, read_only=True)["事项明细"]
    rows = sheet.iter_rows(min_row=2, values_only=True)
    # A row ends at its last written cell: pad it to the sheet's 17 columns.
    return {(row[1], row[2]): row + (None,) * (17 - len(row)) for row in rows}


@pytest.mark.django_db
@pytest.mark.parametrize("chunk", [1, 2, 200])
def test_the_item_sheet_has_the_scorings_figures_in_any_chunking(
    active_world: World, tmp_path, monkeypatch, chunk: int
) -> None:
    world = active_world
    settle_obligations(world)
    results.results_compute(actor=None, year=world.year)
    monkeypatch.setattr(exports, "ORG_CHUNK", chunk)
    organisations = [world.branch_a, world.branch_b, world.organ_a, world.branch_a2]
    path = tmp_path / "r.xlsx"
    written = exports.write_workbook(path, world.year, [o.pk for o in organisations])
    rows = item_rows(path)
    assert written == len(rows)
    rules = rules_from(scheme_for(world.year))
    facts = obligation_facts(world.year, [o.pk for o in organisations])
    checked = 0
    for organisation in organisations:
        process = scoring.process_score(
            facts.get(organisation.pk, []), rules, as_of=default_as_of(world.year)
        )
        items = ChecklistItem.objects.filter(
            checklist__organisation=organisation, checklist__year=world.year
        )
        assert items.exists()
        for item in items:
            expected = figures(process.items.get(item.pk) or scoring.ItemProcess(item.pk))
            row = rows[(organisation.name, item.ref)]
            assert row[5] == pytest.approx(float(item.points))
            assert tuple(row[6:10]) == expected[:4]
            assert row[10] == pytest.approx(float(expected[4]))
            assert row[11] == pytest.approx(float(expected[5]))
            checked += 1
    assert checked == written
    # Something of every kind was counted, so the comparison above means something.
    assert {row[8] for row in rows.values()} - {0}
    assert any(row[7] and row[10] < row[11] for row in rows.values())


@pytest.mark.django_db
def test_each_quarters_scores_land_on_their_items_across_chunks(
    assessed_world: World, tmp_path, monkeypatch
) -> None:
    world = assessed_world
    scored = {}
    for organisation in (world.branch_a, world.branch_b):
        review = started_review(world, organisation)
        row = review.scores.select_related("item").order_by("item__sort_order").first()
        services.review_scores_save(
            actor=world.wc_reviewer,
            review=review,
            version=review.version,
            scores=[
                services.ScoreInput(row.item_id, row.max_points - 1, f"{organisation.code}扣分")
            ],
        )
        for action, actor in (
            ("submit", world.wc_reviewer),
            ("confirm", world.wc_reviewer2),
            ("publish", world.wc_reviewer2),
        ):
            services.review_transition(actor=actor, review=review, action=action)
        scored[(organisation.name, row.item.ref)] = (row.max_points - 1, organisation.code)
    results.results_compute(actor=None, year=world.year)
    monkeypatch.setattr(exports, "ORG_CHUNK", 1)
    path = tmp_path / "r.xlsx"
    exports.write_workbook(path, world.year, [world.branch_b.pk, world.branch_a.pk])
    rows = item_rows(path)
    assert scored
    assert scored.keys() <= rows.keys()  # every scored item is in the sheet
    for key, row in rows.items():
        if key in scored:
            score, code = scored[key]
            assert row[12:17] == (None, pytest.approx(float(score)), None, None, f"Q2：{code}扣分")
        else:
            assert row[12] is None
            assert row[16] is None  # no reason: the cell is left out, not empty text


def test_the_sheet_writer_reuses_cells_without_carrying_anything_over(tmp_path) -> None:
    book = Workbook(write_only=True)
    sheet = exports.SheetWriter(
        book,
        "t",
        [
            exports.Column("文本"),
            exports.Column("分", number_format="0.00"),
            exports.Column("次", number_format="0"),
            exports.Column("又一分", number_format="0.00"),
            exports.Column("时间", number_format="yyyy-mm-dd hh:mm"),
        ],
    )
    moment = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=timezone.get_current_timezone())
    sheet.row(["=1+1", D("1.50"), 3, D("2.25"), moment])
    sheet.row(["", None, 4, None, None])
    sheet.row(["+x", 2.5, True, 7, None])
    sheet.row(["普通文字", "-3", None, D(0), None])
    sheet.row(["@A1", None, None, None, None])
    path = tmp_path / "t.xlsx"
    book.save(path)
    cells = list(load_workbook(path)["t"].iter_rows(min_row=2))
    values = [[c.value for c in row] for row in cells]
    assert values == [
        ["=1+1", 1.5, 3, 2.25, moment.replace(tzinfo=None)],
        [None, None, 4, None, None],
        ["+x", 2.5, True, 7, None],
        ["普通文字", "-3", None, 0, None],
        ["@A1", None, None, None, None],
    ]
    assert [row[0].data_type for row in cells] == ["s", "n", "s", "s", "s"]
    assert all(c.data_type != "f" for row in cells for c in row)
    assert [c.number_format for c in cells[0][1:4]] == ["0.00", "0", "0.00"]
    assert [c.number_format for c in cells[2][1:4]] == ["0.00", "0", "0.00"]
    assert cells[3][1].number_format == "General"  # text in a number column stays plain
    assert cells[1][1].number_format == "General"  # an empty cell keeps no style
