"""Reads of obligations: My work, the rows and badges of obligation tables, reopen
requests, an obligation's evidence and history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import scope
from ..links import pk_url
from ..models import (
    AuditEntry,
    Evidence,
    Obligation,
    PersonalObligation,
    ReopenRequest,
    User,
    Year,
)
from ..models.checklists import DUE_SOON_DAYS, obligation_light
from .personal import my_personal_obligations
from .years import OPEN

# --- My work -----------------------------------------------------------------------------------


# What My work lists: an organisation's obligation or a person's own (个人履责).
Entry = Obligation | PersonalObligation


@dataclass(frozen=True)
class ClosedRow:
    """An overdue obligation whose entry has closed: only a reviewer can reopen it, so My work
    offers the request (申请重新开放) and shows the latest one's state instead of "do it now"."""

    obligation: Obligation | PersonalObligation
    request: ReopenRequest | None


@dataclass
class Buckets:
    """Open obligations by urgency, as My work's tables show them."""

    overdue: list[Entry] = field(default_factory=list)
    due_soon: list[Entry] = field(default_factory=list)
    this_period: list[Entry] = field(default_factory=list)
    overdue_open: list[Entry] = field(default_factory=list)  # still open for entry
    overdue_closed: list[ClosedRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.this_period)


@dataclass
class MyWork(Buckets):
    """Everything on the person's list (the counters, the work queue's summary), split in two:
    `mine`, what is assigned to them (我的), and `organisation`, the rest they see: all of the
    organisations they lead (本组织全部) and, where they are an officer only, what nobody is
    assigned to (本组织未指派)."""

    mine: Buckets = field(default_factory=Buckets)
    organisation: Buckets = field(default_factory=Buckets)
    leads: bool = False


def my_work(user: User, *, today: datetime.date | None = None) -> MyWork:
    """Open obligations assigned to the user, of the organisations they lead, and unassigned
    ones of those they fill in for: one query, and one more for the reopen requests when some
    overdue obligation's entry has closed. Assigned work is the assignee's, so an officer who
    leads nothing no longer sees what the secretary gave a colleague."""
    today = today or timezone.localdate()
    user_scope = scope.scope_for(user)
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    listed = (
        Q(assignee_id=user.pk)
        | Q(organisation_id__in=user_scope.lead_ids)
        | Q(organisation_id__in=user_scope.officer_ids, assignee__isnull=True)
    )
    rows = (
        Obligation.objects.filter(listed, year__status=Year.Status.ACTIVE, status__in=OPEN)
        .filter(Q(due_date__lte=soon) | Q(period_start__lte=today, period_end__gte=today))
        .select_related("item", "organisation", "year", "assignee")
        .order_by("due_date", "organisation__path", "item__sort_order")
    )
    work = MyWork(leads=bool(user_scope.lead_ids))
    closed: list[Obligation] = []
    # The person's own duties (个人履责) first under 我的, then the organisations' by due date.
    personal = my_personal_obligations(user, today=today, soon=soon)
    entries: list[Entry] = [*personal, *rows]
    entries.sort(key=lambda entry: entry.due_date)  # stable: each query's own order is kept
    for obligation in entries:
        mine = isinstance(obligation, PersonalObligation) or obligation.assignee_id == user.pk
        section = work.mine if mine else work.organisation
        for buckets in (work, section):
            if obligation.due_date < today:
                buckets.overdue.append(obligation)
            elif obligation.due_date <= soon:
                buckets.due_soon.append(obligation)
            else:
                buckets.this_period.append(obligation)
        if obligation.due_date < today:
            if obligation.entry_open(obligation.year.entry_grace_days, today):
                work.overdue_open.append(obligation)
                section.overdue_open.append(obligation)
            elif isinstance(obligation, PersonalObligation):
                # Only a reviewer's reopening helps: reopen requests are an organisation's.
                work.overdue_closed.append(ClosedRow(obligation, None))
                section.overdue_closed.append(ClosedRow(obligation, None))
            else:
                closed.append(obligation)
    latest = latest_reopen_requests(closed) if closed else {}
    for obligation in closed:
        row = ClosedRow(obligation, latest.get(obligation.pk))
        work.overdue_closed.append(row)
        mine = obligation.assignee_id == user.pk
        (work.mine if mine else work.organisation).overdue_closed.append(row)
    return work


@dataclass(frozen=True)
class WorkSection:
    """One section of My work's page: its heading and its tables' rows."""

    key: str  # mine or organisation
    # Before the tables' heading ids: the organisation's keep the plain ids they always had.
    id_prefix: str
    title: str
    note: str
    buckets: Buckets
    overdue_open: list[ObligationRow]
    due_soon: list[ObligationRow]
    this_period: list[ObligationRow]


