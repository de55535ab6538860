"""Demo supervision data on top of the core demo (called by `manage.py seed_demo`).

Idempotent: a second run finds the demo findings and adds nothing. Everything goes through the
services, so the audit trail and the inbox look as they would in use; the emails those services
queue are dropped, because a demo should not mail anyone.
The supervision ledger is seeded in `rectifications`, the notices and tasks in `communication`,
and the benchmark province's share in `province`.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessment.models import DutyReport, OrganisationReview
from responsibility import services as core
from responsibility.demo import DEMO_PASSWORD, DemoContext
from responsibility.models import Post, User

from .. import reminders
from ..models import (
    AccountabilityCase,
    Dispatch,
    Finding,
    LiaisonMeeting,
    Notice,
    Notification,
    OutboxMessage,
    Rectification,
)
from .communication import DISPATCH_TITLE, seed_communication
from .discipline import seed_discipline
from .province import seed_province
from .rectifications import FINDINGS, seed_rectifications

__all__ = ["DISPATCH_TITLE", "finish", "seed", "seed_province"]

DISCIPLINE_USER = ("discipline", "钱正", "CZT-JGJW")


def _discipline_staff(context: DemoContext) -> User:
    username, full_name, code = DISCIPLINE_USER
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "password": make_password(DEMO_PASSWORD),
            "email": f"{username}@example.gov.cn",
        },
    )
    organisation = context.organisations[code]
    if not Post.objects.filter(user=user, organisation=organisation).exists():
        core.post_create(
            actor=None,
            user=user,
            organisation=organisation,
            kind=Post.Kind.SECRETARY,
            start_date=datetime.date(2024, 1, 1),
        )
    return user


@transaction.atomic
def seed(context: DemoContext) -> None:
    orgs = context.organisations
    context.users["discipline"] = _discipline_staff(context)
    # The 机关纪委 sits in the 机关党委's review meeting (assessment's demo left it voting).
    for report in DutyReport.objects.filter(
        organisation=orgs["CZT-JGDW"], year=context.year, meeting_closed_at__isnull=True
    ):
        report.raters.add(context.users["discipline"])
    seed_communication(context)
    if not Finding.objects.filter(problem=FINDINGS[0][3]).exists():
        seed_rectifications(context)
    seed_discipline(context)
    _count(context)


def finish(context: DemoContext) -> None:
    """After every app's seed has committed (and its hand-overs have told the next person):
    today's reminder sweep, so 督促留痕 and the inboxes show what it sent. A demo mails nobody:
    the emails the services queued while seeding are dropped."""
    result = reminders.run(timezone.localdate(), deliver=False)
    OutboxMessage.objects.filter(created_at__gte=context.started_at).delete()
    # Scores confirmed since they were handed over are old news: their messages have been read.
    handled = [
        review.get_absolute_url()
        for review in OrganisationReview.objects.exclude(
            status=OrganisationReview.Status.SUBMITTED
        ).only("pk")
    ]
    Notification.objects.filter(
        created_at__gte=context.started_at, url__in=handled, read_at__isnull=True
    ).update(read_at=timezone.now())
    context.counts["reminder digests"] = result.digests


def _count(context: DemoContext) -> None:
    context.counts["users"] = User.objects.count()
    context.counts["findings"] = Finding.objects.count()
    context.counts["rectifications"] = Rectification.objects.count()
    context.counts["accountability cases"] = AccountabilityCase.objects.count()
    context.counts["notices"] = Notice.objects.count()
    context.counts["dispatches"] = Dispatch.objects.count()
    context.counts["liaison meetings"] = LiaisonMeeting.objects.count()
