"""The person-level assessment (个人抓党建考核, issue #19.3): who is assessed, what their result is
made of, and the result itself, computed for a whole year in a fixed number of queries.

Who: every holder, at some time in the year, of an officer post (Post.OFFICER_KINDS) in an
organisation with a checklist that year. Parts, each 0–100, weighted by the year's scheme over
the parts present (a part with nothing to count gives its weight to the others):
- personal duties (个人履责): the person's obligations due so far, a late one losing the
  scheme's late share, like an organisation's process score;
- their organisations' published results (AnnualResult.composite, the mean over their
  organisations), weighted more for those who lead one (书记/副书记);
- training (党务知识培训) hours against the year's requirement;
- the reviewers' ratings in the year-end 述职 (执行力度, 监督力度), their mean.
Then each rectification assigned to them that went overdue, was submitted late or was returned
costs points, and accountability caps (PersonGradeCap) bound the grade, with a neutral note.

Facts that live in `accountability` (rectifications) come from sources it registers
(`register`), so this app imports nothing of it (the pattern of report_drafts.register).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q
from django.utils.translation import gettext as _

from responsibility.models import Checklist, PersonalObligation, Post, Year

from .models import (
    GRADE_ORDER,
    AnnualResult,
    Grade,
    PersonGradeCap,
    PersonRating,
    Scheme,
    TrainingAttendance,
)
from .results import FACT_CHUNK
from .scoring import CAP_NOTE, HUNDRED, q2

# year, as_of → person id → the rectifications assigned to them, as trace rows:
# {"id", "problem", "state", "deadline", "costly": bool, "why": str, "url"}.
RectificationSource = Callable[[Year, datetime.date], dict[int, list[dict[str, Any]]]]
RECTIFICATION_SOURCES: list[RectificationSource] = []


def register(source: RectificationSource) -> None:
    if source not in RECTIFICATION_SOURCES:
        RECTIFICATION_SOURCES.append(source)


@dataclass(frozen=True)
class PostFact:
    organisation_id: int
    organisation_name: str
    tier_order: int
    path: str
    kind: str
    kind_label: str
    start: datetime.date
    end: datetime.date | None

    @property
    def leads(self) -> bool:
        return self.kind in Post.LEAD_KINDS


@dataclass
class PersonInputs:
    """Everything the year's person results are made of, loaded in a fixed number of queries."""

    posts: dict[int, list[PostFact]]
    results: dict[int, tuple[int, Decimal]] = field(default_factory=dict)  # org → (pk, composite)
    duties: dict[int, dict[str, Any]] = field(default_factory=dict)
    training: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    ratings: dict[int, tuple[int, Decimal, Decimal]] = field(default_factory=dict)
    caps: dict[int, list[str]] = field(default_factory=dict)
    rectifications: dict[int, list[dict[str, Any]]] = field(default_factory=dict)


def assessed_posts(year: Year) -> Any:
    """The officer posts held at some time in `year` in organisations with a checklist then."""
    return Post.objects.filter(
        kind__in=Post.OFFICER_KINDS,
        start_date__lte=year.end,
        organisation_id__in=Checklist.objects.filter(year=year).values("organisation_id"),
    ).filter(Q(end_date__isnull=True) | Q(end_date__gte=year.start))


def _load_posts(year: Year, person_ids: Collection[int] | None) -> dict[int, list[PostFact]]:
    posts = assessed_posts(year)
    if person_ids is not None:
        posts = posts.filter(user_id__in=list(person_ids))
    labels = dict(Post.Kind.choices)
    out: dict[int, list[PostFact]] = defaultdict(list)
    for user_id, *row in posts.order_by("user_id", "start_date", "pk").values_list(
        "user_id",
        "organisation_id",
        "organisation__name",
        "organisation__tier__sort_order",
        "organisation__path",
        "kind",
        "start_date",
        "end_date",
    ):
        org_id, name, order, path, kind, start, end = row
        out[user_id].append(
            PostFact(org_id, name, order, path, kind, str(labels.get(kind, kind)), start, end)
        )
    return dict(out)


