"""What is due, overdue or to escalate today: the reminder settings' stages and one
collector per kind of work, each a few bulk queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import DutyReport, LedgerEntry, OrganisationReview, ReviewRound, Scheme
from responsibility.models import (
    Checklist,
    MeetingAttendance,
    Obligation,
    Organisation,
    ReopenRequest,
    Year,
)

from ..models import DigestItem, Rectification, ReminderSettings

STREAM_ROWS = 2000  # obligations read per round trip while streaming

Stage = DigestItem.Stage
Kind = DigestItem.Kind


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
    # The obligation's named assignee (谁来干): told instead of the officers, and the
    # organisation's secretaries too once it is overdue (reminders.plan).
    assignee_id: int | None = None

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
        stages: list[str] = []
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


def collect_obligations(today: datetime.date, rules: Rules) -> Iterator[Item]:
    """Streamed (the day's obligations are most of a sweep: ~17,000 items for a province)."""
    years = list(Year.objects.filter(status=Year.Status.ACTIVE))
    if not years:
        return
    condition = Q(pk__in=[])
    for year in years:
        condition |= Q(year_id=year.pk, due_date__in=Rules.dates(rules.for_year(year.pk), today))
    rows = (
        Obligation.objects.filter(condition, status__in=Obligation.OPEN_STATUSES)
        .select_related("item", "assignee")
        .only(
            "pk",
            "organisation_id",
            "year_id",
            "due_date",
            "period_label",
            "item__ref",
            "item__content",
            "assignee__username",
            "assignee__full_name",
            "assignee__first_name",
            "assignee__last_name",
        )
    )
    for obligation in rows.iterator(chunk_size=STREAM_ROWS):
        title = f"{obligation.item.ref} {obligation.item.content[:60]}（{obligation.period_label}）"
        if obligation.assignee is not None:
            title += _("承办人：%(name)s") % {"name": obligation.assignee.display_name}
        for stage in Rules.stages(rules.for_year(obligation.year_id), obligation.due_date, today):
            yield Item(
                kind=Kind.OBLIGATION,
                stage=stage,
                organisation_id=obligation.organisation_id,
                title=title,
                due_date=obligation.due_date,
                url=reverse("obligation_detail", args=[obligation.pk]),
                object_key=f"obligation:{obligation.pk}",
                assignee_id=obligation.assignee_id,
            )


def collect_rectifications(today: datetime.date, rules: Rules) -> Iterator[Item]:
    rows = Rectification.objects.filter(
        state__in=Rectification.OPEN_STATES, deadline__in=rules.all_dates(today)
    ).only("pk", "organisation_id", "year_id", "deadline", "problem", "responsible_person_id")
    for rectification in rows.iterator(chunk_size=STREAM_ROWS):
        for stage in Rules.stages(
            rules.for_year(rectification.year_id), rectification.deadline, today
        ):
            person = rectification.responsible_person_id
            yield Item(
                kind=Kind.RECTIFICATION,
                stage=stage,
                organisation_id=rectification.organisation_id,
                title=_("整改：%(problem)s") % {"problem": rectification.problem[:60]},
                due_date=rectification.deadline,
                url=reverse("rectification_detail", args=[rectification.pk]),
                object_key=f"rectification:{rectification.pk}",
                person_ids=(person,) if person and stage != Stage.ESCALATED else (),
            )


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
        stages: list[str] = [Stage.OPENS] if review_round.opens_on == today else []
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


def collect_duty_reports(today: datetime.date, rules: Rules) -> Iterator[Item]:
    """Organisations with a checklist that have not submitted the year-end report by its date:
    streamed (near the deadline, most of a province)."""
    schemes = Scheme.objects.filter(
        year__status=Year.Status.ACTIVE, report_deadline__in=rules.all_dates(today)
    ).select_related("year")
    for scheme in list(schemes):
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
        for organisation_id in missing.iterator(chunk_size=STREAM_ROWS):
            for stage in stages:
                yield Item(
                    kind=Kind.DUTY_REPORT,
                    stage=stage,
                    organisation_id=organisation_id,
                    title=_("%(year)s年度述职报告") % {"year": scheme.year.year},
                    due_date=deadline,
                    url=reverse("organisation_detail", args=[organisation_id]),
                    object_key=f"duty_report:{scheme.year_id}:{organisation_id}",
                )


def collect_handovers(today: datetime.date, rules: Rules) -> Iterator[Item]:
    """Work handed to the reviewers before today and still waiting for them (#18): a score to
    confirm, a bonus or deduction to approve, a year-end report to review, a rectification to
    re-check, a reopen request. The inbox told them at the hand-over; the digest repeats it each
    morning until someone acts. One query per kind, streamed."""
    since = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    active = Year.Status.ACTIVE
    yield from (
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
        )
        .select_related("round__year")
        .iterator(chunk_size=STREAM_ROWS)
    )
    yield from (
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
        ).iterator(chunk_size=STREAM_ROWS)
    )
    yield from (
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
        )
        .select_related("year")
        .iterator(chunk_size=STREAM_ROWS)
    )
    yield from (
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
        )
        .only("pk", "organisation_id", "problem")
        .iterator(chunk_size=STREAM_ROWS)
    )
    yield from (
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
        )
        .select_related("obligation__item")
        .iterator(chunk_size=STREAM_ROWS)
    )


