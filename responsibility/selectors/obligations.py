"""Reads of obligations: My work, the rows and badges of obligation tables, reopen
requests, an obligation's evidence and history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from .. import scope
from ..links import pk_url
from ..models import (
    AuditEntry,
    Evidence,
    Obligation,
    ReopenRequest,
    User,
    Year,
)
from ..models.checklists import DUE_SOON_DAYS, obligation_light
from .years import OPEN

# --- My work -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClosedRow:
    """An overdue obligation whose entry has closed: only a reviewer can reopen it, so My work
    offers the request (申请重新开放) and shows the latest one's state instead of "do it now"."""

    obligation: Obligation
    request: ReopenRequest | None


@dataclass
class MyWork:
    overdue: list[Obligation] = field(default_factory=list)
    due_soon: list[Obligation] = field(default_factory=list)
    this_period: list[Obligation] = field(default_factory=list)
    overdue_open: list[Obligation] = field(default_factory=list)  # still open for entry
    overdue_closed: list[ClosedRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.this_period)


def my_work(user: User, *, today: datetime.date | None = None) -> MyWork:
    """Open obligations of the organisations the user fills in for: one query, and one more
    for the reopen requests when some overdue obligation's entry has closed."""
    today = today or timezone.localdate()
    officer_ids = scope.scope_for(user).officer_ids
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    rows = (
        Obligation.objects.filter(
            organisation_id__in=officer_ids,
            year__status=Year.Status.ACTIVE,
            status__in=OPEN,
        )
        .filter(Q(due_date__lte=soon) | Q(period_start__lte=today, period_end__gte=today))
        .select_related("item", "organisation", "year")
        .order_by("due_date", "organisation__path", "item__sort_order")
    )
    work = MyWork()
    closed: list[Obligation] = []
    for obligation in rows:
        if obligation.due_date < today:
            work.overdue.append(obligation)
            if obligation.entry_open(obligation.year.entry_grace_days, today):
                work.overdue_open.append(obligation)
            else:
                closed.append(obligation)
        elif obligation.due_date <= soon:
            work.due_soon.append(obligation)
        else:
            work.this_period.append(obligation)
    latest = latest_reopen_requests(closed) if closed else {}
    work.overdue_closed = [ClosedRow(o, latest.get(o.pk)) for o in closed]
    return work


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


@dataclass(frozen=True)
class Badge:
    """An obligation's status as a badge: done, not applicable, or its light (red overdue,
    yellow due within 5 days, green on track with its status label); plus the late mark."""

    kind: str  # done, not_applicable, red, yellow or on_track
    status_label: str
    is_late: bool

    @classmethod
    def of(cls, obligation: Obligation, today: datetime.date, labels: dict[str, str]) -> Badge:
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


def obligation_badge(obligation: Obligation, *, today: datetime.date | None = None) -> Badge:
    return Badge.of(obligation, today or timezone.localdate(), status_labels())


def obligation_rows(
    obligations: list[Obligation], *, today: datetime.date | None = None
) -> list[ObligationRow]:
    """My work's rows of obligations read with their item and organisation."""
    today = today or timezone.localdate()
    url, labels = pk_url("obligation_detail"), status_labels()
    return [
        ObligationRow(
            url=url(o.pk),
            content=o.item.content,
            ref=o.item.ref,
            group=o.item.group,
            organisation_name=o.organisation.name,
            period_label=o.period_label,
            due_date=o.due_date,
            badge=Badge.of(o, today, labels),
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
