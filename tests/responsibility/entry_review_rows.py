"""Permission-matrix rows for the per-entry review (#20.2), collected by tests/test_permissions.py:
reviewers in scope decide on an organisation's entries, never its own officers; the sample is
for reviewers."""

from __future__ import annotations

import datetime

from responsibility.models import Obligation
from tests.factories import World
from tests.permissions_support import A_REVIEWERS, REVIEWERS_ONLY, Row, obligation_of


def completed_entry(world: World) -> Obligation:
    """One of branch A's obligations, done and waiting for review."""
    obligation = obligation_of(world.branch_a)
    Obligation.objects.filter(pk=obligation.pk).update(
        status=Obligation.Status.DONE, completed_on=datetime.date(2026, 5, 20)
    )
    return obligation


ROWS = [
    Row("entry_review", A_REVIEWERS, lambda w: [completed_entry(w).pk]),
    Row(
        "entry_review",
        A_REVIEWERS | {"admin": 302, "wc_reviewer": 302, "unit_a_reviewer": 302},
        lambda w: [completed_entry(w).pk],
        method="post",
        data={"decision": "accept", "reason": "", "version": "1"},
        label="accept",
    ),
    Row("entry_sample", REVIEWERS_ONLY),
]
