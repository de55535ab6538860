"""The work queue (我的待办): one selector per kind of pending work, each returning typed rows
that link straight to the page that does it.

It gathers the work of all three apps, so it lives in the top one. Every selector starts from
the scope (responsibility/scope.py): who may act on a row is never decided here. Each costs a
fixed number of queries (one, three for rounds to score) whatever the data size: a section
shows the most urgent SECTION_ROWS rows and the total, counted in the same query (a window).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import DutyReport, LedgerEntry, OrganisationReview, ReviewRound
from responsibility import scope, selectors
from responsibility.models import Checklist, Opinion, ReopenRequest, User, Year

from .models import Rectification

SECTION_ROWS = 8  # rows a section shows; the rest are behind its "all" link


@dataclass(frozen=True)
class Row:
    label: str
    organisation: str
    url: str
    due: datetime.date | None = None  # a deadline, shown red when past
    since: datetime.datetime | None = None  # how long it has waited
    note: str = ""
    action: str = ""  # the row's own verb, when it differs from its section's


@dataclass
class Section:
    key: str
    title: str
    action: str  # the verb on each row's link: 复核, 审批, …
    rows: list[Row] = field(default_factory=list)
    total: int = 0
    more_url: str = ""

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _windowed(queryset: QuerySet) -> tuple[list, int]:
    """The first SECTION_ROWS objects and the total, in one query."""
    objects = list(queryset.annotate(queue_total=Window(Count("pk")))[:SECTION_ROWS])
    return objects, (objects[0].queue_total if objects else 0)


# --- reviewers: the committee's and the 机关党委's own work -----------------------------------


def to_score(user: User, today: datetime.date) -> Section | None:
    """Open rounds with organisations in scope not yet submitted: 3 queries (rounds, checklists
    in scope per year, reviews already handed in per round)."""
    if not scope.scope_for(user).may_any("review"):
        return None
    section = Section("score", _("待评分"), _("评分"), more_url=reverse("round_list"))
    rounds = list(
        ReviewRound.objects.filter(
            year__status=Year.Status.ACTIVE, opens_on__lte=today, closes_on__gte=today
        )
        .select_related("year")
        .order_by("closes_on", "pk")
    )
    if not rounds:
        return section
    in_scope = scope.within(user, "review")
    organisations = dict(
        Checklist.objects.filter(in_scope, year_id__in={r.year_id for r in rounds})
        .values("year_id")
        .annotate(n=Count("pk"))
        .values_list("year_id", "n")
        .order_by()
    )
    handed_in = dict(
        OrganisationReview.objects.filter(in_scope, round__in=rounds)
        .exclude(status__in=[OrganisationReview.Status.DRAFT, OrganisationReview.Status.RETURNED])
        .values("round_id")
        .annotate(n=Count("pk"))
        .values_list("round_id", "n")
        .order_by()
    )
    for review_round in rounds:
        waiting = organisations.get(review_round.year_id, 0) - handed_in.get(review_round.pk, 0)
        if waiting > 0:
            section.rows.append(
                Row(
                    label=_("%(round)s：%(n)s 个组织待评分")
                    % {"round": review_round, "n": waiting},
                    organisation="",
                    url=review_round.get_absolute_url(),
                    due=review_round.closes_on,
                )
            )
            section.total += waiting
    return section


def to_confirm(user: User, today: datetime.date) -> Section | None:
    """Scores submitted by another reviewer (待复核), oldest first."""
    if not scope.scope_for(user).may_any("review"):
        return None
    reviews, total = _windowed(
        OrganisationReview.objects.filter(
            scope.within(user, "review"),
            scope.by_others(user, via="scored_by"),
            status=OrganisationReview.Status.SUBMITTED,
        )
        .select_related("organisation", "round__year", "scored_by")
        .order_by("submitted_at", "pk")
    )
    rows = [
        Row(
            label=str(review.round),
            organisation=review.organisation.name,
            url=review.get_absolute_url(),
            since=review.submitted_at,
            note=_("评分人：%(who)s") % {"who": review.scored_by.display_name}
            if review.scored_by
            else "",
        )
        for review in reviews
    ]
    return Section("confirm", _("待复核"), _("复核"), rows, total)


def to_approve(user: User, today: datetime.date) -> Section | None:
    """Ledger entries proposed by another reviewer (待审批), oldest first."""
    if not scope.scope_for(user).may_any("review"):
        return None
    entries, total = _windowed(
        LedgerEntry.objects.filter(
            scope.within(user, "review"),
            scope.by_others(user, via="proposed_by"),
            status=LedgerEntry.Status.PENDING,
        )
        .select_related("organisation")
        .order_by("proposed_at", "pk")
    )
    url = reverse("ledger_list")
    rows = [
        Row(
            label=_("%(kind)s %(points)s 分：%(reason)s")
            % {
                "kind": entry.get_kind_display(),
                "points": f"{entry.points.normalize():f}",
                "reason": entry.reason[:40],
            },
            organisation=entry.organisation.name,
            url=url,
            since=entry.proposed_at,
        )
        for entry in entries
    ]
    return Section("approve", _("加减分待审批"), _("审批"), rows, total, more_url=url)


def to_acknowledge(user: User, today: datetime.date) -> Section | None:
    """Opinions not yet acknowledged (待签收), oldest first."""
    if not scope.scope_for(user).may_any("review"):
        return None
    opinions, total = _windowed(
        Opinion.objects.filter(
            scope.within(user, "review"),
            year__status=Year.Status.ACTIVE,
            acknowledged_at__isnull=True,
        )
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )
    url = reverse("opinion_list")
    rows = [
        Row(
            label=opinion.content[:40],
            organisation=opinion.organisation.name,
            url=url,
            since=opinion.submitted_at,
        )
        for opinion in opinions
    ]
    return Section("acknowledge", _("意见建议待签收"), _("签收"), rows, total, more_url=url)


def to_recheck(user: User, today: datetime.date) -> Section | None:
    """Rectifications submitted for verification (待复查), oldest first."""
    if not scope.scope_for(user).may_any("review"):
        return None
    rectifications, total = _windowed(
        Rectification.objects.filter(
            scope.within(user, "review"), state=Rectification.State.SUBMITTED
        )
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )
    rows = [
        Row(
            label=rectification.problem[:40],
            organisation=rectification.organisation.name,
            url=rectification.get_absolute_url(),
            due=rectification.deadline,
            since=rectification.submitted_at,
        )
        for rectification in rectifications
    ]
    return Section(
        "recheck",
        _("整改待复查"),
        _("复查"),
        rows,
        total,
        more_url=reverse("rectification_list") + "?state=submitted",
    )


def reports_to_meet(user: User, today: datetime.date) -> Section | None:
    """Submitted year-end reports whose review meeting is still open: raters to set, votes to
    gather, the meeting to close."""
    if not scope.scope_for(user).may_any("review"):
        return None
    reports, total = _windowed(
        DutyReport.objects.filter(
            scope.within(user, "review"),
            submitted_at__isnull=False,
            meeting_closed_at__isnull=True,
        )
        .select_related("organisation", "year")
        .order_by("submitted_at", "pk")
    )
    rows = [
        Row(
            label=_("%(year)s年度述职报告") % {"year": report.year.year},
            organisation=report.organisation.name,
            url=report.get_absolute_url(),
            since=report.submitted_at,
        )
        for report in reports
    ]
    return Section("meet", _("述职待评议"), _("评议"), rows, total, more_url=reverse("report_list"))


def reports_to_rate(user: User, today: datetime.date) -> Section | None:
    """Reports the person is a rater of and has not voted on yet (any account may be a rater)."""
    reports, total = _windowed(
        DutyReport.objects.filter(
            scope.named(user, via="raters"),
            submitted_at__isnull=False,
            meeting_closed_at__isnull=True,
        )
        .exclude(scope.named(user, via="votes__rater"))
        .select_related("organisation", "year")
        .order_by("submitted_at", "pk")
    )
    rows = [
        Row(
            label=_("%(year)s年度述职报告") % {"year": report.year.year},
            organisation=report.organisation.name,
            url=report.get_absolute_url(),
            since=report.submitted_at,
        )
        for report in reports
    ]
    return Section("rate", _("述职报告待投票"), _("投票"), rows, total)


def reopen_requests(user: User, today: datetime.date) -> Section | None:
    """Officers' requests to reopen closed obligations (待处理), oldest first."""
    if not scope.scope_for(user).may_any("review"):
        return None
    requests, total = _windowed(
        ReopenRequest.objects.filter(
            scope.within(user, "review"), state=ReopenRequest.State.PENDING
        )
        .select_related("organisation", "obligation__item")
        .order_by("requested_at", "pk")
    )
    rows = [
        Row(
            label=f"{request.obligation.item.ref} {request.obligation.period_label}："
            f"{request.reason[:40]}",
            organisation=request.organisation.name,
            url=request.get_absolute_url(),
            due=request.obligation.due_date,
            since=request.requested_at,
        )
        for request in requests
    ]
    return Section("reopen", _("重新开放申请"), _("处理"), rows, total)


