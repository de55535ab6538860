"""The reminder sweep (督促提醒), in small steps that tests call without a worker:

    collect(today)               what is due, overdue or to escalate today (collectors.py)
    plan(items)                  who hears of what: one entry per person (a few bulk queries)
    digests_prepare(plan, today) one Digest row per person and day (unique: a rerun is a no-op)
    digests_fill(plan, today)    store each unsent digest's lines (督促留痕), duplicates ignored
    digests_claim(digests, now)  compare-and-swap on `sent_at`: only one sweep sends a digest
    digests_send(claimed, today) from the stored lines: the inbox message and the email
    run(today)                   all of the above, then deliver the outbox

Memory stays flat as the data grows: `run` plans and stores the day's items PARTITION at a time
(a person who hears of items in several partitions gets one digest, filled by each), then sends
the unsent digests CHUNK at a time from what was stored. Each step works on whole sets, so the
number of queries grows with the partitions, never with the rows in one (see
tests/accountability/test_reminders.py).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility.models import Organisation, User

from .. import services
from ..models import Digest, DigestItem, Notification, OutboxMessage
from ..selectors import leads_of, officers_of, supervising_chains
from .collectors import (
    COLLECTORS,
    Item,
    Kind,
    Rules,
    Stage,
    collect,
    collect_duty_reports,
    collect_each,
    collect_handovers,
    collect_obligations,
    collect_rectifications,
    collect_review_rounds,
)

T = TypeVar("T")

CHUNK = 500  # digests claimed and written per transaction
PARTITION = 2000  # items planned and stored at a time
LINES = 2000  # digest lines written per insert


# --- planning: who hears of what ---------------------------------------------------------------


@dataclass
class Recipient:
    user: User
    items: list[Item] = field(default_factory=list)
    keys: set[tuple[str, str]] = field(default_factory=set)

    def add(self, item: Item) -> None:
        key = (item.object_key, item.stage)
        if key not in self.keys:
            self.keys.add(key)
            self.items.append(item)


@dataclass
class Plan:
    recipients: dict[int, Recipient] = field(default_factory=dict)

    def add(self, user: User, item: Item) -> None:
        self.recipients.setdefault(user.pk, Recipient(user=user)).add(item)


def _reviewers(
    organisation_id: int, chain: list[int], officers: dict[int, list[User]], actor_id: int | None
) -> list[User]:
    """Who takes over waiting work: responsibility.selectors.reviewers_for over whole sets.
    The officers of the nearest supervising ancestor, never the organisation's own; the
    actor's own supervising organisation first (the second reviewer is a colleague of the
    first); never the actor."""
    own = {user.pk for user in officers.get(organisation_id, [])}
    candidates = [
        people
        for ancestor in chain
        if (people := [u for u in officers.get(ancestor, []) if u.pk not in own])
    ]
    if actor_id is not None:
        candidates.sort(key=lambda people: all(u.pk != actor_id for u in people))
    return [u for u in candidates[0] if u.pk != actor_id] if candidates else []


def plan(items: Iterable[Item]) -> Plan:
    """Officers of the organisation hear of its items; escalations go to the officers of the
    nearest supervising ancestor (its reviewers), work waiting for reviewers to the reviewers
    who take it over; named people hear of their own. An assigned obligation is its assignee's
    alone until it is overdue, when the organisation's secretaries hear of it too; then it
    escalates upward as any other: 3-5 queries."""
    items = list(items)
    result = Plan()
    if not items:
        return result
    organisations = list(
        Organisation.objects.filter(pk__in={i.organisation_id for i in items}).values_list(
            "pk", "path"
        )
    )
    chains = (
        supervising_chains(organisations) if any(i.escalated or i.waiting for i in items) else {}
    )
    officers = officers_of(
        {i.organisation_id for i in items} | {pk for chain in chains.values() for pk in chain}
    )
    person_ids = {pk for i in items for pk in i.person_ids}
    person_ids |= {i.assignee_id for i in items if i.assignee_id is not None}
    people = User.objects.filter(pk__in=person_ids, is_active=True).in_bulk() if person_ids else {}
    overdue_assigned = {
        i.organisation_id for i in items if i.assignee_id is not None and i.stage == Stage.OVERDUE
    }
    leads = leads_of(overdue_assigned) if overdue_assigned else {}
    for item in items:
        chain = chains.get(item.organisation_id, [])
        if item.escalated:
            audience = officers.get(chain[0], []) if chain else []
        elif item.waiting:
            audience = _reviewers(item.organisation_id, chain, officers, item.actor_id)
        elif item.assignee_id is not None and item.assignee_id in people:
            # A deactivated assignee falls through to the officers: nobody is told otherwise.
            audience = [people[item.assignee_id]]
            if item.stage == Stage.OVERDUE:
                audience += leads.get(item.organisation_id, [])
        else:
            audience = officers.get(item.organisation_id, [])
            audience = audience + [people[pk] for pk in item.person_ids if pk in people]
        for user in audience:
            result.add(user, item)
    return result


# --- digests -----------------------------------------------------------------------------------


def digests_prepare(planned: Plan, today: datetime.date) -> list[Digest]:
    """One row per person and day; a second sweep finds the rows already there: 2 queries."""
    if not planned.recipients:
        return []
    email = settings.REMINDER_EMAIL
    Digest.objects.bulk_create(
        [
            Digest(
                recipient_id=pk,
                date=today,
                channel=Digest.Channel.INBOX_EMAIL
                if email and entry.user.email
                else Digest.Channel.INBOX,
            )
            for pk, entry in planned.recipients.items()
        ],
        ignore_conflicts=True,
    )
    return list(
        Digest.objects.filter(
            date=today, recipient_id__in=list(planned.recipients), sent_at__isnull=True
        ).order_by("pk")
    )


def digests_claim(digests: Iterable[Digest], *, now: datetime.datetime) -> list[Digest]:
    """Claim unsent digests: `sent_at` is set only where it is still empty, so of several
    sweeps running at once exactly one claims each digest (`update(...) == 1` for a set,
    told apart by a token). Call inside the transaction that writes what is sent."""
    pks = [digest.pk for digest in digests]
    if not pks:
        return []
    token = uuid.uuid4().hex
    Digest.objects.filter(pk__in=pks, sent_at__isnull=True).update(sent_at=now, claim=token)
    return list(Digest.objects.filter(claim=token).order_by("pk"))


def _group(item: Item) -> str:
    """The digest's heading over an item: its colour, or 待您处理 for waiting work."""
    return "waiting" if item.waiting else item.colour


