"""Plausible dates: the range each date a person types must fall in (issue #17, item 7).

Every service that stores a typed date calls one rule here, so a date such as 0001-01-01 or
9999-12-31 is refused wherever it comes from (form, import of a form's data, a script), with
one wording everywhere: "<label>不能早于<bound>。" / "<label>不能晚于<bound>。". The refusal
names the form field it concerns, so a view can show it next to that field.

The ranges and why:
- completion of an obligation, and the date of a meeting recorded with it: from 1 January of
  the obligation's year to today. Obligation periods lie within their year; the upper bound is
  today rather than 31 December, because a late completion may still be entered after the year
  ends (grace period, reopened entry) and is then marked late.
- supervision finding, liaison meeting: from 1 January of the previous year to today, so that
  a December visit can still be written up in the new year.
- rectification deadline: from the day it is set (today) to three years later. An edit that
  keeps the deadline is not checked again; a changed deadline is set on the day of the edit.
- accountability decision: within the last ten years, and not in the future.
- quarterly review rounds (opens/closes) and the year-end report deadline: from 1 January of the
  assessment year to 31 March of the next (the fourth quarter is reviewed, and the year-end
  reports are heard, in the first weeks of the next year).
- dispatched task due date: from today to 31 December of the year it is dispatched in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ServiceError
from .models import Year

DEADLINE_YEARS = 3
DECISION_YEARS = 10
# The assessment of a year runs until this day of the next year (Q4 review, year-end reports).
ASSESSMENT_ENDS = (3, 31)

COMPLETED_ON = gettext_lazy("完成日期")
MEETING_HELD_ON = gettext_lazy("会议日期")
FOUND_ON = gettext_lazy("督查日期")
DEADLINE = gettext_lazy("整改期限")
DECIDED_ON = gettext_lazy("决定日期")
OPENS_ON = gettext_lazy("开始日期")
CLOSES_ON = gettext_lazy("截止日期")
REPORT_DEADLINE = gettext_lazy("述职报告截止日期")
DUE_DATE = gettext_lazy("截止日期")


class DateOutOfRange(ServiceError):
    """A typed date outside its plausible range; `field` names the form field it came from."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Bound:
    day: datetime.date
    text: str  # how the message names it: "今天", or the date and why


def today_bound(today: datetime.date) -> Bound:
    return Bound(today, _("今天"))


def dated(day: datetime.date, why: str) -> Bound:
    return Bound(day, f"{day.year}年{day.month}月{day.day}日（{why}）")


def years_later(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (28 February for a 29 February that has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check(value: datetime.date, *, field: str, label: str, earliest: Bound, latest: Bound) -> None:
    """Refuse `value` outside [earliest, latest], naming the bound it crossed."""
    if value < earliest.day:
        raise DateOutOfRange(
            _("%(label)s不能早于%(bound)s。") % {"label": label, "bound": earliest.text},
            field=field,
        )
    if value > latest.day:
        raise DateOutOfRange(
            _("%(label)s不能晚于%(bound)s。") % {"label": label, "bound": latest.text},
            field=field,
        )


def year_start(year: Year) -> Bound:
    return dated(year.start, _("%(year)d年度开始") % {"year": year.year})


def previous_year_start(today: datetime.date) -> Bound:
    return dated(datetime.date(today.year - 1, 1, 1), _("上一年度开始"))


def assessment_end(year: Year) -> Bound:
    return dated(
        datetime.date(year.year + 1, *ASSESSMENT_ENDS),
        _("%(year)d年度考核截止") % {"year": year.year},
    )


# --- one rule per kind of date ------------------------------------------------------------------


def check_completion(
    value: datetime.date, *, year: Year, today: datetime.date, field: str = "completed_on"
) -> None:
    check(
        value,
        field=field,
        label=str(COMPLETED_ON),
        earliest=year_start(year),
        latest=today_bound(today),
    )


def check_meeting_record(value: datetime.date, *, year: Year, today: datetime.date) -> None:
    """The meeting recorded with an obligation (三会一课): as its completion."""
    check(
        value,
        field="held_on",
        label=str(MEETING_HELD_ON),
        earliest=year_start(year),
        latest=today_bound(today),
    )


def check_finding(value: datetime.date, *, today: datetime.date) -> None:
    check(
        value,
        field="found_on",
        label=str(FOUND_ON),
        earliest=previous_year_start(today),
        latest=today_bound(today),
    )


def check_liaison_meeting(value: datetime.date, *, today: datetime.date) -> None:
    check(
        value,
        field="held_on",
        label=str(MEETING_HELD_ON),
        earliest=previous_year_start(today),
        latest=today_bound(today),
    )


def check_deadline(value: datetime.date, *, today: datetime.date) -> None:
    """A rectification deadline set (or moved) today."""
    check(
        value,
        field="deadline",
        label=str(DEADLINE),
        earliest=today_bound(today),
        latest=dated(
            years_later(today, DEADLINE_YEARS),
            _("交办后%(years)d年内") % {"years": DEADLINE_YEARS},
        ),
    )


def check_decision(value: datetime.date, *, today: datetime.date) -> None:
    check(
        value,
        field="decided_on",
        label=str(DECIDED_ON),
        earliest=dated(
            years_later(today, -DECISION_YEARS),
            _("%(years)d年以内") % {"years": DECISION_YEARS},
        ),
        latest=today_bound(today),
    )


def check_round(opens_on: datetime.date, closes_on: datetime.date, *, year: Year) -> None:
    for value, field, label in (
        (opens_on, "opens_on", OPENS_ON),
        (closes_on, "closes_on", CLOSES_ON),
    ):
        check(
            value,
            field=field,
            label=str(label),
            earliest=year_start(year),
            latest=assessment_end(year),
        )


def check_report_deadline(value: datetime.date, *, year: Year) -> None:
    check(
        value,
        field="report_deadline",
        label=str(REPORT_DEADLINE),
        earliest=year_start(year),
        latest=assessment_end(year),
    )


def check_due_date(value: datetime.date, *, year: Year, today: datetime.date) -> None:
    """A dispatched task's due date: in the future (or today), within the year."""
    earliest = today_bound(today) if today >= year.start else year_start(year)
    check(
        value,
        field="due_date",
        label=str(DUE_DATE),
        earliest=earliest,
        latest=dated(year.end, _("%(year)d年度结束") % {"year": year.year}),
    )
