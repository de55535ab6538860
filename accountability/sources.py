"""Where a rectification comes from: one resolver per source type.

A resolver loads the source object through the scope (404 outside it, 403 without the right
to assign a rectification on it) and says which organisation must put it right, how to label
and link the source, and the default problem text. Assigning is the scope's "assign", a
reviewer's act: a liaison officer who recorded a finding does not assign its rectification
(domain.md §8a). Pages of other apps link to
`rectification_from_source?source_type=<type>&source_id=<id>`; a new source type is one
function added to `REGISTRY`.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.models import ItemScore, ReviewComment
from responsibility import scope
from responsibility.models import Organisation, User, Year
from responsibility.selectors import current_year, obligation_queryset, organisation_queryset
from responsibility.services import ServiceError

from .models import Rectification
from .selectors import finding_queryset


class SourceRejected(ServiceError):
    """The object exists and may be seen, but cannot start a rectification."""


@dataclass(frozen=True)
class Source:
    type: str
    id: int | None
    organisation: Organisation | None  # None only for a manual rectification not yet placed
    year: Year | None
    label: str
    url: str
    problem: str


Resolver = Callable[[User, "int | None"], Source]


def _url(obj: Any) -> str:
    """Pages of the assessment app may land later than their models: link when they exist."""
    try:
        return str(obj.get_absolute_url())
    except NoReverseMatch:
        return ""


def _year_for(date: datetime.date) -> Year | None:
    return Year.objects.filter(year=date.year).first() or current_year()


def _required(source_id: int | None) -> int:
    if source_id is None:
        raise Http404
    return source_id


def finding(user: User, source_id: int | None) -> Source:
    found = scope.get_for_user(user, finding_queryset(), action="assign", pk=_required(source_id))
    return Source(
        type=Rectification.SourceType.FINDING,
        id=found.pk,
        organisation=found.organisation,
        year=_year_for(found.found_on),
        label=_("督查发现（%(date)s，%(severity)s）")
        % {"date": f"{found.found_on:%Y-%m-%d}", "severity": found.get_severity_display()},
        url=found.get_absolute_url(),
        problem=found.problem,
    )


def obligation(user: User, source_id: int | None) -> Source:
    task = scope.get_for_user(user, obligation_queryset(), action="assign", pk=_required(source_id))
    overdue = not task.is_closed_out and task.due_date < timezone.localdate()
    if not (overdue or task.is_late):
        raise SourceRejected(_("该任务未逾期，不能据此交办整改。"))
    return Source(
        type=Rectification.SourceType.OBLIGATION,
        id=task.pk,
        organisation=task.organisation,
        year=task.year,
        label=_("逾期任务：%(ref)s %(period)s")
        % {"ref": task.item.ref, "period": task.period_label},
        url=task.get_absolute_url(),
        problem=_("%(content)s（%(period)s，截止 %(due)s）未按期完成。")
        % {
            "content": task.item.content,
            "period": task.period_label,
            "due": f"{task.due_date:%Y-%m-%d}",
        },
    )


def review_comment(user: User, source_id: int | None) -> Source:
    comment = scope.get_for_user(
        user,
        ReviewComment.objects.select_related("report__organisation__tier", "report__year"),
        action="assign",
        pk=_required(source_id),
    )
    report = comment.report
    return Source(
        type=Rectification.SourceType.REVIEW_COMMENT,
        id=comment.pk,
        organisation=report.organisation,
        year=report.year,
        label=_("%(year)s年度述职点评意见") % {"year": report.year.year},
        url=_url(report),
        problem=comment.text,
    )


def item_score(user: User, source_id: int | None) -> Source:
    score = (
        ItemScore.objects.select_related(
            "item", "review__organisation__tier", "review__round__year"
        )
        .filter(pk=_required(source_id))
        .first()
    )
    if score is None:
        raise Http404
    scope.check(user, "assign", score.review)
    if score.score >= score.max_points:
        raise SourceRejected(_("该事项未扣分，不能据此交办整改。"))
    return Source(
        type=Rectification.SourceType.ITEM_SCORE,
        id=score.pk,
        organisation=score.review.organisation,
        year=score.review.round.year,
        label=_("%(round)s扣分：%(ref)s") % {"round": score.review.round, "ref": score.item.ref},
        url=_url(score.review),
        problem=f"{score.item.ref} 扣分：{score.reason}",
    )


def manual(user: User, source_id: int | None) -> Source:
    """No source object; `source_id`, when given, names the organisation to prefill."""
    organisation = None
    if source_id is not None:
        organisation = scope.get_for_user(
            user, organisation_queryset(), action="assign", pk=source_id
        )
    else:
        scope.require_any(user, "assign")
    return Source(
        type=Rectification.SourceType.MANUAL,
        id=None,
        organisation=organisation,
        year=current_year(),
        label="",
        url="",
        problem="",
    )


REGISTRY: dict[str, Resolver] = {
    Rectification.SourceType.FINDING: finding,
    Rectification.SourceType.OBLIGATION: obligation,
    Rectification.SourceType.REVIEW_COMMENT: review_comment,
    Rectification.SourceType.ITEM_SCORE: item_score,
    Rectification.SourceType.MANUAL: manual,
}


def resolve(user: User, source_type: str, source_id: int | None) -> Source:
    """The source for `user`: 404 for an unknown type or an object outside the scope."""
    resolver = REGISTRY.get(source_type)
    if resolver is None:
        raise Http404
    return resolver(user, source_id)
