"""Pure scoring rules (domain.md §5): no database, so every number can be hand-checked.

Three inputs form one result:
- process supervision: obligations done on time with evidence;
- quarterly reviews: reviewers' item scores, published rounds only;
- year-end duty report: raters' votes mapped to points.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .models import GRADE_ORDER, Grade

HUNDRED = Decimal(100)
# What a capped grade says to everyone outside the accountability register's audience.
CAP_NOTE = "等次按有关规定确定"
CENT = Decimal("0.01")


def q2(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ObligationFact:
    """What process scoring needs of one obligation."""

    item_id: int
    item_points: Decimal
    status: str
    is_late: bool
    has_evidence: bool
    due_date: datetime.date
    period_end: datetime.date


@dataclass(frozen=True)
class Rules:
    """The scheme's numbers that scoring uses (copied so this module stays database-free)."""

    weight_process: Decimal
    weight_quarterly: Decimal
    weight_year_end: Decimal
    good_min: Decimal
    fairly_good_min: Decimal
    average_min: Decimal
    late_deduction_percent: Decimal
    no_evidence_deduction_percent: Decimal
    vote_values: dict[str, Decimal]

    @property
    def late_share(self) -> Decimal:
        return self.late_deduction_percent / HUNDRED

    @property
    def evidence_share(self) -> Decimal:
        return self.no_evidence_deduction_percent / HUNDRED

    def grade_for(self, score: Decimal) -> str:
        if score >= self.good_min:
            return Grade.GOOD
        if score >= self.fairly_good_min:
            return Grade.FAIRLY_GOOD
        if score >= self.average_min:
            return Grade.AVERAGE
        return Grade.POOR


@dataclass
class ItemProcess:
    """Process points of one item: how the process score was made, for the breakdown page."""

    item_id: int
    possible: Decimal = Decimal(0)
    earned: Decimal = Decimal(0)
    due: int = 0
    done: int = 0
    late: int = 0
    missing: int = 0
    without_evidence: int = 0

    def count(
        self,
        weight: Decimal,
        *,
        done: bool,
        is_late: bool,
        has_evidence: bool,
        late_share: Decimal,
        evidence_share: Decimal,
    ) -> None:
        """Count one applicable obligation that is due. The one place the rule is applied, so
        the export's per-item figures add up exactly as `process_score` does, in the same order.
        """
        self.possible += weight
        self.due += 1
        if not done:
            self.missing += 1
            return
        self.done += 1
        earned = weight
        if is_late:
            self.late += 1
            earned -= weight * late_share
        if not has_evidence:
            self.without_evidence += 1
            earned -= weight * evidence_share
        self.earned += max(earned, Decimal(0))


@dataclass
class ProcessScore:
    score: Decimal
    items: dict[int, ItemProcess] = field(default_factory=dict)


def process_score(
    facts: Iterable[ObligationFact],
    rules: Rules,
    *,
    as_of: datetime.date,
    period: tuple[datetime.date, datetime.date] | None = None,
) -> ProcessScore:
    """Score obligations due by `as_of` (optionally only periods ending within `period`).

    Each obligation is worth its item's points divided by the item's obligations in the year.
    Done on time with evidence earns it all; a late mark and missing evidence each cost their
    configured share; not done is zero; not applicable leaves the total. Nothing due yet: 100.
    """
    facts = list(facts)
    per_item: dict[int, int] = defaultdict(int)
    for fact in facts:
        per_item[fact.item_id] += 1
    items: dict[int, ItemProcess] = {}
    late_share = rules.late_share
    evidence_share = rules.evidence_share
    for fact in facts:
        if fact.due_date > as_of:
            continue
        if period is not None and not period[0] <= fact.period_end <= period[1]:
            continue
        row = items.setdefault(fact.item_id, ItemProcess(item_id=fact.item_id))
        if fact.status == "not_applicable":
            continue
        row.count(
            fact.item_points / per_item[fact.item_id],
            done=fact.status == "done",
            is_late=fact.is_late,
            has_evidence=fact.has_evidence,
            late_share=late_share,
            evidence_share=evidence_share,
        )
    possible = sum((row.possible for row in items.values()), Decimal(0))
    earned = sum((row.earned for row in items.values()), Decimal(0))
    score = HUNDRED if possible == 0 else q2(earned / possible * HUNDRED)
    return ProcessScore(score=score, items=items)


