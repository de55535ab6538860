"""The reminder sweep (督促提醒), in small steps that tests call without a worker:

    collect(today)               what is due, overdue or to escalate today (a few bulk queries)
    plan(items)                  who hears of what: one entry per person (a few bulk queries)
    digests_prepare(plan, today) one Digest row per person and day (unique: a rerun is a no-op)
    digests_claim(digests, now)  compare-and-swap on `sent_at`: only one sweep sends a digest
    digests_send(claimed, plan)  write the items (督促留痕), the inbox message and the email
    run(today)                   all of the above, then deliver the outbox

The number of queries does not grow with the number of obligations, rectifications or people:
every step works on whole sets (see tests/accountability/test_reminders.py).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import DutyReport, LedgerEntry, OrganisationReview, ReviewRound, Scheme
from responsibility.models import Checklist, Obligation, Organisation, ReopenRequest, User, Year

from . import services
from .models import Digest, DigestItem, Notification, OutboxMessage, Rectification, ReminderSettings
from .selectors import officers_of, supervising_chains

Stage = DigestItem.Stage
Kind = DigestItem.Kind
CHUNK = 500  # digests claimed and written per transaction


@dataclass(frozen=True)
class Item:
    """One thing to remind an organisation of, at one stage."""

    kind: str
    stage: str
    organisation_id: int
    title: str
    due_date: datetime.date | None
    url: str
    object_key: str
    person_ids: tuple[int, ...] = ()  # told as well as the organisation's officers
    actor_id: int | None = None  # who handed it over: never told, and their colleagues first

    @property
    def escalated(self) -> bool:
        return self.stage == Stage.ESCALATED

    @property
    def waiting(self) -> bool:
        return self.stage == Stage.WAITING

    @property
    def colour(self) -> str:
        return DigestItem.stage_colour(self.stage)


# --- settings and stages -----------------------------------------------------------------------


class Rules:
    """Each year's reminder settings (defaults where a year has none): 1 query."""

    def __init__(self) -> None:
        self.by_year = {s.year_id: s for s in ReminderSettings.objects.all()}
        self.default = ReminderSettings()

    def for_year(self, year_id: int | None) -> ReminderSettings:
        return self.by_year.get(year_id, self.default) if year_id else self.default

    @staticmethod
    def dates(rules: ReminderSettings, today: datetime.date) -> set[datetime.date]:
        """The due dates that mean something to remind today."""
        dates = {today + datetime.timedelta(days=days) for days in rules.offsets}
        if rules.remind_overdue:
            dates.add(today - datetime.timedelta(days=1))
        if rules.escalation_days:
            dates.add(today - datetime.timedelta(days=rules.escalation_days))
        return dates

    def all_dates(self, today: datetime.date) -> set[datetime.date]:
        dates = self.dates(self.default, today)
        for rules in self.by_year.values():
            dates |= self.dates(rules, today)
        return dates

    @staticmethod
    def stages(rules: ReminderSettings, due: datetime.date, today: datetime.date) -> list[str]:
        """Due in 5 and 1 days, overdue since yesterday, escalated after N days (domain.md §7)."""
        days = (due - today).days
        stages = []
        if days in rules.offsets:
            stages.append(Stage.DUE)
        if rules.remind_overdue and days == -1:
            stages.append(Stage.OVERDUE)
        if rules.escalation_days and days == -rules.escalation_days:
            stages.append(Stage.ESCALATED)
        return stages


