"""Annual results: compute for a whole year in a fixed number of queries, publish, version.

A published result is frozen: recomputing creates a new version carrying its reason, and the
published one stays as it was for whoever already relied on it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import work_versions
from responsibility.models import Checklist, Obligation, User, Year
from responsibility.services import audit_record

from . import scoring, stale
from .models import AnnualResult, GradeCap, ItemScore, LedgerEntry, Scheme, Vote
from .selectors import scheme_for
from .services import AssessmentError

FACT_CHUNK = 20_000


def rules_from(scheme: Scheme) -> scoring.Rules:
    return scoring.Rules(
        weight_process=scheme.weight_process,
        weight_quarterly=scheme.weight_quarterly,
        weight_year_end=scheme.weight_year_end,
        good_min=scheme.good_min,
        fairly_good_min=scheme.fairly_good_min,
        average_min=scheme.average_min,
        late_deduction_percent=scheme.late_deduction_percent,
        no_evidence_deduction_percent=scheme.no_evidence_deduction_percent,
        vote_values={
            "good": scheme.vote_good,
            "fairly_good": scheme.vote_fairly_good,
            "average": scheme.vote_average,
            "poor": scheme.vote_poor,
        },
    )


def default_as_of(year: Year, today: datetime.date | None = None) -> datetime.date:
    """Count obligations due so far; once the year is closed, all of them."""
    today = today or timezone.localdate()
    if year.is_closed:
        return datetime.date(year.year + 1, 12, 31)
    return today


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, 3 * quarter - 2, 1)
    end_month = 3 * quarter
    end = (
        datetime.date(year, 12, 31)
        if end_month == 12
        else datetime.date(year, end_month + 1, 1) - datetime.timedelta(days=1)
    )
    return start, end


def obligation_facts(
    year: Year, organisation_ids: list[int] | None = None
) -> dict[int, list[scoring.ObligationFact]]:
    """Every obligation of the year as a scoring fact, grouped by organisation: one query."""
    through = Obligation.evidence.through
    queryset = Obligation.objects.filter(year=year)
    if organisation_ids is not None:
        queryset = queryset.filter(organisation_id__in=organisation_ids)
    rows = queryset.annotate(
        has_evidence=Exists(through.objects.filter(obligation_id=OuterRef("pk")))
    ).values_list(
        "organisation_id",
        "item_id",
        "item__points",
        "status",
        "is_late",
        "has_evidence",
        "due_date",
        "period_end",
    )
    facts: dict[int, list[scoring.ObligationFact]] = defaultdict(list)
    for org_id, item_id, points, status, late, evidence, due, end in rows.iterator(
        chunk_size=FACT_CHUNK
    ):
        facts[org_id].append(
            scoring.ObligationFact(item_id, points, status, late, evidence, due, end)
        )
    return facts


@dataclass
class Inputs:
    """Everything the year's results are made of, loaded in a fixed number of queries."""

    facts: dict[int, list[scoring.ObligationFact]]
    reviews: dict[int, dict[int, Decimal]] = field(default_factory=dict)
    votes: dict[int, list[str]] = field(default_factory=dict)
    ledger: dict[int, Decimal] = field(default_factory=dict)
    caps: dict[int, list[str]] = field(default_factory=dict)


def load_inputs(year: Year, organisation_ids: list[int] | None = None) -> Inputs:
    inputs = Inputs(facts=obligation_facts(year, organisation_ids))
    scores = ItemScore.objects.filter(review__round__year=year, review__status="published")
    votes = Vote.objects.filter(report__year=year)
    ledger = LedgerEntry.objects.filter(year=year, status=LedgerEntry.Status.APPROVED)
    caps = GradeCap.objects.filter(year=year)
    if organisation_ids is not None:
        scores = scores.filter(review__organisation_id__in=organisation_ids)
        votes = votes.filter(report__organisation_id__in=organisation_ids)
        ledger = ledger.filter(organisation_id__in=organisation_ids)
        caps = caps.filter(organisation_id__in=organisation_ids)
    for row in scores.values("review__organisation_id", "review__round__quarter").annotate(
        total=Sum("score"), maximum=Sum("max_points")
    ):
        percent = scoring.review_score([(row["total"], row["maximum"])])
        if percent is not None:
            inputs.reviews.setdefault(row["review__organisation_id"], {})[
                row["review__round__quarter"]
            ] = percent
    for org_id, choice in votes.values_list("report__organisation_id", "choice"):
        inputs.votes.setdefault(org_id, []).append(choice)
    for org_id, kind, points in ledger.values_list("organisation_id", "kind").annotate(
        total=Sum("points")
    ):
        signed = points if kind == LedgerEntry.Kind.BONUS else -points
        inputs.ledger[org_id] = inputs.ledger.get(org_id, Decimal(0)) + signed
    for org_id, max_grade in caps.values_list("organisation_id", "max_grade"):
        inputs.caps.setdefault(org_id, []).append(max_grade)
    return inputs


