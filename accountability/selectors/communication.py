"""Reads for notices, dispatched tasks and the liaison system; each page's query count is decided
here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from responsibility import scope
from responsibility.models import Evidence, Obligation, Organisation, Tier, User, Year
from responsibility.models.checklists import completion_percent
from responsibility.selectors import CLOSED_OUT, OPEN

from ..models import Dispatch, LiaisonMeeting, Notice, NoticeRecipient

# --- notices -----------------------------------------------------------------------------------


def notices(user: User) -> QuerySet[Notice]:
    """Notices the person may read (scope's "read": they sent it, or it reached an organisation
    they may view), with read counts: one query whatever the number of notices or recipients."""
    queryset = scope.filter_for(user, Notice.objects.select_related("sender"), action="read")
    return queryset.annotate(
        recipient_count=Count("recipients"),
        read_count=Count("recipients", filter=Q(recipients__first_read_at__isnull=False)),
    ).order_by("-created_at", "-pk")


def notice_for(user: User, pk: int) -> Notice:
    """One notice the person may see; anyone else gets 404."""
    notice = notices(user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def is_sender(user: User, obj: Notice | Dispatch) -> bool:
    """Who follows up what was sent (who read it, every row): its sender and admins."""
    return scope.can(user, "follow", obj)


@dataclass
class RecipientRow:
    recipient: NoticeRecipient
    stale: bool


def notice_recipients(
    notice: Notice, *, unread_days: int | None, now: datetime.datetime | None = None
) -> list[RecipientRow]:
    """Recipients with read status; with `unread_days`, only those still unread that long after
    publication (none while the notice is younger than that)."""
    now = now or timezone.now()
    rows = NoticeRecipient.objects.filter(notice=notice).select_related(
        "organisation__unit", "first_read_by"
    )
    old_enough = unread_days is not None and notice.created_at <= now - datetime.timedelta(
        days=unread_days
    )
    if unread_days is not None:
        if not old_enough:
            return []
        rows = rows.filter(first_read_at=None)
    return [RecipientRow(r, old_enough and r.first_read_at is None) for r in rows]


def notice_attachments(notice: Notice) -> list[Evidence]:
    return list(notice.attachments.order_by("uploaded_at", "pk"))


# --- dispatched tasks --------------------------------------------------------------------------


def dispatches(user: User, *, today: datetime.date | None = None) -> QuerySet[Dispatch]:
    """Tasks the person may read (scope's "read": they dispatched it, or it went to an
    organisation they review), with completion counts in one query."""
    today = today or timezone.localdate()
    queryset = scope.filter_for(
        user, Dispatch.objects.select_related("sender", "year"), action="read"
    )
    return queryset.annotate(
        total=Count("obligations"),
        done=Count("obligations", filter=Q(obligations__status__in=CLOSED_OUT)),
        open=Count("obligations", filter=Q(obligations__status__in=OPEN)),
        overdue=Count(
            "obligations",
            filter=Q(obligations__status__in=OPEN, obligations__due_date__lt=today),
        ),
    ).order_by("-created_at", "-pk")


def dispatch_for(user: User, pk: int) -> Dispatch:
    dispatch = dispatches(user).filter(pk=pk).first()
    if dispatch is None:
        raise Http404
    return dispatch


def dispatch_obligations(user: User, dispatch: Dispatch) -> list[Obligation]:
    """The drill-down table: each organisation's obligation, limited to what the person may
    view unless they sent the task."""
    rows = dispatch.obligations.select_related("organisation__unit", "item", "year").order_by(
        "organisation__path"
    )
    if not is_sender(user, dispatch):
        rows = rows.filter(organisation__in=scope.organisations_for(user))
    return list(rows)


# --- liaison meetings and progress -------------------------------------------------------------


def meetings(user: User) -> QuerySet[LiaisonMeeting]:
    return LiaisonMeeting.objects.select_related(
        "organisation__unit", "organisation__tier", "recorded_by"
    ).filter(organisation__in=scope.organisations_for(user))


def meeting_queryset() -> QuerySet[LiaisonMeeting]:
    return LiaisonMeeting.objects.select_related(
        "organisation__unit", "organisation__tier", "recorded_by"
    )


@dataclass
class ProgressRow:
    organisation: Organisation
    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return completion_percent(done=self.done, overdue=self.overdue, total=self.total)


@dataclass
class UnitProgress:
    unit: Organisation
    rows: list[ProgressRow] = field(default_factory=list)


def liaison_progress(
    user: User, year: Year | None, *, today: datetime.date | None = None
) -> list[UnitProgress]:
    """For each unit the person liaises with (admins: every unit), its organisations' obligations
    done/total/overdue this year: three queries, whatever the number of units."""
    today = today or timezone.localdate()
    units = list(
        scope.organisations_for(user, "liaise").filter(tier__kind=Tier.Kind.UNIT).order_by("path")
    )
    if not units:
        return []
    subtree = Q(pk__in=[])
    for unit in units:
        subtree |= Q(path__startswith=unit.path)
    organisations = list(
        Organisation.objects.filter(subtree, is_active=True, tier__has_checklist=True)
        .select_related("tier")
        .order_by("path")
    )
    counts: dict[int, dict[str, int]] = {}
    if year is not None:
        counts = {
            row["organisation_id"]: row
            for row in Obligation.objects.filter(year=year, organisation__in=organisations)
            .values("organisation_id")
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=Q(status__in=CLOSED_OUT)),
                overdue=Count("pk", filter=Q(status__in=OPEN, due_date__lt=today)),
            )
        }
    result = [UnitProgress(unit) for unit in units]
    by_unit = {group.unit.pk: group for group in result}
    for organisation in organisations:
        numbers = counts.get(organisation.pk, {})
        row = ProgressRow(
            organisation,
            total=numbers.get("total", 0),
            done=numbers.get("done", 0),
            overdue=numbers.get("overdue", 0),
        )
        # Every organisation below a unit belongs to it (Organisation.unit is kept by the
        # tree services), so grouping is one lookup rather than a path test per unit.
        unit_id = organisation.unit_id
        if unit_id is None:
            raise ValueError(f"organisation {organisation.pk} has no unit")
        by_unit[unit_id].rows.append(row)
    return result
