"""The demo's 机关纪委 at work (issue #20.6): the 财政厅's 机关纪委 secretary records two findings
in the unit's branches and assigns a rectification from one of them; its own 监督责任 checklist
comes with the year (responsibility's demo fills it in like every other organisation's)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from responsibility.demo import DemoContext

from .. import services
from ..models import Finding
from .rectifications import _source, officer_of

DISCIPLINE_FINDINGS = [
    # organisation code, days ago, severity, problem, rectification deadline in days (or None)
    (
        "CZT-ZB2",
        12,
        Finding.Severity.MAJOR,
        "节前廉洁提醒未传达到全体党员，支部纪检委员未建立提醒台账。",
        25,
    ),
    (
        "CZT-ZB1",
        5,
        Finding.Severity.MINOR,
        "支部纪检委员本年度未参加机关纪委组织的业务培训。",
        None,
    ),
]


def seed_discipline(context: DemoContext) -> None:
    """Idempotent: a second run finds the first finding and adds nothing."""
    if Finding.objects.filter(problem=DISCIPLINE_FINDINGS[0][3]).exists():
        return
    today = timezone.localdate()
    staff = context.users["discipline"]
    for code, days_ago, severity, problem, deadline_days in DISCIPLINE_FINDINGS:
        organisation = context.organisations[code]
        finding = services.finding_create(
            actor=staff,
            organisation=organisation,
            found_on=today - datetime.timedelta(days=days_ago),
            problem=problem,
            severity=severity,
            today=today,
        )
        if deadline_days is None:
            continue
        services.rectification_create(
            actor=staff,
            source=_source(finding, context),
            organisation=organisation,
            problem=problem,
            deadline=today + datetime.timedelta(days=deadline_days),
            responsible_person=officer_of(organisation),
            today=today,
        )