# --- officers: their organisations' own work ------------------------------------------------------


def rectifications_to_do(user: User, today: datetime.date) -> Section | None:
    """The rectifications of the organisations the person fills in for, still to be done (待整改,
    整改中, also after a return), by deadline."""
    if not scope.scope_for(user).may_any("fill"):
        return None
    rectifications, total = _windowed(
        Rectification.objects.filter(
            scope.within(user, "fill"), state__in=Rectification.OPEN_STATES
        )
        .select_related("organisation")
        .order_by("deadline", "pk")
    )
    rows = []
    for rectification in rectifications:
        note = rectification.get_state_display()
        if rectification.returned_count:
            note += _("，已退回 %(n)s 次") % {"n": rectification.returned_count}
        rows.append(
            Row(
                label=rectification.problem[:40],
                organisation=rectification.organisation.name,
                url=rectification.get_absolute_url(),
                due=rectification.deadline,
                note=note,
            )
        )
    return Section(
        "rectify",
        _("本组织整改"),
        _("整改"),
        rows,
        total,
        more_url=reverse("rectification_list"),
    )


SELECTORS: list[Callable[[User, datetime.date], Section | None]] = [
    to_confirm,
    to_approve,
    reopen_requests,
    to_recheck,
    to_score,
    reports_to_rate,
    reports_to_meet,
    to_acknowledge,
    rectifications_to_do,
]


