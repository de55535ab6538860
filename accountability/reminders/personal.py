"""The reminder sweep's collector of people's own duties (个人履责, #19.1): like an assigned
obligation, told to the person, and once overdue to their organisation's secretaries too (the
assignee's path in `reminders.plan`); never escalated upward, since an organisation's lateness
is not the person's. One query, streamed."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from django.urls import reverse
from django.utils.translation import gettext as _

from responsibility.models import PersonalObligation, Year

from .collectors import STREAM_ROWS, Item, Kind, Rules, Stage


def collect_personal_obligations(today: datetime.date, rules: Rules) -> Iterator[Item]:
    rows = (
        PersonalObligation.objects.filter(
            status__in=PersonalObligation.OPEN_STATUSES,
            due_date__in=rules.all_dates(today),
            year__status=Year.Status.ACTIVE,
            duty__is_active=True,
        )
        .select_related("duty", "person")
        .only(
            "pk",
            "organisation_id",
            "person_id",
            "year_id",
            "due_date",
            "period_label",
            "duty__ref",
            "duty__content",
            "person__username",
            "person__full_name",
            "person__first_name",
            "person__last_name",
        )
    )
    for obligation in rows.iterator(chunk_size=STREAM_ROWS):
        for stage in Rules.stages(rules.for_year(obligation.year_id), obligation.due_date, today):
            if stage == Stage.ESCALATED:
                continue
            yield Item(
                kind=Kind.OBLIGATION,
                stage=stage,
                organisation_id=obligation.organisation_id,
                title=_("个人履责：%(ref)s %(content)s（%(period)s，%(name)s）")
                % {
                    "ref": obligation.duty.ref,
                    "content": obligation.duty.content[:50],
                    "period": obligation.period_label,
                    "name": obligation.person.display_name,
                },
                due_date=obligation.due_date,
                url=reverse("personal_obligation_detail", args=[obligation.pk]),
                object_key=f"personal_obligation:{obligation.pk}",
                assignee_id=obligation.person_id,
            )
