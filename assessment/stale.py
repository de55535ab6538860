"""The 待更新 mark of a published result: what changed after publication, and when.

A service that changes a result's inputs after publication records a reason on the current
published result (services.results_mark_stale); a recompute replaces or confirms the result and
the mark clears (results.results_compute). Reasons are stored as codes with their time and a
detail; the labels are translated when shown, and a grade cap's detail (it names the
accountability case) is shown only to the register's audience (domain.md §8a): everyone else
reads the neutral label.

Obligations do not mark. Process supervision is continuous (domain.md §5): a result computed
during the year is "as of" its computation, and every fill-in would mark every result. Once the
year is closed, entry and reopening are refused (responsibility.services: EntryClosedError), so
a year-end result cannot drift through obligations; and `responsibility` may not call into
`assessment` (the dependency direction).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

# Kept per result: a busy year's votes must not grow the row without bound.
REASONS_KEPT = 20
DETAIL_LENGTH = 200


class Change(models.TextChoices):
    """What changed; the label is all that anyone outside the register reads about a cap."""

    CAP = "cap", gettext_lazy("等次限制有变化")
    REVIEW = "review", gettext_lazy("季度检查评分有变化")
    LEDGER = "ledger", gettext_lazy("加减分有变化")
    VOTE = "vote", gettext_lazy("述职评议票有变化")
    SCHEME = "scheme", gettext_lazy("考核方案有变化")
    # Person results (个人抓党建考核, issue #19.3) only.
    ORGANISATION = "organisation", gettext_lazy("所在组织考核结果有变化")
    RECTIFICATION = "rectification", gettext_lazy("本人负责的整改有变化")
    TRAINING = "training", gettext_lazy("培训学时有变化")
    RATING = "rating", gettext_lazy("述职测评有变化")


# Details that name an accountability case: the register's audience only.
CONFIDENTIAL = frozenset({Change.CAP})


def reason(change: Change, at: datetime.datetime, detail: str = "") -> dict[str, str]:
    """One stored reason (a JSON object on AnnualResult.stale_reasons)."""
    return {"code": change.value, "at": at.isoformat(), "detail": detail[:DETAIL_LENGTH]}


def add(reasons: Iterable[Mapping[str, Any]], new: dict[str, str]) -> list[dict[str, Any]]:
    """The reasons with `new` last; the same change again (code and detail) only moves its time."""
    kept = [
        dict(r)
        for r in reasons
        if (r.get("code"), r.get("detail", "")) != (new["code"], new["detail"])
    ]
    return [*kept, new][-REASONS_KEPT:]


@dataclass(frozen=True)
class Line:
    label: str
    at: datetime.datetime | None
    detail: str = ""


@dataclass(frozen=True)
class Mark:
    since: datetime.datetime
    lines: tuple[Line, ...]

    @property
    def labels(self) -> list[str]:
        """Each kind of change once, in the order they first happened."""
        return list(dict.fromkeys(line.label for line in self.lines))

    def summary(self) -> str:
        """One line for a list's cell, the workbook and a new version's reason."""
        since = f"{timezone.localtime(self.since):%Y-%m-%d}"
        return gettext("待更新（%(since)s起）：%(what)s") % {
            "since": since,
            "what": "；".join(self.labels),
        }


def _label(code: str) -> str:
    try:
        return str(Change(code).label)
    except ValueError:  # a code from a later release read by an older one
        return gettext("结果输入有变化")


def _time(value: Any) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def mark_of(
    since: datetime.datetime | None,
    reasons: Iterable[Mapping[str, Any]] | None,
    *,
    details: bool = False,
    register: bool = False,
) -> Mark | None:
    """The mark as shown: labels and times for all; details only when asked, and a cap's only
    to the register's audience."""
    if since is None:
        return None
    lines = tuple(
        Line(
            label=_label(r.get("code", "")),
            at=_time(r.get("at")),
            detail=(
                str(r.get("detail", ""))
                if details and (register or r.get("code") not in CONFIDENTIAL)
                else ""
            ),
        )
        for r in reasons or ()
    )
    return Mark(since=since, lines=lines)


def recompute_reason(reasons: Iterable[Mapping[str, Any]] | None) -> str:
    """A new version's reason: the neutral labels only, since members read published reasons."""
    labels = list(dict.fromkeys(_label(r.get("code", "")) for r in reasons or ()))
    text = gettext("发布后输入有变化，重新计算：%(what)s") % {"what": "；".join(labels)}
    return text[:300]
