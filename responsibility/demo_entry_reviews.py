"""The demo's per-entry review (履责记实逐条审核, #20.2): the 财政厅's 机关党委 reviewer has
accepted some of its branches' entries of this quarter and the last, returned one of the
officer's branch (his work queue shows it, reopened) and one of another branch, which its
officers have resubmitted (her queue shows it). Through the services, so each decision is in the
history and the audit trail; a later run keeps what is there."""

from __future__ import annotations

import datetime

from django.utils import timezone

from . import services
from .models import EntryReview, Frequency, Obligation, Organisation, User, Year

UNIT = "CZT"  # the unit whose 机关党委 the `unit_reviewer` persona belongs to
OFFICER_BRANCH = "CZT-ZB1"
ACCEPTED = 12
ADDED = "补充：学习了相关文件，参加 12 人，形成整改意见 3 条。"
RETURN_REASONS = (
    "会议记录只有议题，未附签到表和会议纪要，请补充上传后重新提交。",
    "完成情况过于简略，请写明学习内容、参加人数和形成的意见。",
)


def build_entry_reviews(
    year: Year, users: dict[str, User], today: datetime.date | None = None
) -> None:
    today = today or timezone.localdate()
    reviewer = users.get("unit_reviewer")
    if reviewer is None or EntryReview.objects.filter(obligation__year=year).exists():
        return
    branches = list(
        Organisation.objects.filter(unit__code=UNIT, tier__kind="branch").order_by("code")
    )
    if not branches:
        return
    start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1) - datetime.timedelta(
        days=92
    )
    done = list(
        Obligation.objects.filter(
            year=year,
            organisation__in=branches,
            status=Obligation.Status.DONE,
            period_end__gte=max(start, year.start),
            completed_on__lte=today,
        )
        .exclude(item__frequency=Frequency.AS_NEEDED)
        .select_related("year", "item", "organisation")
        .order_by("-period_end", "organisation__code", "item__sort_order", "pk")
    )
    officer_branch = [o for o in done if o.organisation.code == OFFICER_BRANCH]
    others = [o for o in done if o.organisation.code != OFFICER_BRANCH]
    to_return = officer_branch[:1] + others[:1]
    for obligation, reason in zip(to_return, RETURN_REASONS, strict=False):
        services.entry_review_decide(
            actor=reviewer,
            obligation=obligation,
            version=obligation.version,
            accept=False,
            reason=reason,
            today=today,
        )
    if len(to_return) == 2:
        _resubmit(to_return[1], today)
    returned = {o.pk for o in to_return}
    for obligation in [o for o in done if o.pk not in returned][:ACCEPTED]:
        services.entry_review_decide(
            actor=reviewer,
            obligation=obligation,
            version=obligation.version,
            accept=True,
            sampled=obligation.pk % 2 == 0,
            today=today,
        )


def _resubmit(obligation: Obligation, today: datetime.date) -> None:
    """The other branch's officer adds what was asked and hands it in again."""
    obligation = Obligation.objects.select_related("year", "item", "organisation").get(
        pk=obligation.pk
    )
    officer = (
        User.objects.filter(
            posts__organisation=obligation.organisation, posts__kind="secretary"
        ).first()
        or obligation.updated_by
    )
    if officer is None or obligation.completed_on is None:
        return
    services.obligation_fill(
        actor=officer,
        obligation=obligation,
        version=obligation.version,
        status=Obligation.Status.DONE,
        completed_on=obligation.completed_on,
        description=f"{obligation.description}\n{ADDED}",
        today=today,
    )
