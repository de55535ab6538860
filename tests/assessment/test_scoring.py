"""The scoring rules against a hand-computed example (numbers worked out in the comments)."""

import datetime
from decimal import Decimal as D

from assessment import scoring
from assessment.models import Grade

RULES = scoring.Rules(
    weight_process=D(30),
    weight_quarterly=D(30),
    weight_year_end=D(40),
    good_min=D(90),
    fairly_good_min=D(80),
    average_min=D(60),
    late_deduction_percent=D(50),
    no_evidence_deduction_percent=D(20),
    vote_values={"good": D(100), "fairly_good": D(80), "average": D(60), "poor": D(40)},
)
AS_OF = datetime.date(2026, 12, 31)


def fact(item, points, status, *, late=False, evidence=True, due=(2026, 6, 30)):
    date = datetime.date(*due)
    return scoring.ObligationFact(item, D(points), status, late, evidence, date, date)


FACTS = [
    # item 1: 10 points over 2 obligations = 5 each: on time 5, late 5 - 2.5 = 2.5
    fact(1, 10, "done"),
    fact(1, 10, "done", late=True),
    # item 2: 6 points, done without evidence: 6 - 1.2 = 4.8
    fact(2, 6, "done", evidence=False),
    # item 3: 4 points over 2: one missing (0 of 2), one not applicable (left out)
    fact(3, 4, "not_started"),
    fact(3, 4, "not_applicable"),
    # item 4: due next year, not counted yet
    fact(4, 5, "not_started", due=(2027, 1, 10)),
]


def test_it_scores_process_by_hand() -> None:
    result = scoring.process_score(FACTS, RULES, as_of=AS_OF)
    # possible 5 + 5 + 6 + 2 = 18; earned 5 + 2.5 + 4.8 = 12.3; 12.3 / 18 = 68.33 %
    assert result.score == D("68.33")
    assert result.items[1].late == 1
    assert result.items[2].without_evidence == 1
    assert result.items[3].missing == 1
    assert 4 not in result.items


def test_it_gives_full_process_marks_when_nothing_is_due() -> None:
    assert scoring.process_score(FACTS, RULES, as_of=datetime.date(2026, 1, 1)).score == 100


def test_it_combines_the_three_inputs_by_hand() -> None:
    quarterly = scoring.q2(
        (scoring.review_score([(D(45), D(50))]) + scoring.review_score([(D(80), D(100))])) / 2
    )
    assert quarterly == D(85)  # (90 + 80) / 2
    year_end = scoring.vote_score(["good", "good", "fairly_good", "average"], RULES)
    assert year_end == D(85)  # (100 + 100 + 80 + 60) / 4
    result = scoring.composite(
        process=D("68.33"), quarterly=quarterly, year_end=year_end, ledger=D(2), rules=RULES
    )
    # 0.3 × 68.33 + 0.3 × 85 + 0.4 × 85 = 79.999; + 2 ledger = 81.999 → 82.00, 较好
    assert result.score == D("82.00")
    assert result.grade == Grade.FAIRLY_GOOD
    capped = scoring.composite(
        process=D("68.33"),
        quarterly=quarterly,
        year_end=year_end,
        ledger=D(2),
        rules=RULES,
        caps=[Grade.AVERAGE],
    )
    assert capped.score == D("82.00")
    assert capped.grade == Grade.AVERAGE
    assert capped.notes[0] == "等次按有关规定确定，不高于“一般”"  # names no case (§8a)


def test_it_reweights_when_an_input_is_missing() -> None:
    result = scoring.composite(
        process=D(90), quarterly=None, year_end=D(70), ledger=D(0), rules=RULES
    )
    # (0.3 × 90 + 0.4 × 70) / 0.7 = 55 / 0.7 = 78.571… → 78.57
    assert result.score == D("78.57")
    assert result.notes


def test_it_clamps_the_composite_to_the_scale() -> None:
    top = scoring.composite(
        process=D(100), quarterly=D(100), year_end=D(100), ledger=D(5), rules=RULES
    )
    assert top.score == 100
    bottom = scoring.composite(
        process=D(1), quarterly=D(1), year_end=D(1), ledger=D(-9), rules=RULES
    )
    assert bottom.score == 0


def test_it_applies_the_good_quota_by_rank() -> None:
    ranked = [(1, D(95), "good"), (2, D(92), "good"), (3, D(91), "good"), (4, D(70), "average")]
    assert scoring.apply_good_quota(ranked, D(50)) == {3: Grade.FAIRLY_GOOD}
    assert scoring.apply_good_quota(ranked, None) == {}


def test_it_ranks_ties_together() -> None:
    assert scoring.competition_ranks({1: D(90), 2: D(95), 3: D(90), 4: D(80)}) == {
        2: 1,
        1: 2,
        3: 2,
        4: 4,
    }