@dataclass
class Computed:
    organisation_id: int
    tier_id: int
    values: dict[str, Any]


@dataclass(frozen=True)
class YearData:
    """What a year's results are computed from: its organisations (with their tier) and inputs.
    Loaded once, it serves any number of schemes (the what-if preview computes two)."""

    organisations: list[tuple[int, int]]
    inputs: Inputs


def load_year(year: Year) -> YearData:
    organisations = list(
        Checklist.objects.filter(year=year).values_list("organisation_id", "organisation__tier_id")
    )
    return YearData(organisations=organisations, inputs=load_inputs(year))


def compute(
    year: Year,
    *,
    as_of: datetime.date | None = None,
    scheme: Scheme | None = None,
    data: YearData | None = None,
) -> tuple[Scheme, list[Computed]]:
    """The year's results for every organisation with a checklist (nothing written), under the
    year's saved scheme or `scheme` (an unsaved draft: the what-if preview, `whatif.py`)."""
    scheme = scheme or scheme_for(year)
    rules = rules_from(scheme)
    as_of = as_of or default_as_of(year)
    data = data or load_year(year)
    inputs = data.inputs
    computed: list[Computed] = []
    for org_id, tier_id in data.organisations:
        facts = inputs.facts.get(org_id, [])
        process = scoring.process_score(facts, rules, as_of=as_of).score
        quarters: dict[str, dict[str, Any]] = {}
        for quarter in range(1, 5):
            bounds = quarter_bounds(year.year, quarter)
            if bounds[0] > as_of:
                continue
            quarters[str(quarter)] = {
                "process": str(
                    scoring.process_score(facts, rules, as_of=as_of, period=bounds).score
                ),
                "review": (
                    str(inputs.reviews[org_id][quarter])
                    if quarter in inputs.reviews.get(org_id, {})
                    else None
                ),
            }
        published = list(inputs.reviews.get(org_id, {}).values())
        quarterly = scoring.q2(sum(published, Decimal(0)) / len(published)) if published else None
        year_end = scoring.vote_score(inputs.votes.get(org_id, []), rules)
        ledger = inputs.ledger.get(org_id, Decimal(0))
        result = scoring.composite(
            process=process,
            quarterly=quarterly,
            year_end=year_end,
            ledger=ledger,
            rules=rules,
            caps=inputs.caps.get(org_id, []),
        )
        computed.append(
            Computed(
                organisation_id=org_id,
                tier_id=tier_id,
                values={
                    "process_score": process,
                    "quarter_scores": quarters,
                    "quarterly_score": quarterly,
                    "year_end_score": year_end,
                    "ledger_points": ledger,
                    "composite": result.score,
                    "grade": result.grade,
                    "grade_note": "；".join(result.notes)[:300],
                },
            )
        )
    _rank_and_apply_quota(computed, scheme)
    return scheme, computed


def _rank_and_apply_quota(computed: list[Computed], scheme: Scheme) -> None:
    by_tier: dict[int, list[Computed]] = defaultdict(list)
    for row in computed:
        by_tier[row.tier_id].append(row)
    for rows in by_tier.values():
        ranks = scoring.competition_ranks({r.organisation_id: r.values["composite"] for r in rows})
        changes = scoring.apply_good_quota(
            [(r.organisation_id, r.values["composite"], r.values["grade"]) for r in rows],
            scheme.good_quota_percent,
        )
        for row in rows:
            row.values["rank_in_tier"] = ranks[row.organisation_id]
            if row.organisation_id in changes:
                row.values["grade"] = changes[row.organisation_id]
                note = _("超出“好”等次比例，按排名确定为“较好”")
                row.values["grade_note"] = "；".join(
                    n for n in (row.values["grade_note"], note) if n
                )[:300]


COMPARED = (
    "process_score",
    "quarterly_score",
    "year_end_score",
    "ledger_points",
    "composite",
    "grade",
)


