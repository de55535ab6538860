"""Writes of party-affairs cadres (专兼职党务干部, domain.md §8): trainings, their
attendance, rotations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility.models import Organisation, User, Year
from responsibility.services import ServiceError, audit_record

from .. import stale
from ..models import Rotation, Training, TrainingAttendance
from ..selectors.cadres import training_date_window
from .people import person_results_mark_stale

# --- writes ------------------------------------------------------------------------------------


@transaction.atomic
def training_create(
    *,
    actor: User,
    organiser: Organisation,
    held_on: datetime.date,
    topic: str,
    hours: Decimal,
    is_party_knowledge: bool = True,
) -> Training:
    first, last = training_date_window()
    if not first <= held_on <= last:
        raise ServiceError(
            _("培训日期须在 %(first)s 至 %(last)s 之间（各考核年度及其前后一年）。")
            % {"first": first.isoformat(), "last": last.isoformat()}
        )
    training = Training.objects.create(
        organiser=organiser,
        held_on=held_on,
        topic=topic,
        hours=hours,
        is_party_knowledge=is_party_knowledge,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="training.create",
        obj=training,
        organisation=organiser,
        changes={"topic": topic, "held_on": held_on.isoformat(), "hours": str(hours)},
    )
    return training


@transaction.atomic
def training_attendance_add(
    *, actor: User, training: Training, attendees: Iterable[tuple[User, Decimal | None]]
) -> int:
    """Record who attended (hours default to the session's); a person already listed is kept."""
    rows = [
        TrainingAttendance(training=training, person=person, hours=hours or training.hours)
        for person, hours in attendees
    ]
    existing = set(training.attendance.values_list("person_id", flat=True))
    new = [row for row in rows if row.person_id not in existing]
    TrainingAttendance.objects.bulk_create(new)
    if new:
        audit_record(
            actor=actor,
            action="training.attendance",
            obj=training,
            organisation=training.organiser,
            changes={"added": [row.person.username for row in new]},
        )
        year = Year.objects.filter(year=training.held_on.year).first()
        if training.is_party_knowledge and year is not None:
            person_results_mark_stale(
                actor=actor,
                year=year,
                person_ids=[row.person_id for row in new],
                change=stale.Change.TRAINING,
            )
    return len(new)


@transaction.atomic
def rotation_add(
    *,
    actor: User,
    person: User,
    moved_on: datetime.date,
    from_post: str,
    to_post: str,
    note: str = "",
) -> Rotation:
    if moved_on > timezone.localdate():
        raise ServiceError(_("交流日期不能晚于今天。"))
    rotation = Rotation.objects.create(
        person=person,
        moved_on=moved_on,
        from_post=from_post,
        to_post=to_post,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="rotation.add",
        obj=rotation,
        changes={"person": person.username, "from": from_post, "to": to_post},
    )
    return rotation