def _url(name: str, *args: object, fallback: str = "") -> str:
    """Pages of the assessment app may land after its models: link to them when they exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


# --- collectors --------------------------------------------------------------------------------


def collect_obligations(today: datetime.date, rules: Rules) -> list[Item]:
    years = list(Year.objects.filter(status=Year.Status.ACTIVE))
    if not years:
        return []
    condition = Q(pk__in=[])
    for year in years:
        condition |= Q(year_id=year.pk, due_date__in=Rules.dates(rules.for_year(year.pk), today))
    rows = (
        Obligation.objects.filter(condition, status__in=Obligation.OPEN_STATUSES)
        .select_related("item")
        .only(
            "pk",
            "organisation_id",
            "year_id",
            "due_date",
            "period_label",
            "item__ref",
            "item__content",
        )
    )
    items = []
    for obligation in rows:
        for stage in Rules.stages(rules.for_year(obligation.year_id), obligation.due_date, today):
            items.append(
                Item(
                    kind=Kind.OBLIGATION,
                    stage=stage,
                    organisation_id=obligation.organisation_id,
                    title=f"{obligation.item.ref} {obligation.item.content[:60]}"
                    f"（{obligation.period_label}）",
                    due_date=obligation.due_date,
                    url=reverse("obligation_detail", args=[obligation.pk]),
                    object_key=f"obligation:{obligation.pk}",
                )
            )
    return items


def collect_rectifications(today: datetime.date, rules: Rules) -> list[Item]:
    rows = Rectification.objects.filter(
        state__in=Rectification.OPEN_STATES, deadline__in=rules.all_dates(today)
    ).only("pk", "organisation_id", "year_id", "deadline", "problem", "responsible_person_id")
    items = []
    for rectification in rows:
        for stage in Rules.stages(
            rules.for_year(rectification.year_id), rectification.deadline, today
        ):
            person = rectification.responsible_person_id
            items.append(
                Item(
                    kind=Kind.RECTIFICATION,
                    stage=stage,
                    organisation_id=rectification.organisation_id,
                    title=_("整改：%(problem)s") % {"problem": rectification.problem[:60]},
                    due_date=rectification.deadline,
                    url=reverse("rectification_detail", args=[rectification.pk]),
                    object_key=f"rectification:{rectification.pk}",
                    person_ids=(person,) if person and stage != Stage.ESCALATED else (),
                )
            )
    return items


def collect_review_rounds(today: datetime.date, rules: Rules) -> list[Item]:
    """A round opening today, or closing soon, is work for the reviewers who score it."""
    rounds = list(
        ReviewRound.objects.filter(year__status=Year.Status.ACTIVE)
        .filter(Q(opens_on=today) | Q(closes_on__in=rules.all_dates(today), closes_on__gte=today))
        .select_related("year")
    )
    if not rounds:
        return []
    reviewers = list(
        Organisation.objects.filter(tier__supervises_subtree=True, is_active=True).values_list(
            "pk", flat=True
        )
    )
    items = []
    for review_round in rounds:
        url = _url("review_round_detail", review_round.pk, fallback=reverse("progress_overview"))
        stages = [Stage.OPENS] if review_round.opens_on == today else []
        stages += [
            s
            for s in Rules.stages(
                rules.for_year(review_round.year_id), review_round.closes_on, today
            )
            if s == Stage.DUE
        ]
        for stage in stages:
            title = (
                _("%(round)s开始，请于 %(date)s 前完成评分")
                if stage == Stage.OPENS
                else _("%(round)s评分将于 %(date)s 截止")
            ) % {"round": review_round, "date": f"{review_round.closes_on:%Y-%m-%d}"}
            items += [
                Item(
                    kind=Kind.REVIEW_ROUND,
                    stage=stage,
                    organisation_id=organisation_id,
                    title=title,
                    due_date=review_round.closes_on,
                    url=url,
                    object_key=f"review_round:{review_round.pk}",
                )
                for organisation_id in reviewers
            ]
    return items


def collect_duty_reports(today: datetime.date, rules: Rules) -> list[Item]:
    """Organisations with a checklist that have not submitted the year-end report by its date."""
    schemes = Scheme.objects.filter(
        year__status=Year.Status.ACTIVE, report_deadline__in=rules.all_dates(today)
    ).select_related("year")
    items = []
    for scheme in schemes:
        deadline = scheme.report_deadline
        assert deadline is not None  # noqa: S101 - filtered on above
        stages = Rules.stages(rules.for_year(scheme.year_id), deadline, today)
        if not stages:
            continue
        missing = (
            Checklist.objects.filter(year_id=scheme.year_id)
            .exclude(
                organisation_id__in=DutyReport.objects.filter(
                    year_id=scheme.year_id, submitted_at__isnull=False
                ).values("organisation_id")
            )
            .values_list("organisation_id", flat=True)
        )
        for organisation_id in missing:
            items += [
                Item(
                    kind=Kind.DUTY_REPORT,
                    stage=stage,
                    organisation_id=organisation_id,
                    title=_("%(year)s年度述职报告") % {"year": scheme.year.year},
                    due_date=deadline,
                    url=reverse("organisation_detail", args=[organisation_id]),
                    object_key=f"duty_report:{scheme.year_id}:{organisation_id}",
                )
                for stage in stages
            ]
    return items


def collect_handovers(today: datetime.date, rules: Rules) -> list[Item]:
    """Work handed to the reviewers before today and still waiting for them (#18): a score to
    confirm, a bonus or deduction to approve, a year-end report to review, a rectification to
    re-check, a reopen request. The inbox told them at the hand-over; the digest repeats it each
    morning until someone acts. One query per kind."""
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    active = Year.Status.ACTIVE
    items = [
        Item(
            kind=Kind.REVIEW,
            stage=Stage.WAITING,
            organisation_id=review.organisation_id,
            title=_("季度评分待复核：%(round)s") % {"round": review.round},
            due_date=review.round.closes_on,
            url=review.get_absolute_url(),
            object_key=f"review:{review.pk}",
            actor_id=review.scored_by_id,
        )
        for review in OrganisationReview.objects.filter(
            status=OrganisationReview.Status.SUBMITTED,
            submitted_at__lt=since,
            round__year__status=active,
        ).select_related("round__year")
    ]
    items += [
        Item(
            kind=Kind.LEDGER,
            stage=Stage.WAITING,
            organisation_id=entry.organisation_id,
            title=_("加减分待审批：%(kind)s %(points)s 分")
            % {"kind": entry.get_kind_display(), "points": f"{entry.points.normalize():f}"},
            due_date=None,
            url=reverse("ledger_list"),
            object_key=f"ledger:{entry.pk}",
            actor_id=entry.proposed_by_id,
        )
        for entry in LedgerEntry.objects.filter(
            status=LedgerEntry.Status.PENDING, proposed_at__lt=since, year__status=active
        )
    ]
    items += [
        Item(
            kind=Kind.DUTY_REPORT,
            stage=Stage.WAITING,
            organisation_id=report.organisation_id,
            title=_("%(year)s年度述职报告待评议") % {"year": report.year.year},
            due_date=None,
            url=report.get_absolute_url(),
            object_key=f"duty_report:{report.year_id}:{report.organisation_id}",
        )
        for report in DutyReport.objects.filter(
            submitted_at__lt=since, meeting_closed_at__isnull=True, year__status=active
        ).select_related("year")
    ]
    items += [
        Item(
            kind=Kind.RECTIFICATION,
            stage=Stage.WAITING,
            organisation_id=rectification.organisation_id,
            title=_("整改待复查：%(problem)s") % {"problem": rectification.problem[:60]},
            due_date=None,
            url=rectification.get_absolute_url(),
            object_key=f"rectification:{rectification.pk}",
        )
        for rectification in Rectification.objects.filter(
            state=Rectification.State.SUBMITTED, submitted_at__lt=since
        ).only("pk", "organisation_id", "problem")
    ]
    items += [
        Item(
            kind=Kind.REOPEN,
            stage=Stage.WAITING,
            organisation_id=request.organisation_id,
            title=_("重新开放申请：%(ref)s（%(period)s）")
            % {"ref": request.obligation.item.ref, "period": request.obligation.period_label},
            due_date=None,
            url=request.get_absolute_url(),
            object_key=f"reopen:{request.pk}",
            actor_id=request.requested_by_id,
        )
        for request in ReopenRequest.objects.filter(
            state=ReopenRequest.State.PENDING, requested_at__lt=since
        ).select_related("obligation__item")
    ]
    return items


COLLECTORS: list[Callable[[datetime.date, Rules], list[Item]]] = [
    collect_obligations,
    collect_rectifications,
    collect_review_rounds,
    collect_duty_reports,
    collect_handovers,
]


def collect(today: datetime.date) -> list[Item]:
    rules = Rules()
    return [item for collector in COLLECTORS for item in collector(today, rules)]


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
    organisation_names: dict[int, str] = field(default_factory=dict)

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
    who take it over; named people hear of their own: 3-4 queries."""
    items = list(items)
    result = Plan()
    if not items:
        return result
    organisations = list(
        Organisation.objects.filter(pk__in={i.organisation_id for i in items}).values_list(
            "pk", "name", "path"
        )
    )
    result.organisation_names = {pk: name for pk, name, _path in organisations}
    chains = (
        supervising_chains([(pk, path) for pk, _name, path in organisations])
        if any(i.escalated or i.waiting for i in items)
        else {}
    )
    officers = officers_of(
        {i.organisation_id for i in items} | {pk for chain in chains.values() for pk in chain}
    )
    person_ids = {pk for i in items for pk in i.person_ids}
    people = User.objects.filter(pk__in=person_ids, is_active=True).in_bulk() if person_ids else {}
    for item in items:
        chain = chains.get(item.organisation_id, [])
        if item.escalated:
            audience = officers.get(chain[0], []) if chain else []
        elif item.waiting:
            audience = _reviewers(item.organisation_id, chain, officers, item.actor_id)
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


def digests_send(claimed: list[Digest], planned: Plan, today: datetime.date) -> list[OutboxMessage]:
    """Store every line sent (督促留痕), one inbox message and one email per digest: 3 queries."""
    if not claimed:
        return []
    rows: list[DigestItem] = []
    notifications: list[Notification] = []
    emails: list[tuple[str, str, str]] = []
    now = timezone.now()
    for digest in claimed:
        entry = planned.recipients[digest.recipient_id]
        items = _order(entry.items)
        rows += [
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
            for item in items
        ]
        red = sum(1 for item in items if item.colour == "red")
        title = _("督促提醒（%(date)s）：%(n)s 项待办") % {
            "date": f"{today:%Y-%m-%d}",
            "n": len(items),
        }
        if red:
            title += _("，其中 %(red)s 项已逾期") % {"red": red}
        text = digest_text(items, planned.organisation_names)
        notifications.append(
            Notification(
                recipient_id=digest.recipient_id,
                digest=digest,
                title=title,
                body=text,
                created_at=now,
            )
        )
        if digest.channel == Digest.Channel.INBOX_EMAIL:
            emails.append((entry.user.email, f"【责任链】{title}", text))
    # No batch size: Django splits only where the database needs it (SQLite's variable limit).
    DigestItem.objects.bulk_create(rows)
    Notification.objects.bulk_create(notifications)
    services.inbox_version_bump(user_ids=[n.recipient_id for n in notifications])
    return services.outbox_add(messages=emails)


def claim_and_send(
    digests: list[Digest], planned: Plan, today: datetime.date, *, now: datetime.datetime
) -> tuple[int, list[OutboxMessage]]:
    """Claim and write in one transaction per chunk: if writing fails, the claim is undone and
    the next sweep sends the digest; a concurrent sweep waits on the claimed rows, then finds
    them sent."""
    sent = 0
    messages: list[OutboxMessage] = []
    for start in range(0, len(digests), CHUNK):
        with transaction.atomic():
            claimed = digests_claim(digests[start : start + CHUNK], now=now)
            messages += digests_send(claimed, planned, today)
        sent += len(claimed)
    return sent, messages


@dataclass(frozen=True)
class SweepResult:
    items: int
    recipients: int
    digests: int
    emails: int
    delivered: int


def run(today: datetime.date | None = None, *, deliver: bool = True) -> SweepResult:
    """The whole sweep for one day. Safe to run twice, or on several workers at once."""
    today = today or timezone.localdate()
    items = collect(today)
    planned = plan(items)
    digests = digests_prepare(planned, today)
    sent, messages = claim_and_send(digests, planned, today, now=timezone.now())
    delivered = 0
    if deliver:
        delivered = flush_outbox()
    return SweepResult(
        items=len(items),
        recipients=len(planned.recipients),
        digests=sent,
        emails=len(messages),
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