@transaction.atomic
def results_compute(
    *,
    actor: User | None,
    year: Year,
    reason: str = "",
    as_of: datetime.date | None = None,
    organisation_ids: Collection[int] | None = None,
    reasons: Mapping[int, str] | None = None,
) -> dict[str, int]:
    """Compute and store the year's results (or only `organisation_ids`' of them: every
    organisation is still computed, since ranks and the "好" quota span the tier).

    Unpublished current results are updated in place. A published result whose numbers
    changed gets a new version, which needs a reason (`reasons` per organisation, else
    `reason`); unchanged ones are left alone. Either way a 待更新 mark clears: the result is
    replaced, or confirmed as it stands.
    """
    _scheme, computed = compute(year, as_of=as_of)
    if organisation_ids is not None:
        wanted = set(organisation_ids)
        computed = [row for row in computed if row.organisation_id in wanted]
    reasons = reasons or {}
    current = {
        r.organisation_id: r for r in AnnualResult.objects.filter(year=year, is_current=True)
    }
    changed_published = [
        row
        for row in computed
        if (old := current.get(row.organisation_id)) is not None
        and old.published_at is not None
        and any(getattr(old, name) != row.values[name] for name in COMPARED)
    ]
    missing_reason = [
        row for row in changed_published if not (reasons.get(row.organisation_id) or reason).strip()
    ]
    if missing_reason:
        raise AssessmentError(
            _("已有 %(n)d 个已发布结果将发生变化，重新计算必须填写原因。")
            % {"n": len(missing_reason)}
        )
    now = timezone.now()
    to_create: list[AnnualResult] = []
    to_update: list[AnnualResult] = []
    superseded: list[int] = []
    for row in computed:
        old = current.get(row.organisation_id)
        if old is None:
            to_create.append(
                AnnualResult(
                    organisation_id=row.organisation_id, year=year, computed_at=now, **row.values
                )
            )
        elif old.published_at is None:
            for name, value in row.values.items():
                setattr(old, name, value)
            old.computed_at = now
            to_update.append(old)
        elif row in changed_published:
            superseded.append(old.pk)
            to_create.append(
                AnnualResult(
                    organisation_id=row.organisation_id,
                    year=year,
                    version=old.version + 1,
                    computed_at=now,
                    reason=reasons.get(row.organisation_id) or reason,
                    **row.values,
                )
            )
    AnnualResult.objects.filter(pk__in=superseded).update(
        is_current=False, stale_since=None, stale_reasons=[]
    )
    confirmed = AnnualResult.objects.filter(
        year=year,
        is_current=True,
        stale_since__isnull=False,
        organisation_id__in=[row.organisation_id for row in computed],
    ).update(stale_since=None, stale_reasons=[])
    AnnualResult.objects.bulk_create(to_create, batch_size=2000)
    AnnualResult.objects.bulk_update(
        to_update,
        [*computed[0].values.keys(), "computed_at"] if computed else ["computed_at"],
        batch_size=2000,
    )
    work_versions.bump(AnnualResult)  # the results list's pages (selectors.results_page)
    counts = {
        "created": len(to_create),
        "updated": len(to_update),
        "versions": len(superseded),
        "confirmed": confirmed,
    }
    audit_record(
        actor=actor, action="results.compute", obj=year, changes={**counts, "reason": reason}
    )
    return counts


@transaction.atomic
def results_publish(
    *, actor: User | None, year: Year, organisation_ids: Collection[int] | None = None
) -> int:
    unpublished = AnnualResult.objects.filter(year=year, is_current=True, published_at__isnull=True)
    if organisation_ids is not None:
        unpublished = unpublished.filter(organisation_id__in=list(organisation_ids))
    published = unpublished.update(published_at=timezone.now())
    work_versions.bump(AnnualResult)
    audit_record(actor=actor, action="results.publish", obj=year, changes={"count": published})
    if organisation_ids is None:
        # Person results are computed on the published organisation results and published
        # with them (issue #19.3).
        from .person_results import person_results_compute, person_results_publish

        person_results_compute(actor=actor, year=year, reason=_("随组织考核结果发布"))
        person_results_publish(actor=actor, year=year)
    elif published:
        _mark_people(actor, year, list(organisation_ids))
    return published


def _mark_people(actor: User | None, year: Year, organisation_ids: list[int]) -> None:
    """Some organisations' new versions were published (results_refresh): the published results
    of their post-holders counted the old ones (person_scoring) and are marked 待更新."""
    from .person_scoring import assessed_posts
    from .services import person_results_mark_stale

    people = assessed_posts(year).filter(organisation_id__in=organisation_ids)
    person_results_mark_stale(
        actor=actor,
        year=year,
        person_ids=set(people.values_list("user_id", flat=True)),
        change=stale.Change.ORGANISATION,
    )


@transaction.atomic
def results_refresh(*, actor: User | None, year: Year) -> dict[str, int]:
    """The admin's one action for results marked 待更新: recompute them, each as a new version
    whose reason is what its mark recorded, and publish those versions at once (they replace
    published results, so the organisation is never left without one). A result whose numbers
    turn out unchanged keeps its version; its mark clears all the same."""
    marked = {
        row.organisation_id: row.stale_reasons
        for row in AnnualResult.objects.filter(
            year=year, is_current=True, stale_since__isnull=False
        )
        .select_for_update()
        .only("organisation_id", "stale_reasons")
    }
    if not marked:
        return {"versions": 0, "confirmed": 0, "published": 0}
    counts = results_compute(
        actor=actor,
        year=year,
        organisation_ids=marked.keys(),
        reasons={org_id: stale.recompute_reason(reasons) for org_id, reasons in marked.items()},
    )
    published = results_publish(actor=actor, year=year, organisation_ids=marked.keys())
    summary = {
        "versions": counts["versions"],
        "confirmed": counts["confirmed"],
        "published": published,
    }
    audit_record(actor=actor, action="results.refresh", obj=year, changes=summary)
    return summary
