"""Writes of party-affairs cadres (专兼职党务干部, domain.md §8): trainings, their
attendance, rotations."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility.models import Organisation, Post, User, Year
from responsibility.services import ServiceError, audit_record, post_create, post_end

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


def post_label(post: Post) -> str:
    return f"{post.organisation.name} {post.get_kind_display()}"


@transaction.atomic
def rotation_record(
    *,
    actor: User,
    person: User,
    moved_on: datetime.date,
    from_post: Post,
    organisation: Organisation,
    kind: str,
    note: str = "",
) -> Rotation:
    """A rotation (岗位交流): `from_post` ends the day before `moved_on`, a post of `kind` in
    `organisation` starts on it, and the rotation links both. The caller has checked that the
    actor may record it for the person and place them in `organisation` (the scope)."""
    if moved_on > timezone.localdate():
        raise ServiceError(_("交流日期不能晚于今天。"))
    if kind not in Post.Kind.values:
        raise ServiceError(_("请选择新职务。"))
    # The post as it is now, not as the form loaded it: someone may have ended it meanwhile.
    current = (
        Post.objects.select_for_update()
        .select_related("organisation")
        .filter(pk=from_post.pk, user=person)
        .first()
    )
    if current is None:
        raise ServiceError(_("原职务不属于此人。"))
    if not current.start_date < moved_on:
        raise ServiceError(
            _("交流日期须晚于原职务的任职开始日期（%(d)s）。")
            % {"d": current.start_date.isoformat()}
        )
    if current.end_date is not None and current.end_date < moved_on:
        raise ServiceError(_("原职务已于 %(d)s 结束。") % {"d": current.end_date.isoformat()})
    if current.organisation_id == organisation.pk and current.kind == kind:
        raise ServiceError(_("新职务与原职务相同。"))
    post_end(actor=actor, post=current, end_date=moved_on - datetime.timedelta(days=1))
    started = post_create(
        actor=actor, user=person, organisation=organisation, kind=kind, start_date=moved_on
    )
    rotation = Rotation.objects.create(
        person=person,
        moved_on=moved_on,
        from_post=post_label(current)[:200],
        to_post=post_label(started)[:200],
        from_post_link=current,
        to_post_link=started,
        note=note,
        recorded_by=actor,
    )
    audit_record(
        actor=actor,
        action="rotation.record",
        obj=rotation,
        organisation=organisation,
        changes={
            "person": person.username,
            "from": rotation.from_post,
            "to": rotation.to_post,
            "moved_on": moved_on.isoformat(),
        },
    )
    return rotation
