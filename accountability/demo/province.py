"""The accountability part of the benchmark province (bench/README.md), in bulk."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from assessment import person_results, stale
from assessment.models import PersonResult
from assessment.services import person_results_mark_stale
from responsibility.demo import DemoContext
from responsibility.demo_province import root_key, vacuum_analyze
from responsibility.models import Organisation, Post

from ..models import Finding, Rectification
from .rectifications import FINDINGS

PROVINCE_PROBLEMS = [finding[3] for finding in FINDINGS]
PROVINCE_MEASURES = "逐项对照问题清单整改，明确责任人和完成时限，建立长效机制。"


def seed_province(context: DemoContext, today: datetime.date | None = None) -> None:
    """About 2,000 rectifications for the benchmark province, in bulk: a thousand supervision
    findings each with its rectification, and a thousand opened on quarterly-review deductions;
    two in five closed, the rest pending, in progress or awaiting verification, with deadlines
    around today so the ledger and the reminder sweep have overdue and due-soon work.

    Runs after the assessment seed (its item scores are sources). States and dates follow the
    row order, so a rerun on the same province gives the same ledger.
    """
    from assessment.models import ItemScore

    today = today or timezone.localdate()
    now = timezone.now()
    year, users = context.year, context.users
    assigner = users["reviewer"]
    secretaries = dict(
        Post.objects.filter(kind=Post.Kind.SECRETARY, end_date__isnull=True).values_list(
            "organisation_id", "user_id"
        )
    )
    # Per province (one per working committee: `seed_demo --multiplier K` builds K), every
    # other branch up to a thousand has a finding, and the first thousand deductions by id
    # become rectifications: each copy's ledger looks like the single province's.
    branches: dict[str, list[int]] = {}
    for pk, path in (
        Organisation.objects.filter(tier__kind="branch", checklists__year=year)
        .order_by("path")
        .values_list("pk", "path")
    ):
        branches.setdefault(root_key(path), []).append(pk)
    with transaction.atomic():
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    organisation_id=organisation_id,
                    found_on=today - datetime.timedelta(days=5 + index % 180),
                    problem=PROVINCE_PROBLEMS[index % len(PROVINCE_PROBLEMS)],
                    severity=list(Finding.Severity)[index % 3],
                    recorded_by=assigner,
                    recorded_at=now,
                )
                for index, organisation_id in enumerate(
                    pk for copy in branches.values() for pk in copy[::2][:1000]
                )
            ],
            batch_size=2000,
        )
        sources = [
            (
                Rectification.SourceType.FINDING,
                f.pk,
                f"督查发现（{f.found_on}）",
                f.organisation_id,
                f.problem,
            )
            for f in findings
        ]
        deductions: dict[str, list[tuple[int, int, str, str]]] = {}
        for pk, organisation_id, path, ref, reason in (
            ItemScore.objects.filter(review__round__year=year)
            .exclude(reason="")
            .order_by("pk")
            .values_list(
                "pk", "review__organisation_id", "review__organisation__path", "item__ref", "reason"
            )
            .iterator(chunk_size=5000)
        ):
            taken = deductions.setdefault(root_key(path), [])
            if len(taken) < 1000:
                taken.append((pk, organisation_id, ref, reason))
        sources += [
            (
                Rectification.SourceType.ITEM_SCORE,
                pk,
                f"季度检查扣分：{ref}",
                organisation_id,
                reason,
            )
            for copy in deductions.values()
            for pk, organisation_id, ref, reason in copy
        ]
        rectifications = [
            _province_rectification(index, source, year, secretaries, assigner, today, now)
            for index, source in enumerate(sources)
        ]
        Rectification.objects.bulk_create(rectifications, batch_size=2000)
    refreshed = _refresh_person_results(year, rectifications)
    vacuum_analyze([Finding, Rectification, PersonResult])
    context.counts.update(
        {
            "findings": len(findings),
            "rectifications": len(rectifications),
            "person_results": PersonResult.objects.filter(year=year, is_current=True).count(),
            "person_results_refreshed": refreshed,
        }
    )


def _refresh_person_results(year, rectifications: list[Rectification]) -> int:
    """The person results were published with the organisation results (the assessment seed);
    the rectifications assigned since count in their responsible people's results, so those
    are marked 待更新 and refreshed, as supervision's services and the nightly task do
    (issue #19.3): a new version for each whose figures changed."""
    people = {r.responsible_person_id for r in rectifications if r.responsible_person_id}
    if not people:
        return 0
    person_results_mark_stale(
        actor=None, year=year, person_ids=people, change=stale.Change.RECTIFICATION
    )
    return person_results.person_results_refresh(actor=None, year=year)["versions"]


def _province_rectification(index, source, year, secretaries, assigner, today, now):
    source_type, source_id, label, organisation_id, problem = source
    state = [
        Rectification.State.CLOSED,
        Rectification.State.CLOSED,
        Rectification.State.IN_PROGRESS,
        Rectification.State.PENDING,
        Rectification.State.SUBMITTED,
    ][index % 5]
    # Open ones fall due between 20 days ago (overdue) and 40 days ahead.
    deadline = today + datetime.timedelta(days=(index * 7) % 61 - 20)
    finished = state in (Rectification.State.CLOSED, Rectification.State.SUBMITTED)
    if finished:
        deadline = today - datetime.timedelta(days=10 + index % 60)
    return Rectification(
        year=year,
        organisation_id=organisation_id,
        responsible_person_id=secretaries.get(organisation_id),
        source_type=source_type,
        source_id=source_id,
        source_label=label,
        problem=problem,
        measures=PROVINCE_MEASURES if state != Rectification.State.PENDING else "",
        deadline=deadline,
        state=state,
        is_late=finished and index % 7 == 0,
        submitted_at=now if finished else None,
        verification_note="整改到位。" if state == Rectification.State.CLOSED else "",
        closed_at=now if state == Rectification.State.CLOSED else None,
        closed_by=assigner if state == Rectification.State.CLOSED else None,
        created_by=assigner,
        created_at=now - datetime.timedelta(days=30 + index % 60),
    )