def load_person_inputs(
    year: Year, as_of: datetime.date, person_ids: Collection[int] | None = None
) -> PersonInputs:
    inputs = PersonInputs(posts=_load_posts(year, person_ids))
    # The latest published version of each organisation's result: a person result never carries
    # an organisation's figure before its members may read it (domain.md §8a).
    published = AnnualResult.objects.filter(year=year, published_at__isnull=False)
    for org_id, pk, composite in published.order_by("organisation_id", "-version").values_list(
        "organisation_id", "pk", "composite"
    ):
        inputs.results.setdefault(org_id, (pk, composite))
    due = PersonalObligation.objects.filter(year=year, due_date__lte=as_of).exclude(
        status=PersonalObligation.Status.NOT_APPLICABLE
    )
    if person_ids is not None:
        due = due.filter(person_id__in=list(person_ids))
    statuses = dict(PersonalObligation.Status.choices)
    rows = due.order_by("due_date", "pk").values_list(
        "person_id", "pk", "duty__content", "period_label", "due_date", "status", "is_late"
    )
    for person_id, pk, content, period, due_date, status, late in rows.iterator(
        chunk_size=FACT_CHUNK
    ):
        counts = inputs.duties.setdefault(person_id, {"due": 0, "done": 0, "late": 0, "rows": []})
        counts["due"] += 1
        done = status == PersonalObligation.Status.DONE
        counts["done"] += done
        counts["late"] += done and late
        if late or not done:
            # Only what cost points is kept in the trace: the rest is the person's list.
            counts["rows"].append(
                {
                    "id": pk,
                    "content": content[:80],
                    "period": period,
                    "due": due_date.isoformat(),
                    "status": str(statuses.get(status, status)),
                    "late": late,
                }
            )
    attendance = TrainingAttendance.objects.filter(
        training__held_on__gte=year.start,
        training__held_on__lte=year.end,
        training__is_party_knowledge=True,
    ).order_by("training__held_on", "pk")
    for person_id, training_id, topic, held_on, hours in attendance.values_list(
        "person_id", "training_id", "training__topic", "training__held_on", "hours"
    ):
        inputs.training.setdefault(person_id, []).append(
            {"id": training_id, "topic": topic, "on": held_on.isoformat(), "hours": str(hours)}
        )
    for person_id, n, execution, supervision in (
        PersonRating.objects.filter(report__year=year)
        .values_list("person_id")
        .annotate(n=Count("pk"), e=Avg("execution"), s=Avg("supervision"))
        .order_by()
    ):
        inputs.ratings[person_id] = (n, q2(Decimal(execution)), q2(Decimal(supervision)))
    for person_id, max_grade in PersonGradeCap.objects.filter(year=year).values_list(
        "person_id", "max_grade"
    ):
        inputs.caps.setdefault(person_id, []).append(max_grade)
    for source in RECTIFICATION_SOURCES:
        for person_id, found in source(year, as_of).items():
            inputs.rectifications.setdefault(person_id, []).extend(found)
    return inputs


@dataclass
class PersonComputed:
    person_id: int
    values: dict[str, Any]


def _principal(posts: list[PostFact]) -> PostFact:
    """A post the person leads with, else the highest tier's; the latest held breaks ties."""
    return min(posts, key=lambda p: (not p.leads, p.tier_order, p.path, -p.start.toordinal()))