def my_work_sections(work: MyWork, *, today: datetime.date | None = None) -> list[WorkSection]:
    """我的 first, then the organisation's; a section with nothing in it is left out."""
    today = today or timezone.localdate()
    if work.leads:
        title, note = _("本组织全部"), _("您任书记、副书记的组织的全部任务，含已指派给他人的。")
    else:
        title, note = _("本组织未指派"), _("尚未指派承办人的任务，由本组织党务干部共同负责。")
    parts = [
        ("mine", _("我的"), _("您本人的个人履责任务，以及书记指派给您承办的任务。"), work.mine),
        ("organisation", title, note, work.organisation),
    ]
    return [
        WorkSection(
            key=key,
            id_prefix="mine-" if key == "mine" else "",
            title=title,
            note=note,
            buckets=buckets,
            overdue_open=obligation_rows(buckets.overdue_open, today=today),
            due_soon=obligation_rows(buckets.due_soon, today=today),
            this_period=obligation_rows(buckets.this_period, today=today),
        )
        for key, title, note, buckets in parts
        if buckets.total
    ]


@dataclass(frozen=True)
class ObligationRow:
    """What a row of My work's tables shows (Jinja2: responsibility/_obligation_rows.html)."""

    url: str
    content: str
    ref: str
    group: str
    organisation_name: str
    period_label: str
    due_date: datetime.date
    badge: Badge
    assignee_name: str = ""  # 承办人, when one is named
    assignee_due_date: datetime.date | None = None


@dataclass(frozen=True)
class Badge:
    """An obligation's status as a badge: done, not applicable, or its light (red overdue,
    yellow due within 5 days, green on track with its status label); plus the late mark."""

    kind: str  # done, not_applicable, red, yellow or on_track
    status_label: str
    is_late: bool

    @classmethod
    def of(cls, obligation: Entry, today: datetime.date, labels: dict[str, str]) -> Badge:
        status = obligation.status
        kind = "on_track"
        if status in (Obligation.Status.DONE, Obligation.Status.NOT_APPLICABLE):
            kind = status
        else:
            light = obligation_light(status, obligation.due_date, today)
            if light in (Obligation.Light.RED, Obligation.Light.YELLOW):
                kind = light
        return cls(kind=kind, status_label=labels.get(status, status), is_late=obligation.is_late)


def status_labels() -> dict[str, str]:
    """The statuses' labels once a page: translating a lazy label costs more than the rest of
    a chip or a row."""
    return {value: str(label) for value, label in Obligation.Status.choices}


def obligation_badge(obligation: Entry, *, today: datetime.date | None = None) -> Badge:
    return Badge.of(obligation, today or timezone.localdate(), status_labels())


def obligation_rows(
    obligations: list[Entry], *, today: datetime.date | None = None
) -> list[ObligationRow]:
    """My work's rows of obligations read with their item, organisation and assignee."""
    today = today or timezone.localdate()
    url, labels = pk_url("obligation_detail"), status_labels()
    personal_url, personal_word = pk_url("personal_obligation_detail"), _("个人履责")
    return [
        ObligationRow(
            url=personal_url(o.pk),
            content=o.duty.content,
            ref=o.duty.ref,
            group=personal_word,
            organisation_name=o.organisation.name,
            period_label=o.period_label,
            due_date=o.due_date,
            badge=Badge.of(o, today, labels),
        )
        if isinstance(o, PersonalObligation)
        else ObligationRow(
            url=url(o.pk),
            content=o.item.content,
            ref=o.item.ref,
            group=o.item.group,
            organisation_name=o.organisation.name,
            period_label=o.period_label,
            due_date=o.due_date,
            badge=Badge.of(o, today, labels),
            assignee_name=o.assignee.display_name if o.assignee else "",
            assignee_due_date=o.assignee_due_date,
        )
        for o in obligations
    ]


def latest_reopen_requests(obligations: list[Obligation]) -> dict[int, ReopenRequest]:
    """Each obligation's latest reopen request: one query."""
    latest: dict[int, ReopenRequest] = {}
    requests = ReopenRequest.objects.filter(obligation__in=obligations).order_by(
        "obligation_id", "-requested_at", "-pk"
    )
    for request in requests:
        latest.setdefault(request.obligation_id, request)
    return latest


def reopen_requests(obligation: Obligation) -> list[ReopenRequest]:
    """The obligation's reopen requests, newest first, with who asked and who decided."""
    return list(
        ReopenRequest.objects.filter(obligation=obligation).select_related(
            "requested_by", "decided_by"
        )
    )


# --- obligation page ---------------------------------------------------------------------------


def obligation_evidence(obligation: Obligation) -> list[Evidence]:
    return list(obligation.evidence.select_related("uploaded_by").order_by("uploaded_at"))


def reusable_evidence(obligation: Obligation, limit: int = 20) -> list[Evidence]:
    """The organisation's recent files, so one file can support several obligations."""
    return list(
        Evidence.objects.filter(organisation_id=obligation.organisation_id, reviewers_only=False)
        .exclude(obligations=obligation)
        .order_by("-uploaded_at")[:limit]
    )


def obligation_history(obligation: Obligation) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type=Obligation._meta.label_lower, object_id=str(obligation.pk)
        ).select_related("actor")
    )
