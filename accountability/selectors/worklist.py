"""The work queue (我的待办): one kind of pending work per entry of KINDS, each returning typed
rows that link straight to the page that does it.

It gathers the work of all three apps, so it lives in the top one. Every kind starts from the
scope (responsibility/scope/): who may act on a row is never decided here. Each kind costs one
query whatever the data size: the most urgent SECTION_ROWS rows and how many are pending,
counted up to COUNT_CAP (a window over the first COUNT_CAP + 1 pending rows; a committee
reviewer has thousands of opinions to acknowledge, and a count of all of them would cost the
page more than everything else on it, to print a number nobody reads past 99).

Between two visits the sections rarely change, so each is kept in the process's memory under
the versions of the models it reads (`Kind.reads`; responsibility/work_versions.py): a visit
costs one query for the versions, plus one per section whose models a service has changed.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, IntegerField, Model, OuterRef, Q, Subquery, Window
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessment.models import DutyReport, LedgerEntry, OrganisationReview, ReviewRound, Vote
from responsibility import scope, selectors, work_versions
from responsibility.models import Checklist, Opinion, ReopenRequest, User, Year

from ..models import Rectification

SECTION_ROWS = 8  # rows a section shows; the rest are behind its "all" link
COUNT_CAP = 99  # a section counts its pending rows up to this, then shows "99+"


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
    title: str | Promise
    action: str | Promise  # the verb on each row's link: 复核, 审批, …
    rows: list[Row] = field(default_factory=list)
    total: int = 0
    more_url: str = ""
    capped: bool = False  # more than COUNT_CAP are pending

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    @property
    def badge(self) -> str:
        return f"{self.total}+" if self.capped else str(self.total)


@dataclass(frozen=True)
class Kind:
    """One kind of pending work: whose it is (a scope action, or None for rows that name the
    person), which rows are pending (`where`, in `order`: oldest or most urgent first), what a
    row shows (`related`) and how it reads (`row`)."""

    key: str
    title: str | Promise
    action: str | Promise
    right: scope.Action | None
    model: type[Model]
    where: Callable[[User], Q]
    order: tuple[str, ...]
    related: tuple[str, ...]
    row: Callable[[Any], Row]
    more_url: Callable[[], str] = str
    also_reads: tuple[type[Model], ...] = ()  # other models whose changes change the section

    @property
    def reads(self) -> tuple[type[Model], ...]:
        return (self.model, *self.also_reads)

    def section(self, user: User) -> Section | None:
        """One query: the first rows, and a count over the first COUNT_CAP + 1 pending ones."""
        if self.right is not None and not scope.scope_for(user).may_any(self.right):
            return None
        manager = self.model._default_manager
        first = manager.filter(self.where(user)).order_by(*self.order).values("pk")
        objects = list(
            manager.filter(pk__in=first[: COUNT_CAP + 1])
            .select_related(*self.related)
            .annotate(queue_total=Window(Count("pk")))
            .order_by(*self.order)[:SECTION_ROWS]
        )
        total = objects[0].queue_total if objects else 0
        return Section(
            self.key,
            self.title,
            self.action,
            [self.row(obj) for obj in objects],
            min(total, COUNT_CAP),
            self.more_url(),
            capped=total > COUNT_CAP,
        )


def _in_review(user: User) -> Q:
    return scope.joined(user, "review")


def _person(user: User, action: scope.PersonAction, model: type[Model]) -> Q:
    """The rows the person-level rule of `action` on `model` (scope.RULES) lets the person
    act on."""
    return scope.scope_for(user).person_filter(action, model)


# --- reviewers: the committee's and the 机关党委's own work -----------------------------------


def to_score(user: User, today: datetime.date) -> Section | None:
    """Open rounds and, per round, the organisations in scope not yet handed in: one query
    (the rounds, each with two counts as subqueries)."""
    if not scope.scope_for(user).may_any("review"):
        return None
    in_scope = _in_review(user)
    organisations = (
        Checklist.objects.filter(in_scope, year_id=OuterRef("year_id"))
        .order_by()
        .values("year_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    handed_in = (
        OrganisationReview.objects.filter(in_scope, round_id=OuterRef("pk"))
        .exclude(status__in=[OrganisationReview.Status.DRAFT, OrganisationReview.Status.RETURNED])
        .order_by()
        .values("round_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rounds = (
        ReviewRound.objects.filter(
            year__status=Year.Status.ACTIVE, opens_on__lte=today, closes_on__gte=today
        )
        .select_related("year")
        .annotate(
            organisations=Coalesce(Subquery(organisations, output_field=IntegerField()), 0),
            handed_in=Coalesce(Subquery(handed_in, output_field=IntegerField()), 0),
        )
        .order_by("closes_on", "pk")
    )
    section = Section("score", _("待评分"), _("评分"), more_url=reverse("round_list"))
    for review_round in rounds:
        waiting = review_round.organisations - review_round.handed_in
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


def _confirm_row(review: OrganisationReview) -> Row:
    return Row(
        label=str(review.round),
        organisation=review.organisation.name,
        url=review.get_absolute_url(),
        since=review.submitted_at,
        note=_("评分人：%(who)s") % {"who": review.scored_by.display_name}
        if review.scored_by
        else "",
    )


def _approve_row(entry: LedgerEntry) -> Row:
    return Row(
        label=_("%(kind)s %(points)s 分：%(reason)s")
        % {
            "kind": entry.get_kind_display(),
            "points": f"{entry.points.normalize():f}",
            "reason": entry.reason[:40],
        },
        organisation=entry.organisation.name,
        url=reverse("ledger_list"),
        since=entry.proposed_at,
    )


def _acknowledge_row(opinion: Opinion) -> Row:
    return Row(
        label=opinion.content[:40],
        organisation=opinion.organisation.name,
        url=reverse("opinion_list"),
        since=opinion.submitted_at,
    )


def _recheck_row(rectification: Rectification) -> Row:
    return Row(
        label=rectification.problem[:40],
        organisation=rectification.organisation.name,
        url=rectification.get_absolute_url(),
        due=rectification.deadline,
        since=rectification.submitted_at,
    )


def _report_row(report: DutyReport) -> Row:
    return Row(
        label=_("%(year)s年度述职报告") % {"year": report.year.year},
        organisation=report.organisation.name,
        url=report.get_absolute_url(),
        since=report.submitted_at,
    )


def _reopen_row(request: ReopenRequest) -> Row:
    return Row(
        label=f"{request.obligation.item.ref} {request.obligation.period_label}："
        f"{request.reason[:40]}",
        organisation=request.organisation.name,
        url=request.get_absolute_url(),
        due=request.obligation.due_date,
        since=request.requested_at,
    )


def _rectify_row(rectification: Rectification) -> Row:
    note = rectification.get_state_display()
    if rectification.returned_count:
        note += _("，已退回 %(n)s 次") % {"n": rectification.returned_count}
    return Row(
        label=rectification.problem[:40],
        organisation=rectification.organisation.name,
        url=rectification.get_absolute_url(),
        due=rectification.deadline,
        note=note,
    )


_OPEN_REPORT = Q(submitted_at__isnull=False, meeting_closed_at__isnull=True)


# In the order the queue shows them: what others wait for first.
KINDS: list[Kind] = [
    # Scores submitted by another reviewer (待复核).
    Kind(
        "confirm",
        gettext_lazy("待复核"),
        gettext_lazy("复核"),
        "review",
        OrganisationReview,
        lambda user: (
            _person(user, "second", OrganisationReview)
            & Q(status=OrganisationReview.Status.SUBMITTED)
        ),
        ("submitted_at", "pk"),
        ("organisation", "round__year", "scored_by"),
        _confirm_row,
    ),
    # Ledger entries proposed by another reviewer (待审批).
    Kind(
        "approve",
        gettext_lazy("加减分待审批"),
        gettext_lazy("审批"),
        "review",
        LedgerEntry,
        lambda user: _person(user, "second", LedgerEntry) & Q(status=LedgerEntry.Status.PENDING),
        ("proposed_at", "pk"),
        ("organisation",),
        _approve_row,
        lambda: reverse("ledger_list"),
    ),
    # Officers' requests to reopen closed obligations.
    Kind(
        "reopen",
        gettext_lazy("重新开放申请"),
        gettext_lazy("处理"),
        "review",
        ReopenRequest,
        lambda user: _in_review(user) & Q(state=ReopenRequest.State.PENDING),
        ("requested_at", "pk"),
        ("organisation", "obligation__item"),
        _reopen_row,
    ),
    # Rectifications submitted for verification (待复查).
    Kind(
        "recheck",
        gettext_lazy("整改待复查"),
        gettext_lazy("复查"),
        "review",
        Rectification,
        lambda user: _in_review(user) & Q(state=Rectification.State.SUBMITTED),
        ("submitted_at", "pk"),
        ("organisation",),
        _recheck_row,
        lambda: reverse("rectification_list") + "?state=submitted",
    ),
    # Reports the person is a rater of and has not voted on yet (any account may be a rater).
    Kind(
        "rate",
        gettext_lazy("述职报告待投票"),
        gettext_lazy("投票"),
        None,
        DutyReport,
        lambda user: (
            _OPEN_REPORT
            & _person(user, "rate", DutyReport)
            & ~Q(pk__in=Vote.objects.filter(_person(user, "own", Vote)).values("report_id"))
        ),
        ("submitted_at", "pk"),
        ("organisation", "year"),
        _report_row,
        also_reads=(Vote,),
    ),
    # Submitted year-end reports whose review meeting is open: raters, votes, closing.
    Kind(
        "meet",
        gettext_lazy("述职待评议"),
        gettext_lazy("评议"),
        "review",
        DutyReport,
        lambda user: _OPEN_REPORT & _in_review(user),
        ("submitted_at", "pk"),
        ("organisation", "year"),
        _report_row,
        lambda: reverse("report_list"),
    ),
    # Opinions not yet acknowledged (待签收).
    Kind(
        "acknowledge",
        gettext_lazy("意见建议待签收"),
        gettext_lazy("签收"),
        "review",
        Opinion,
        lambda user: (
            _in_review(user) & Q(year__status=Year.Status.ACTIVE, acknowledged_at__isnull=True)
        ),
        ("submitted_at", "pk"),
        ("organisation",),
        _acknowledge_row,
        lambda: reverse("opinion_list"),
        also_reads=(Year,),
    ),
    # The rectifications the person works on (scope: their organisation's, or theirs as the
    # person responsible), still to be done (待整改, 整改中, also after a return), by deadline.
    Kind(
        "rectify",
        gettext_lazy("本组织整改"),
        gettext_lazy("整改"),
        None,
        Rectification,
        lambda user: (
            _person(user, "work_on", Rectification) & Q(state__in=Rectification.OPEN_STATES)
        ),
        ("deadline", "pk"),
        ("organisation",),
        _rectify_row,
        lambda: reverse("rectification_list"),
    ),
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
    """None when there is nothing to fill in: a reviewer whose committee has no duty pending
    sees no card of zeros. The most urgent first: overdue ones still open for entry, then
    those due soon, then overdue ones whose entry has closed (only a reopen request helps).
    Asked of everyone, not only officers: a member named as an obligation's assignee (谁来干)
    fills it in too."""
    work = selectors.my_work(user, today=today)
    if not (work.overdue or work.due_soon or work.this_period):
        return None
    # By identity: an organisation's obligation and a person's own (个人履责) may share a pk.
    closed = {id(row.obligation) for row in work.overdue_closed}
    still_open = [o for o in work.overdue if id(o) not in closed]
    closed_overdue = [o for o in work.overdue if id(o) in closed]
    urgent = [
        Row(
            label=f"{o.item.ref} {o.item.content[:40]}",
            organisation=o.organisation.name,
            url=o.get_absolute_url() + ("#reopen" if id(o) in closed else ""),
            due=o.due_date,
            note=_("填报已关闭，可申请重新开放") if id(o) in closed else o.period_label,
            action=_("申请重新开放") if id(o) in closed else "",
        )
        for o in (still_open + work.due_soon + closed_overdue)[:5]
    ]
    return Obligations(
        overdue=len(work.overdue),
        overdue_closed=len(closed),
        due_soon=len(work.due_soon),
        this_period=len(work.this_period),
        urgent=urgent,
    )


# What `to_score` reads.
SCORE_READS: tuple[type[Model], ...] = (ReviewRound, OrganisationReview, Checklist, Year)


def work_queue(user: User, *, today: datetime.date | None = None) -> WorkQueue:
    """Everything waiting for the person, section by section; empty sections are left out.
    Rounds to score come after what other people already wait for."""
    today = today or timezone.localdate()
    from .entry_queue import KINDS as ENTRY_KINDS  # builds on this module's Kind: no cycle

    producers: list[tuple[str, tuple[type[Model], ...], Callable[[], Section | None]]] = [
        (kind.key, kind.reads, functools.partial(kind.section, user))
        for kind in (*KINDS, *ENTRY_KINDS)
    ]
    producers.insert(4, ("score", SCORE_READS, lambda: to_score(user, today)))
    found = _kept(user, today, producers)
    sections = [section for section in found if section is not None and section.total]
    return WorkQueue(sections=sections, obligations=obligations_summary(user, today))


def _kept(
    user: User,
    today: datetime.date,
    producers: list[tuple[str, tuple[type[Model], ...], Callable[[], Section | None]]],
) -> list[Section | None]:
    """Each section from the process's cache when none of the models it reads has changed
    since it was kept (responsibility/work_versions.py: one query for all the versions, then
    one query per section that changed), else computed and kept."""
    if not work_versions.enabled():
        return [produce() for _key, _reads, produce in producers]
    versions = work_versions.stamps(model for _key, reads, _p in producers for model in reads)
    keys = [
        ":".join(
            [
                "queue",
                key,
                str(user.pk),
                str(user.posts_version),
                today.isoformat(),
                *(str(versions[work_versions.label_of(model)]) for model in reads),
            ]
        )
        for key, reads, _produce in producers
    ]
    cache = caches["person"]
    kept = cache.get_many(keys)
    found: list[Section | None] = []
    fresh: dict[str, Section | None] = {}
    for cache_key, (_key, _reads, produce) in zip(keys, producers, strict=True):
        if cache_key in kept:
            found.append(kept[cache_key])
        else:
            section = produce()
            fresh[cache_key] = section
            found.append(section)
    if fresh:
        cache.set_many(fresh, settings.WORK_QUEUE_CACHE_SECONDS)
    return found
