"""Person results (个人抓党建考核, issue #19.3): compute for a year, publish, refresh, version.

As for organisations (`results.py`): a published result is frozen; recomputing creates a new
version carrying its reason. Person results are published with the organisation results
(`results.results_publish` calls `person_results_publish`), and marked 待更新 when a source
changes after publication (`services.person_results_mark_stale`).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility.models import User, Year
from responsibility.services import audit_record

from . import stale
from .models import PersonResult
from .person_scoring import compute_people
from .results import default_as_of
from .selectors import scheme_for
from .services import AssessmentError

COMPARED = (
    "organisation_id",
    "duties_score",
    "organisation_score",
    "training_hours",
    "training_score",
    "rating_score",
    "rectification_points",
    "composite",
    "grade",
)
BATCH = 2000


@transaction.atomic
def person_results_compute(
    *,
    actor: User | None,
    year: Year,
    reason: str = "",
    as_of: datetime.date | None = None,
    person_ids: Collection[int] | None = None,
    reasons: Mapping[int, str] | None = None,
) -> dict[str, int]:
    """Compute and store the year's person results (or only `person_ids`').

    Unpublished current results are updated in place; a published one whose figures changed
    gets a new version, which needs a reason (`reasons` per person, else `reason`); unchanged
    ones are left alone. Either way a 待更新 mark clears. A fixed number of queries whatever
    the number of people: the inputs (person_scoring), the current results, and the writes in
    batches."""
    scheme = scheme_for(year)
    computed = compute_people(
        year, scheme, as_of=as_of or default_as_of(year), person_ids=person_ids
    )
    reasons = reasons or {}
    current_rows = PersonResult.objects.filter(year=year, is_current=True)
    if person_ids is not None:
        current_rows = current_rows.filter(person_id__in=list(person_ids))
    current = {r.person_id: r for r in current_rows}
    changed = {
        row.person_id
        for row in computed
        if (old := current.get(row.person_id)) is not None
        and old.published_at is not None
        and any(getattr(old, name) != row.values[name] for name in COMPARED)
    }
    missing = [pid for pid in changed if not (reasons.get(pid) or reason).strip()]
    if missing:
        raise AssessmentError(
            _("已有 %(n)d 个已发布的个人考核结果将发生变化，重新计算必须填写原因。")
            % {"n": len(missing)}
        )
    now = timezone.now()
    to_create: list[PersonResult] = []
    to_update: list[PersonResult] = []
    superseded: list[int] = []
    for row in computed:
        old = current.get(row.person_id)
        if old is None:
            to_create.append(
                PersonResult(person_id=row.person_id, year=year, computed_at=now, **row.values)
            )
        elif old.published_at is None:
            for name, value in row.values.items():
                setattr(old, name, value)
            old.computed_at = now
            to_update.append(old)
        elif row.person_id in changed:
            superseded.append(old.pk)
            to_create.append(
                PersonResult(
                    person_id=row.person_id,
                    year=year,
                    version=old.version + 1,
                    computed_at=now,
                    reason=(reasons.get(row.person_id) or reason)[:300],
                    **row.values,
                )
            )
    PersonResult.objects.filter(pk__in=superseded).update(
        is_current=False, stale_since=None, stale_reasons=[]
    )
    confirmed = PersonResult.objects.filter(
        year=year,
        is_current=True,
        stale_since__isnull=False,
        person_id__in=[row.person_id for row in computed],
    ).update(stale_since=None, stale_reasons=[])
    PersonResult.objects.bulk_create(to_create, batch_size=BATCH)
    if to_update:
        PersonResult.objects.bulk_update(
            to_update, [*computed[0].values.keys(), "computed_at"], batch_size=BATCH
        )
    counts = {
        "created": len(to_create),
        "updated": len(to_update),
        "versions": len(superseded),
        "confirmed": confirmed,
    }
    audit_record(
        actor=actor,
        action="person_results.compute",
        obj=year,
        changes={**counts, "reason": reason},
    )
    return counts


@transaction.atomic
def person_results_publish(
    *, actor: User | None, year: Year, person_ids: Collection[int] | None = None
) -> int:
    """Publish the year's current unpublished person results (with the organisation results:
    `results.results_publish` calls this)."""
    unpublished = PersonResult.objects.filter(year=year, is_current=True, published_at__isnull=True)
    if person_ids is not None:
        unpublished = unpublished.filter(person_id__in=list(person_ids))
    published = unpublished.update(published_at=timezone.now())
    if published:
        audit_record(
            actor=actor,
            action="person_results.publish",
            obj=year,
            changes={"count": published},
        )
    return published


@transaction.atomic
def person_results_refresh(*, actor: User | None, year: Year) -> dict[str, int]:
    """Recompute the person results marked 待更新, each as a new version whose reason is what
    its mark recorded, and publish those versions at once."""
    marked = {
        row.person_id: row.stale_reasons
        for row in PersonResult.objects.filter(
            year=year, is_current=True, stale_since__isnull=False
        )
        .select_for_update()
        .only("person_id", "stale_reasons")
    }
    if not marked:
        return {"versions": 0, "confirmed": 0, "published": 0}
    counts = person_results_compute(
        actor=actor,
        year=year,
        person_ids=marked.keys(),
        reasons={pid: stale.recompute_reason(reasons) for pid, reasons in marked.items()},
    )
    published = person_results_publish(actor=actor, year=year, person_ids=marked.keys())
    summary = {
        "versions": counts["versions"],
        "confirmed": counts["confirmed"],
        "published": published,
    }
    audit_record(actor=actor, action="person_results.refresh", obj=year, changes=summary)
    return summary