def compute_one(
    person_id: int, posts: list[PostFact], inputs: PersonInputs, scheme: Scheme
) -> PersonComputed:
    principal = _principal(posts)
    leads = any(p.leads for p in posts)
    notes: list[str] = []
    trace: dict[str, Any] = {
        "posts": [
            {
                "organisation_id": p.organisation_id,
                "organisation": p.organisation_name,
                "kind": p.kind_label,
                "start": p.start.isoformat(),
                "end": p.end.isoformat() if p.end else None,
            }
            for p in posts
        ]
    }
    # Personal duties.
    counts = inputs.duties.get(person_id)
    duties: Decimal | None = None
    if counts and counts["due"]:
        late_share = scheme.late_deduction_percent / HUNDRED
        earned = Decimal(counts["done"]) - Decimal(counts["late"]) * late_share
        duties = q2(earned / counts["due"] * HUNDRED)
        trace["duties"] = {**counts, "score": str(duties)}
    # Their organisations' results.
    organisations: dict[int, str] = {}
    for p in posts:
        organisations.setdefault(p.organisation_id, p.organisation_name)
    org_rows: list[dict[str, Any]] = []
    composites: list[Decimal] = []
    for org_id, name in organisations.items():
        if org_id in inputs.results:
            pk, composite = inputs.results[org_id]
            composites.append(composite)
            org_rows.append(
                {"id": org_id, "name": name, "result_id": pk, "composite": str(composite)}
            )
    organisation_score = q2(sum(composites, Decimal(0)) / len(composites)) if composites else None
    trace["organisations"] = org_rows
    # Training hours against the requirement.
    attended = inputs.training.get(person_id, [])
    hours = sum((Decimal(a["hours"]) for a in attended), Decimal(0))
    required = scheme.training_hours_required
    training = q2(min(hours / required, Decimal(1)) * HUNDRED) if required > 0 else None
    trace["training"] = {"hours": str(hours), "required": str(required), "rows": attended}
    # Ratings in the year-end 述职.
    rating: Decimal | None = None
    if person_id in inputs.ratings:
        n, execution, supervision = inputs.ratings[person_id]
        rating = q2((execution + supervision) / 2)
        trace["ratings"] = {
            "count": n,
            "execution": str(execution),
            "supervision": str(supervision),
        }
    # Rectifications assigned to them.
    rectifications = inputs.rectifications.get(person_id, [])
    costly = sum(1 for r in rectifications if r["costly"])
    deduction = q2(costly * scheme.person_rectification_deduction)
    trace["rectifications"] = rectifications
    # The composite: weighted over the parts present.
    org_weight = scheme.person_weight_org_lead if leads else scheme.person_weight_org_member
    parts: list[tuple[Decimal, Decimal]] = []
    missing: list[str] = []
    for value, weight, label in (
        (duties, scheme.person_weight_duties, _("个人履责")),
        (organisation_score, org_weight, _("所在组织考核结果")),
        (training, scheme.person_weight_training, _("培训学时")),
        (rating, scheme.person_weight_rating, _("述职测评")),
    ):
        if value is None:
            if weight:
                missing.append(label)
            continue
        parts.append((value, weight))
    if missing:
        notes.append(_("尚无%(parts)s，其权重按比例分配给其他部分") % {"parts": "、".join(missing)})
    weights = sum((w for _v, w in parts), Decimal(0))
    weighted = sum((v * w for v, w in parts), Decimal(0)) / weights if weights else Decimal(0)
    composite = q2(min(max(weighted - deduction, Decimal(0)), HUNDRED))
    grade = scheme.grade_for(composite)
    for cap in inputs.caps.get(person_id, []):
        if GRADE_ORDER.index(Grade(cap)) > GRADE_ORDER.index(Grade(grade)):
            # Names no case: the register's audience reads the reasons on the page (§8a).
            notes.append(
                _("%(note)s，不高于“%(grade)s”") % {"note": CAP_NOTE, "grade": Grade(cap).label}
            )
            grade = cap
    trace["weights"] = {
        "duties": str(scheme.person_weight_duties),
        "organisation": str(org_weight),
        "training": str(scheme.person_weight_training),
        "rating": str(scheme.person_weight_rating),
        "deduction_each": str(scheme.person_rectification_deduction),
    }
    return PersonComputed(
        person_id=person_id,
        values={
            "organisation_id": principal.organisation_id,
            "post_label": "、".join(
                dict.fromkeys(f"{p.organisation_name}{p.kind_label}" for p in posts)
            )[:200],
            "leads": leads,
            "duties_score": duties,
            "organisation_score": organisation_score,
            "training_hours": hours,
            "training_score": training,
            "rating_score": rating,
            "rectification_points": deduction,
            "composite": composite,
            "grade": grade,
            "grade_note": "；".join(notes)[:300],
            "trace": trace,
        },
    )


def compute_people(
    year: Year,
    scheme: Scheme,
    *,
    as_of: datetime.date,
    person_ids: Collection[int] | None = None,
) -> list[PersonComputed]:
    """The year's person results (nothing written): one per assessed person."""
    inputs = load_person_inputs(year, as_of, person_ids)
    return [
        compute_one(person_id, posts, inputs, scheme)
        for person_id, posts in sorted(inputs.posts.items())
    ]