def review_score(scores: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """A quarter's review as a percentage: sum of scores over sum of full marks."""
    total = Decimal(0)
    maximum = Decimal(0)
    for score, max_points in scores:
        total += score
        maximum += max_points
    if maximum == 0:
        return None
    return q2(total / maximum * HUNDRED)


def vote_score(choices: Iterable[str], rules: Rules) -> Decimal | None:
    values = [rules.vote_values[choice] for choice in choices]
    if not values:
        return None
    return q2(sum(values, Decimal(0)) / len(values))


@dataclass
class Composite:
    score: Decimal
    grade: str
    notes: list[str] = field(default_factory=list)


def composite(
    *,
    process: Decimal,
    quarterly: Decimal | None,
    year_end: Decimal | None,
    ledger: Decimal,
    rules: Rules,
    caps: Sequence[str] = (),
) -> Composite:
    """Weighted sum plus the approved bonus/deduction ledger, clamped to 0–100, then graded.

    A missing input (no published review, no votes yet) is left out and the remaining weights
    are scaled up to 100, with a note, rather than counting it as zero.
    """
    parts: list[tuple[Decimal, Decimal, str | None]] = [(process, rules.weight_process, None)]
    notes: list[str] = []
    for value, weight, label in (
        (quarterly, rules.weight_quarterly, "季度检查"),
        (year_end, rules.weight_year_end, "年底述职"),
    ):
        if value is None:
            if weight:
                notes.append(f"尚无{label}结果，其权重按比例分配给其他部分")
            continue
        parts.append((value, weight, label))
    weights = sum((weight for _, weight, _ in parts), Decimal(0))
    weighted = (
        sum((value * weight for value, weight, _ in parts), Decimal(0)) / weights
        if weights
        else Decimal(0)
    )
    score = q2(min(max(weighted + ledger, Decimal(0)), HUNDRED))
    grade = rules.grade_for(score)
    for cap in caps:
        if GRADE_ORDER.index(Grade(cap)) > GRADE_ORDER.index(Grade(grade)):
            # The note is shown wherever the result is; whether a case exists is for the
            # register's audience only (domain.md §8a), so it names none.
            notes.append(f"{CAP_NOTE}，不高于“{Grade(cap).label}”")
            grade = cap
    return Composite(score=score, grade=grade, notes=notes)


def apply_good_quota(
    ranked: Sequence[tuple[int, Decimal, str]], quota_percent: Decimal | None
) -> dict[int, str]:
    """Keep at most `quota_percent` of a tier at 好 (best composites first); others drop to 较好.

    `ranked` holds (key, composite, grade); returns the key → grade changes.
    """
    if quota_percent is None:
        return {}
    allowed = int(len(ranked) * quota_percent / HUNDRED)
    changes: dict[int, str] = {}
    kept = 0
    for key, _score, grade in sorted(ranked, key=lambda r: r[1], reverse=True):
        if grade != Grade.GOOD:
            continue
        if kept < allowed:
            kept += 1
        else:
            changes[key] = Grade.FAIRLY_GOOD
    return changes


def competition_ranks(scores: dict[int, Decimal]) -> dict[int, int]:
    """1 for the best; equal scores share a rank (standard competition ranking)."""
    ordered = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    ranks: dict[int, int] = {}
    previous: Decimal | None = None
    rank = 0
    for position, (key, score) in enumerate(ordered, start=1):
        if score != previous:
            rank = position
            previous = score
        ranks[key] = rank
    return ranks