@dataclass
class Obligations:
    """The officer's obligations, summarised: My work has them all."""

    overdue: int
    overdue_closed: int
    due_soon: int
    this_period: int
    urgent: list[Row]


@dataclass
class WorkQueue:
    sections: list[Section]
    obligations: Obligations | None

    @property
    def total(self) -> int:
        count = sum(section.total for section in self.sections)
        if self.obligations is not None:
            count += self.obligations.overdue + self.obligations.due_soon
        return count


def obligations_summary(user: User, today: datetime.date) -> Obligations | None:
    if not scope.scope_for(user).may_any("fill"):
        return None
    work = selectors.my_work(user, today=today)
    closed = {row.obligation.pk for row in work.overdue_closed}
    urgent = [
        Row(
            label=f"{o.item.ref} {o.item.content[:40]}",
            organisation=o.organisation.name,
            url=o.get_absolute_url() + ("#reopen" if o.pk in closed else ""),
            due=o.due_date,
            note=_("填报已关闭，可申请重新开放") if o.pk in closed else o.period_label,
            action=_("申请重新开放") if o.pk in closed else "",
        )
        for o in (work.overdue + work.due_soon)[:5]
    ]
    return Obligations(
        overdue=len(work.overdue),
        overdue_closed=len(closed),
        due_soon=len(work.due_soon),
        this_period=len(work.this_period),
        urgent=urgent,
    )


def work_queue(user: User, *, today: datetime.date | None = None) -> WorkQueue:
    """Everything waiting for the person, section by section; empty sections are left out."""
    today = today or timezone.localdate()
    sections = [
        section
        for selector in SELECTORS
        if (section := selector(user, today)) is not None and section.total
    ]
    return WorkQueue(sections=sections, obligations=obligations_summary(user, today))
