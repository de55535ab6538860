"""Periods and due dates of recurring duties: pure functions, no database."""

from __future__ import annotations

import calendar
import datetime
from typing import NamedTuple

from django.utils.translation import gettext as _

from .models.checklists import Frequency


class Period(NamedTuple):
    start: datetime.date
    end: datetime.date
    label: str


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def periods(frequency: str, year: int) -> list[Period]:
    """The periods of one year for a frequency; each yields one obligation. An as-needed duty
    has none: its obligations are the occurrences officers record (services.occurrence_record).
    """
    if frequency == Frequency.AS_NEEDED:
        return []
    if frequency == Frequency.MONTHLY:
        return [
            Period(datetime.date(year, m, 1), _month_end(year, m), _("%(m)d月") % {"m": m})
            for m in range(1, 13)
        ]
    if frequency == Frequency.QUARTERLY:
        names = [_("第一季度"), _("第二季度"), _("第三季度"), _("第四季度")]
        return [
            Period(datetime.date(year, 3 * q + 1, 1), _month_end(year, 3 * q + 3), names[q])
            for q in range(4)
        ]
    if frequency == Frequency.HALF_YEARLY:
        return [
            Period(datetime.date(year, 1, 1), datetime.date(year, 6, 30), _("上半年")),
            Period(datetime.date(year, 7, 1), datetime.date(year, 12, 31), _("下半年")),
        ]
    labels: dict[str, str] = {
        Frequency.ONCE: _("年内一次"),
        Frequency.YEARLY: _("全年"),
        Frequency.PER_TERM: _("本届（届满年度）"),
    }
    if frequency not in labels:
        raise ValueError(f"unknown frequency {frequency!r}")
    return [Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), labels[frequency])]


def due_date(frequency: str, period: Period, due_days: int) -> datetime.date:
    """Due `due_days` after the period ends; a one-off duty counts from the start of the year."""
    if frequency == Frequency.ONCE:
        return period.start + datetime.timedelta(days=due_days)
    return period.end + datetime.timedelta(days=due_days)
