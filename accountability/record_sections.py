"""Accountability's section of a person's cadre record (assessment.record_sections, issue #19.4):
the cases against the person, shown only to the register's audience (domain.md §8a), by the
register's own rule (scope's "register" action on the case's organisation), so that the record
never shows a case the register would hide. One query, none for those without a part of it."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from assessment.record_sections import RecordLine, RecordSection
from responsibility import scope
from responsibility.models import User

from .models import AccountabilityCase

KEY = "accountability"


def person_cases(people: Sequence[User], viewer: User) -> dict[int, RecordSection]:
    if not scope.scope_for(viewer).may_any("register"):
        return {}
    cases = (
        AccountabilityCase.objects.filter(
            target_type=AccountabilityCase.TargetType.PERSON, person__in=[p.pk for p in people]
        )
        .filter(scope.within(viewer, "register"))
        .select_related("organisation", "year")
        .order_by("-decided_on", "-pk")
    )
    lines: dict[int, list[RecordLine]] = {person.pk: [] for person in people}
    for case in cases:
        if case.person_id is None:  # never: a constraint ties the person to the target type
            continue
        lines[case.person_id].append(
            RecordLine(
                on=case.decided_on,
                title=f"{case.get_form_display()} · {case.organisation.name}",
                detail=case.reason,
                url=case.get_absolute_url(),
            )
        )
    title = _("问责情况")
    return {
        pk: RecordSection(key=KEY, title=title, lines=tuple(rows)) for pk, rows in lines.items()
    }
