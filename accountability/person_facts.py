"""Supervision's share of a person's result (assessment.person_scoring, issue #19.3): the
rectifications each person is responsible for in the year, and which of them cost points
(overdue, submitted late, or returned at verification). One query, whatever the year's size.
Nothing of the accountability register is read here: cases reach a person's result only as a
grade cap (services.cases)."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from responsibility.links import pk_url
from responsibility.models import Year

from .models import Rectification


def person_rectifications(year: Year, as_of: datetime.date) -> dict[int, list[dict[str, Any]]]:
    states = dict(Rectification.State.choices)
    url = pk_url("rectification_detail")
    out: dict[int, list[dict[str, Any]]] = {}
    rows = (
        Rectification.objects.filter(year=year, responsible_person__isnull=False)
        .order_by("deadline", "pk")
        .values_list(
            "pk",
            "responsible_person_id",
            "problem",
            "state",
            "deadline",
            "is_late",
            "returned_count",
        )
    )
    for pk, person_id, problem, state, deadline, late, returned in rows:
        overdue = state in Rectification.OPEN_STATES and deadline < as_of
        why = [
            str(label)
            for flag, label in (
                (overdue, _("逾期未完成")),
                (late, _("逾期提交复查")),
                (returned > 0, _("复查被退回 %(n)d 次") % {"n": returned}),
            )
            if flag
        ]
        out.setdefault(person_id, []).append(
            {
                "id": pk,
                "problem": problem[:200],
                "state": str(_("逾期")) if overdue else str(states.get(state, state)),
                "deadline": deadline.isoformat(),
                "costly": bool(why),
                "why": "；".join(why),
                "url": url(pk),
            }
        )
    return out