def _order(items: list[Item]) -> list[Item]:
    rank = {"red": 0, "waiting": 1, "yellow": 2, "green": 3}
    return sorted(items, key=lambda i: (rank[_group(i)], i.due_date or datetime.date.max, i.title))


def digest_text(items: list[Item], names: dict[int, str]) -> str:
    headings = {
        "red": _("【已逾期】"),
        "waiting": _("【待您处理】"),
        "yellow": _("【即将到期】"),
        "green": _("【提示】"),
    }
    lines: list[str] = []
    current = ""
    for item in _order(items):
        if _group(item) != current:
            current = _group(item)
            lines.append(headings[current])
        due = f" {_('截止')} {item.due_date:%Y-%m-%d}" if item.due_date else ""
        prefix = _("[逾期上报] ") if item.escalated else ""
        lines.append(
            f"- {prefix}{names.get(item.organisation_id, '')}：{item.title}{due}"
            f"\n  {services.absolute(item.url)}"
        )
    return "\n".join(lines)


def digests_fill(planned: Plan, today: datetime.date) -> int:
    """Store the planned lines of every digest not yet sent: 2 queries, and one per LINES
    lines (a partition's items times the people told of each: work waiting for a committee's
    reviewers goes to each of them). A line already stored (the same digest, object and
    stage: another partition, a concurrent or interrupted sweep) is kept once. Returns the
    digests filled."""
    digests = digests_prepare(planned, today)
    lines = (
        DigestItem(
            digest=digest,
            organisation_id=item.organisation_id,
            kind=item.kind,
            stage=item.stage,
            title=item.title[:300],
            due_date=item.due_date,
            url=item.url,
            object_key=item.object_key,
        )
        for digest in digests
        for item in planned.recipients[digest.recipient_id].items
    )
    for batch in _batched(lines, LINES):
        DigestItem.objects.bulk_create(batch, ignore_conflicts=True)
    return len(digests)


def _stored(line: DigestItem) -> Item:
    return Item(
        kind=line.kind,
        stage=line.stage,
        organisation_id=line.organisation_id,
        title=line.title,
        due_date=line.due_date,
        url=line.url,
        object_key=line.object_key,
    )


