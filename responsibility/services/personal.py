"""Writes of people's own duties (个人履责, domain.md §8b, issue #19.1): copying the shipped
templates to each holder of a post for a year, generating their obligations, and filling them in.

The fill-in follows the rules of an organisation's obligation (services.obligations' entry_check,
late_mark, entry_reopen): only the storage differs. Personal obligations count in no
organisation figure."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .. import files, periods
from ..models import (
    Evidence,
    PersonalDuty,
    PersonalDutyTemplate,
    PersonalObligation,
    Post,
    User,
    Year,
)
from .obligations import (
    entry_check,
    entry_detach_evidence,
    entry_reopen,
    entry_save,
    evidence_upload,
    late_mark,
)
from .organisations import audit_record, diff

BATCH_SIZE = 2000
# The fields a duty copies from its template (ItemFields.EDITABLE_FIELDS).
DUTY_FIELDS = PersonalDuty.EDITABLE_FIELDS


def _on(year: Year, today: datetime.date | None = None) -> datetime.date:
    """The day whose post-holders get the year's duties: today, within the year."""
    today = today or timezone.localdate()
    return min(max(today, year.start), year.end)


@transaction.atomic
def personal_duties_create(
    *,
    actor: User | None,
    year: Year,
    posts: Iterable[Post] | None = None,
    today: datetime.date | None = None,
) -> int:
    """Copy the active templates to each current holder of a post that has some (or to `posts`):
    the duties missing for (year, person, organisation, ref); the others are left as adjusted.
    Then generates their obligations if the year has started. Returns the duties created."""
    if year.is_closed:
        return 0
    templates: dict[tuple[int, str], list[PersonalDutyTemplate]] = {}
    for template in PersonalDutyTemplate.objects.filter(is_active=True).order_by(
        "sort_order", "ref"
    ):
        templates.setdefault((template.tier_id, template.post_kind), []).append(template)
    if not templates:
        return 0
    if posts is None:
        on = _on(year, today)
        holders = Post.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=on),
            start_date__lte=on,
            organisation__is_active=True,
            kind__in={kind for _, kind in templates},
        )
    else:
        holders = Post.objects.filter(pk__in=[p.pk for p in posts])
    rows = list(
        holders.filter(start_date__lte=year.end)
        .values_list("pk", "user_id", "organisation_id", "organisation__tier_id", "kind")
        .order_by("pk")
    )
    existing = set(
        PersonalDuty.objects.filter(year=year, person_id__in={r[1] for r in rows}).values_list(
            "person_id", "organisation_id", "ref"
        )
    )
    duties: list[PersonalDuty] = []
    for post_id, person_id, organisation_id, tier_id, kind in rows:
        for template in templates.get((tier_id, kind), []):
            key = (person_id, organisation_id, template.ref)
            if key in existing:
                continue
            existing.add(key)
            duties.append(
                PersonalDuty(
                    year=year,
                    person_id=person_id,
                    post_id=post_id,
                    organisation_id=organisation_id,
                    template=template,
                    **{name: getattr(template, name) for name in DUTY_FIELDS},
                )
            )
    PersonalDuty.objects.bulk_create(duties, batch_size=BATCH_SIZE, ignore_conflicts=True)
    if duties:
        audit_record(
            actor=actor, action="personal_duties.create", obj=year, changes={"count": len(duties)}
        )
    if year.status == Year.Status.ACTIVE:
        personal_obligations_generate(year=year, person_ids={r[1] for r in rows})
    return len(duties)


