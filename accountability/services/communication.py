"""Communication down the chain: notices (通知), dispatched tasks (任务交办) and the liaison
system's meeting records (联络员会议)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import dates, files, scope
from responsibility import services as core
from responsibility.models import Organisation, User, Year
from responsibility.services import ServiceError

from .. import selectors
from ..models import Dispatch, LiaisonMeeting, Notice, NoticeRecipient
from .notifications import notify


def _require_review(actor: User, organisations: Sequence[Organisation]) -> None:
    """The sender must be able to review every recipient (admins may send anywhere)."""
    if not organisations:
        raise ServiceError(_("请至少选择一个接收组织。"))
    user_scope = scope.scope_for(actor)
    refused = [o.name for o in organisations if not user_scope.can("review", o)]
    if refused:
        raise ServiceError(
            _("以下组织不在您的督导范围内：%(names)s") % {"names": "、".join(refused)}
        )


def officers_of(organisation_ids: Iterable[int]) -> list[User]:
    """The people holding a current officer post in these organisations, each once (one query,
    `selectors.officers_of`)."""
    by_organisation = selectors.officers_of(organisation_ids)
    return list({u.pk: u for users in by_organisation.values() for u in users}.values())


def attachment_owner(actor: User) -> Organisation:
    """Attachments are evidence of the sender's own supervising organisation (admins: the root)."""
    for post in scope.scope_for(actor).posts:
        if post.is_officer and post.organisation.tier.supervises_subtree:
            return post.organisation
    root = Organisation.objects.filter(parent=None).order_by("path").first()
    if root is None:
        raise ServiceError(_("尚未建立组织架构。"))
    return root


@files.atomic()
def notice_publish(
    *,
    actor: User,
    title: str,
    body: str,
    organisations: Sequence[Organisation],
    target: str = Notice.Target.CHOSEN,
    target_label: str = "",
    uploads: Sequence[UploadedFile] = (),
) -> Notice:
    """Publish a notice to a concrete list of organisations, and tell their officers."""
    recipients = list({o.pk: o for o in organisations}.values())
    _require_review(actor, recipients)
    notice = Notice.objects.create(
        sender=actor, title=title, body=body, target=target, target_label=target_label
    )
    NoticeRecipient.objects.bulk_create(
        [NoticeRecipient(notice=notice, organisation=o) for o in recipients]
    )
    if uploads:
        owner = attachment_owner(actor)
        notice.attachments.add(
            *[core.evidence_upload(actor=actor, organisation=owner, upload=u) for u in uploads]
        )
    core.audit_record(
        actor=actor,
        action="notice.publish",
        obj=notice,
        changes={"title": title, "recipients": [o.pk for o in recipients]},
    )
    notify(
        recipients=officers_of(o.pk for o in recipients),
        title=_("通知：%(title)s") % {"title": title},
        body=body[:500],
        url=notice.get_absolute_url(),
    )
    return notice


def notice_read(*, actor: User, notice: Notice) -> int:
    """Record the first reading of each of the actor's officer organisations among the
    recipients; the conditional update makes the first reader the only one recorded."""
    officer_ids = scope.scope_for(actor).officer_ids
    if not officer_ids:
        return 0
    return NoticeRecipient.objects.filter(
        notice=notice, organisation_id__in=officer_ids, first_read_at=None
    ).update(first_read_at=timezone.now(), first_read_by=actor)


@transaction.atomic
def dispatch_create(
    *,
    actor: User,
    organisations: Sequence[Organisation],
    year: Year,
    title: str,
    due_date: datetime.date,
    standard: str = "",
    today: datetime.date | None = None,
) -> Dispatch:
    """A task with a due date: one one-off obligation in each chosen organisation only."""
    targets = list({o.pk: o for o in organisations}.values())
    _require_review(actor, targets)
    dates.check_due_date(due_date, year=year, today=today or timezone.localdate())
    dispatch = Dispatch.objects.create(sender=actor, year=year, title=title, due_date=due_date)
    dispatch.ref = f"JB-{dispatch.pk}"
    dispatch.save(update_fields=["ref"])
    obligations = core.obligations_dispatch(
        actor=actor,
        organisations=targets,
        year=year,
        ref=dispatch.ref,
        content=title,
        due_date=due_date,
        standard=standard,
    )
    dispatch.obligations.add(*obligations)
    core.audit_record(
        actor=actor,
        action="dispatch.create",
        obj=dispatch,
        changes={"ref": dispatch.ref, "title": title, "due_date": due_date.isoformat()},
    )
    notify(
        recipients=officers_of(o.pk for o in targets),
        title=_("交办任务：%(title)s") % {"title": title[:100]},
        body=_("截止日期：%(date)s") % {"date": f"{due_date:%Y-%m-%d}"},
        url=reverse("my_work"),
    )
    return dispatch


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    organisation: Organisation,
    held_on: datetime.date,
    attendees: str,
    agenda: str,
    decisions: str = "",
    today: datetime.date | None = None,
) -> LiaisonMeeting:
    if not scope.can(actor, "supervise", organisation):
        raise ServiceError(_("该组织不在您的督导范围内。"))
    dates.check_liaison_meeting(held_on, today=today or timezone.localdate())
    meeting = LiaisonMeeting.objects.create(
        organisation=organisation,
        held_on=held_on,
        attendees=attendees,
        agenda=agenda,
        decisions=decisions,
        recorded_by=actor,
    )
    core.audit_record(
        actor=actor,
        action="liaison_meeting.create",
        obj=meeting,
        organisation=organisation,
        changes={"held_on": held_on.isoformat(), "agenda": agenda[:200]},
    )
    return meeting