def digests_send(claimed: list[Digest], today: datetime.date) -> list[OutboxMessage]:
    """One inbox message and one email per claimed digest, from its stored lines: 5 queries."""
    if not claimed:
        return []
    lines: dict[int, list[Item]] = {}
    names: dict[int, str] = {}
    stored = DigestItem.objects.filter(digest__in=claimed).select_related("organisation")
    for line in stored.only(*STORED_FIELDS).order_by("pk"):
        lines.setdefault(line.digest_id, []).append(_stored(line))
        names[line.organisation_id] = line.organisation.name
    emails_of = dict(
        User.objects.filter(pk__in=[d.recipient_id for d in claimed]).values_list("pk", "email")
    )
    notifications: list[Notification] = []
    emails: list[tuple[str, str, str]] = []
    now = timezone.now()
    for digest in claimed:
        items = _order(lines.get(digest.pk, []))
        red = sum(1 for item in items if item.colour == "red")
        title = _("督促提醒（%(date)s）：%(n)s 项待办") % {
            "date": f"{today:%Y-%m-%d}",
            "n": len(items),
        }
        if red:
            title += _("，其中 %(red)s 项已逾期") % {"red": red}
        text = digest_text(items, names)
        notifications.append(
            Notification(
                recipient_id=digest.recipient_id,
                digest=digest,
                title=title,
                body=text,
                created_at=now,
            )
        )
        email = emails_of.get(digest.recipient_id)
        if digest.channel == Digest.Channel.INBOX_EMAIL and email:
            emails.append((email, f"【责任链】{title}", text))
    Notification.objects.bulk_create(notifications)
    services.inbox_version_bump(user_ids=[n.recipient_id for n in notifications])
    return services.outbox_add(messages=emails)


STORED_FIELDS = (
    "digest",
    "organisation__name",
    "kind",
    "stage",
    "title",
    "due_date",
    "url",
    "object_key",
)


def claim_and_send(today: datetime.date, *, now: datetime.datetime) -> tuple[int, int]:
    """Send the day's unsent digests CHUNK at a time. Claim and write in one transaction per
    chunk: if writing fails, the claim is undone and the next sweep sends the digest; a
    concurrent sweep waits on the claimed rows, then finds them sent. Returns the digests and
    emails sent."""
    sent = emails = 0
    after = 0
    while True:
        with transaction.atomic():
            chunk = list(
                Digest.objects.filter(date=today, sent_at__isnull=True, pk__gt=after)
                .only("pk")
                .order_by("pk")[:CHUNK]
            )
            if not chunk:
                break
            after = chunk[-1].pk
            claimed = digests_claim(chunk, now=now)
            emails += len(digests_send(claimed, today))
        sent += len(claimed)
    return sent, emails


@dataclass(frozen=True)
class SweepResult:
    items: int
    recipients: int
    digests: int
    emails: int
    delivered: int


def _analyze(*models: type[Model]) -> None:
    """Fresh planner statistics for the rows just stored: the send step reads each chunk's
    lines back by digest, and with the statistics of the table before the fill PostgreSQL
    scanned the whole table per chunk (measured at 3 provinces: 135 ms a chunk, the send step
    growing with the square of the data; an index scan once analysed). The usual step after a
    bulk load; SQLite plans from its indexes alone."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """itertools.batched, which needs Python 3.12."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def run(today: datetime.date | None = None, *, deliver: bool = True) -> SweepResult:
    """The whole sweep for one day. Safe to run twice, or on several workers at once."""
    today = today or timezone.localdate()
    items = 0
    for partition in _batched(collect_each(today), PARTITION):
        items += len(partition)
        digests_fill(plan(partition), today)
    _analyze(Digest, DigestItem)
    sent, emails = claim_and_send(today, now=timezone.now())
    delivered = 0
    if deliver:
        delivered = flush_outbox()
    return SweepResult(
        items=items,
        recipients=Digest.objects.filter(date=today).count(),
        digests=sent,
        emails=emails,
        delivered=delivered,
    )


def flush_outbox(max_batches: int = 50) -> int:
    """Deliver every due outbox email, batch by batch (also retries earlier failures)."""
    sent = 0
    for _batch in range(max_batches):
        delivery = services.outbox_deliver()
        sent += delivery.sent
        if delivery.sent + delivery.failed == 0:
            break
    return sent


__all__ = [
    "CHUNK",
    "COLLECTORS",
    "Item",
    "Kind",
    "Plan",
    "Recipient",
    "Rules",
    "Stage",
    "SweepResult",
    "claim_and_send",
    "collect",
    "collect_duty_reports",
    "collect_each",
    "collect_handovers",
    "collect_obligations",
    "collect_rectifications",
    "collect_review_rounds",
    "digest_text",
    "digests_claim",
    "digests_fill",
    "digests_prepare",
    "digests_send",
    "flush_outbox",
    "plan",
    "run",
]