def personal_obligations_generate(*, year: Year, person_ids: Iterable[int] | None = None) -> int:
    """Each active duty's obligations for the year, from the day its post began when that is
    within the year (a person taking a post mid-year owes the periods still to come); never
    touches an existing one (the unique period makes a second run create nothing)."""
    duties = PersonalDuty.objects.filter(year=year, is_active=True)
    if person_ids is not None:
        duties = duties.filter(person_id__in=list(person_ids))
    rows = list(
        duties.values_list(
            "pk",
            "person_id",
            "organisation_id",
            "frequency",
            "due_days",
            "post__start_date",
        ).order_by("pk")
    )
    existing = set(
        PersonalObligation.objects.filter(duty__in=duties).values_list(
            "duty_id", "period_start", "period_end"
        )
    )
    cache: dict[str, list[periods.Period]] = {}
    created: list[PersonalObligation] = []
    for duty_id, person_id, organisation_id, frequency, due_days, started in rows:
        if frequency not in cache:
            cache[frequency] = periods.periods(frequency, year.year)
        for period in cache[frequency]:
            if (duty_id, period.start, period.end) in existing:
                continue
            if started is not None and period.end < started:
                continue  # over before the person took the post
            created.append(
                PersonalObligation(
                    duty_id=duty_id,
                    person_id=person_id,
                    organisation_id=organisation_id,
                    year=year,
                    period_start=period.start,
                    period_end=period.end,
                    period_label=period.label,
                    due_date=periods.due_date(frequency, period, due_days),
                )
            )
    PersonalObligation.objects.bulk_create(created, batch_size=BATCH_SIZE, ignore_conflicts=True)
    return len(created)


def personal_duties_for_new_post(*, actor: User | None, post: Post) -> int:
    """A person taking a post during a planning or active year gets its duties from then."""
    created = 0
    for year in Year.objects.exclude(status=Year.Status.CLOSED).filter(
        year__gte=post.start_date.year
    ):
        if post.end_date is None or post.end_date >= year.start:
            created += personal_duties_create(actor=actor, year=year, posts=[post])
    return created


def personal_obligations_retire(*, post: Post) -> int:
    """A post ended: the duties it carried owe nothing for the periods that begin after, so
    their obligations nobody has touched go (those under way, or filled in, stay as history)."""
    if post.end_date is None:
        return 0
    deleted, _rows = (
        PersonalObligation.objects.filter(
            duty__post=post,
            period_start__gt=post.end_date,
            status=PersonalObligation.Status.NOT_STARTED,
            version=1,
        )
        .filter(evidence__isnull=True)
        .delete()
    )
    return deleted


# --- fill-in -----------------------------------------------------------------------------------


def _snapshot(entry: PersonalObligation) -> dict[str, object]:
    return {
        "status": entry.status,
        "completed_on": entry.completed_on,
        "description": entry.description,
        "na_reason": entry.na_reason,
        "is_late": entry.is_late,
    }


@files.atomic()
def personal_obligation_fill(
    *,
    actor: User,
    obligation: PersonalObligation,
    version: int,
    status: str,
    completed_on: datetime.date | None,
    description: str,
    na_reason: str = "",
    evidence: Iterable[Evidence] = (),
    uploads: Sequence[UploadedFile] = (),
    today: datetime.date | None = None,
) -> PersonalObligation:
    """Record what the person did, with evidence: the rules of an organisation's obligation
    (closed entries, dates, the permanent late mark, compare-and-swap on `version`)."""
    today = today or timezone.localdate()
    entry_check(
        obligation, status=status, completed_on=completed_on, na_reason=na_reason, today=today
    )
    attached = [
        evidence_upload(actor=actor, organisation=obligation.organisation, upload=upload)
        for upload in uploads
    ]
    before = _snapshot(obligation)
    if status != PersonalObligation.Status.DONE:
        completed_on = None
    late = late_mark(obligation, status=status, completed_on=completed_on, today=today)
    entry_save(
        obligation,
        version=version,
        actor=actor,
        status=status,
        completed_on=completed_on,
        description=description,
        na_reason=na_reason,
        is_late=late,
    )
    changes = diff(before, _snapshot(obligation))
    attached += [e for e in evidence if e.organisation_id == obligation.organisation_id]
    if attached:
        obligation.evidence.add(*attached)
        changes["evidence"] = [None, [e.original_name for e in attached]]
    audit_record(
        actor=actor,
        action="personal_obligation.fill",
        obj=obligation,
        organisation=obligation.organisation,
        changes=changes,
    )
    return obligation


@transaction.atomic
def personal_obligation_reopen(
    *,
    actor: User,
    obligation: PersonalObligation,
    reason: str,
    today: datetime.date | None = None,
) -> PersonalObligation:
    return entry_reopen(actor=actor, entry=obligation, reason=reason, today=today)


@transaction.atomic
def personal_obligation_detach_evidence(
    *, actor: User, obligation: PersonalObligation, evidence: Evidence
) -> None:
    entry_detach_evidence(actor=actor, entry=obligation, evidence=evidence)
