"""Permission-matrix rows for quality flags (质量提示, collected by tests/test_permissions.py):
reviewers of an organisation list and dismiss its flags; nobody else, and unit B sees nothing
of unit A's."""

from responsibility.models import QualityFlag
from tests.factories import World
from tests.permissions_support import A_REVIEWERS, Row, obligation_of, statuses


def flag_of(world: World) -> QualityFlag:
    """An open flag on one of branch A's obligations."""
    obligation = obligation_of(world.branch_a)
    return QualityFlag.objects.create(
        kind=QualityFlag.Kind.MEETING_DATE,
        obligation=obligation,
        organisation=world.branch_a,
        year=obligation.year,
        detail={"held_on": "2026-01-01", "period_start": "2026-02-01", "period_end": "2026-02-28"},
    )


REVIEWED = A_REVIEWERS | {"admin": 302, "wc_reviewer": 302, "unit_a_reviewer": 302}

ROWS = [
    Row("quality_flag_list", A_REVIEWERS, lambda w: [w.branch_a.pk, 2026], label="branch A"),
    # The 机关党委 reviews the branches below it, never itself: its page lists theirs.
    Row(
        "quality_flag_list",
        statuses(
            404, admin=200, wc_reviewer=200, unit_a_reviewer=200, liaison=403, discipline_a=403
        ),
        lambda w: [w.organ_a.pk, 2026],
        label="organ committee A",
    ),
    Row(
        "quality_flag_list",
        statuses(404, admin=200, wc_reviewer=200, officer_b=403),
        lambda w: [w.branch_b.pk, 2026],
        label="branch B",
    ),
    Row("quality_flag_dismiss", A_REVIEWERS, lambda w: [flag_of(w).pk]),
    Row(
        "quality_flag_dismiss",
        REVIEWED,
        lambda w: [flag_of(w).pk],
        method="post",
        data={"reason": "同一次会议，已核实", "version": "1", "back": "list"},
        label="dismiss",
    ),
]