def collect_entry_reviews(today: datetime.date, rules: Rules) -> Iterator[Item]:
    """Per-entry review (#20.2), each morning until acted on: an entry a reviewer returned, to
    whoever fills it in (its assignee, else the organisation's officers), due when its
    reopening ends; a returned entry resubmitted, to the reviewers who take it over. One
    query, streamed (few rows: the partial index obl_review_pending_idx)."""
    states = Obligation.ReviewState
    rows = (
        Obligation.objects.filter(
            year__status=Year.Status.ACTIVE,
            review_state__in=[states.RETURNED, states.RESUBMITTED],
        )
        .select_related("item")
        .only(
            "pk",
            "organisation_id",
            "period_label",
            "review_state",
            "review_note",
            "reopened_until",
            "assignee_id",
            "updated_by_id",
            "item__ref",
            "item__content",
        )
    )
    for obligation in rows.iterator(chunk_size=STREAM_ROWS):
        what = f"{obligation.item.ref} {obligation.item.content[:40]}（{obligation.period_label}）"
        if obligation.review_state == states.RETURNED:
            yield Item(
                kind=Kind.OBLIGATION,
                stage=Stage.DUE,
                organisation_id=obligation.organisation_id,
                title=_("记实被退回：%(what)s，原因：%(reason)s")
                % {"what": what, "reason": obligation.review_note[:80]},
                due_date=obligation.reopened_until,
                url=reverse("obligation_detail", args=[obligation.pk]) + "#returned",
                object_key=f"returned:{obligation.pk}",
                assignee_id=obligation.assignee_id,
            )
        else:
            yield Item(
                kind=Kind.OBLIGATION,
                stage=Stage.WAITING,
                organisation_id=obligation.organisation_id,
                title=_("退回的记实已重新提交，待审核：%(what)s") % {"what": what},
                due_date=None,
                url=reverse("entry_review", args=[obligation.pk]),
                object_key=f"resubmitted:{obligation.pk}",
                actor_id=obligation.updated_by_id,
            )


def collect_makeups(today: datetime.date, rules: Rules) -> Iterator[Item]:
    """An absentee's 补课 (named attendance, #20.1) not yet made up, by its deadline: told to
    the absentee, and once overdue to the organisation's secretaries too (an assignee's path
    in `plan`); never escalated upward. One query, streamed."""
    rows = (
        MeetingAttendance.objects.filter(
            makeup_done_at__isnull=True,
            makeup_due__in=rules.all_dates(today),
            meeting__obligation__year__status=Year.Status.ACTIVE,
        )
        .exclude(status=MeetingAttendance.Status.PRESENT)
        .select_related("meeting__obligation", "person")
        .only(
            "pk",
            "organisation_id",
            "person_id",
            "makeup_due",
            "meeting__held_on",
            "meeting__topic",
            "meeting__obligation__year_id",
            "person__username",
            "person__full_name",
            "person__first_name",
            "person__last_name",
        )
    )
    for line in rows.iterator(chunk_size=STREAM_ROWS):
        due = line.makeup_due
        assert due is not None  # noqa: S101 - filtered on above
        for stage in Rules.stages(rules.for_year(line.meeting.obligation.year_id), due, today):
            if stage == Stage.ESCALATED:
                continue
            yield Item(
                kind=Kind.OBLIGATION,
                stage=stage,
                organisation_id=line.organisation_id,
                title=_("补课：%(date)s %(topic)s（%(name)s）")
                % {
                    "date": f"{line.meeting.held_on:%Y-%m-%d}",
                    "topic": line.meeting.topic[:40],
                    "name": line.person.display_name,
                },
                due_date=due,
                url=reverse("makeup_complete", args=[line.pk]),
                object_key=f"makeup:{line.pk}",
                assignee_id=line.person_id,
            )


def collect_personal(today: datetime.date, rules: Rules) -> Iterator[Item]:
    """People's own duties (个人履责): reminders.personal, which builds on this module."""
    from .personal import collect_personal_obligations

    return collect_personal_obligations(today, rules)


COLLECTORS: list[Callable[[datetime.date, Rules], Iterable[Item]]] = [
    collect_obligations,
    collect_personal,
    collect_rectifications,
    collect_review_rounds,
    collect_duty_reports,
    collect_handovers,
    collect_entry_reviews,
    collect_makeups,
]


def collect(today: datetime.date) -> list[Item]:
    return list(collect_each(today))


def collect_each(today: datetime.date) -> Iterator[Item]:
    """`collect`, one item at a time: the sweep plans and stores them in partitions."""
    rules = Rules()
    for collector in COLLECTORS:
        yield from collector(today, rules)
