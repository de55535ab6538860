"""Who is told of a hand-over (responsibility.handovers), in the inbox and by email.

Registered by AccountabilityConfig.ready; runs after the deciding transaction commits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils.translation import gettext as _

from assessment.models import DutyReport, LedgerEntry, OrganisationReview
from responsibility.handovers import Handover
from responsibility.models import ReopenRequest, User
from responsibility.selectors import reviewers_for

from .services import notify


def _others(people: Iterable[User], actor: User | None) -> list[User]:
    """Never tell people of their own act (the four-eyes rule's second person is someone else)."""
    return [person for person in people if actor is None or person.pk != actor.pk]


def _name(actor: User | None) -> str:
    return actor.display_name if actor is not None else _("系统")


def review_submitted(handover: Handover) -> None:
    review = OrganisationReview.objects.select_related("organisation", "round__year").get(
        pk=handover.obj.pk
    )
    reviewers = reviewers_for(review.organisation, colleague=handover.actor)
    notify(
        recipients=_others(reviewers.people, handover.actor),
        title=_("季度评分待复核：%(org)s（%(round)s）")
        % {"org": review.organisation.name, "round": review.round},
        body=_("%(who)s 已提交评分，请复核（评分人以外的审核人确认或退回）。")
        % {"who": _name(handover.actor)},
        url=review.get_absolute_url(),
    )


def ledger_proposed(handover: Handover) -> None:
    entry = LedgerEntry.objects.select_related("organisation").get(pk=handover.obj.pk)
    reviewers = reviewers_for(entry.organisation, colleague=handover.actor)
    notify(
        recipients=_others(reviewers.people, handover.actor),
        title=_("加减分待审批：%(org)s %(kind)s %(points)s 分")
        % {
            "org": entry.organisation.name,
            "kind": entry.get_kind_display(),
            "points": f"{entry.points.normalize():f}",
        },
        body=_("%(who)s 提出：%(reason)s") % {"who": _name(handover.actor), "reason": entry.reason},
        url=reverse("ledger_list"),
    )


def report_submitted(handover: Handover) -> None:
    report = DutyReport.objects.select_related("organisation", "year").get(pk=handover.obj.pk)
    people = reviewers_for(report.organisation).people + list(report.raters.all())
    notify(
        recipients=_others(people, handover.actor),
        title=_("述职报告已提交：%(org)s（%(year)s年度）")
        % {"org": report.organisation.name, "year": report.year.year},
        body=_("请安排述职评议，评议人请在评议结束前投票。"),
        url=report.get_absolute_url(),
    )


def reopen_requested(handover: Handover) -> None:
    request = ReopenRequest.objects.select_related(
        "organisation", "obligation__item", "requested_by"
    ).get(pk=handover.obj.pk)
    obligation = request.obligation
    notify(
        recipients=_others(reviewers_for(request.organisation).people, handover.actor),
        title=_("重新开放申请：%(org)s %(ref)s（%(period)s）")
        % {
            "org": request.organisation.name,
            "ref": obligation.item.ref,
            "period": obligation.period_label,
        },
        body=_("%(who)s 申请重新开放填报：%(reason)s")
        % {"who": _name(request.requested_by), "reason": request.reason},
        url=request.get_absolute_url(),
    )


def reopen_decided(handover: Handover) -> None:
    request = ReopenRequest.objects.select_related(
        "organisation", "obligation__item", "requested_by"
    ).get(pk=handover.obj.pk)
    granted = request.state == ReopenRequest.State.GRANTED
    title = (
        _("重新开放申请已同意：%(ref)s（%(period)s）")
        if granted
        else _("重新开放申请未同意：%(ref)s（%(period)s）")
    )
    notify(
        recipients=_others([request.requested_by] if request.requested_by else [], handover.actor),
        title=title
        % {"ref": request.obligation.item.ref, "period": request.obligation.period_label},
        body=_("已重新开放，请尽快补填。") if granted else request.refusal_reason,
        url=request.get_absolute_url(),
    )


HANDLERS: dict[str, Callable[[Handover], None]] = {
    "review_submitted": review_submitted,
    "ledger_proposed": ledger_proposed,
    "report_submitted": report_submitted,
    "reopen_requested": reopen_requested,
    "reopen_decided": reopen_decided,
}


def notify_handover(handover: Handover) -> None:
    handler = HANDLERS.get(handover.kind)
    if handler is not None:
        handler(handover)
