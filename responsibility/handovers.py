"""Hand-overs: the moments a piece of work passes to someone else (a score submitted for
confirmation, a ledger proposal waiting for approval, a report submitted, a reopen request).

The services that make them live in this app and in assessment; telling the next person
(inbox, email) is accountability's, which neither may import. So a service announces the
hand-over here and accountability's AppConfig.ready registers who is told (the same pattern as
assessment.exports.EXTRA_SHEETS and responsibility.health.register).

Hooks run after the transaction commits, and robustly: a message that fails to be written is
logged and never turns a committed decision into an error page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db import models, transaction

from .models import User

Kind = Literal[
    "review_submitted",  # a quarterly score waits for a second reviewer to confirm it
    "ledger_proposed",  # a bonus/deduction waits for a second reviewer to approve it
    "report_submitted",  # a year-end report waits for its review meeting and raters
    "reopen_requested",  # an officer asks the reviewers to reopen a closed obligation
    "reopen_decided",  # the reviewer's answer goes back to the officer
]


@dataclass(frozen=True)
class Handover:
    kind: Kind
    obj: models.Model
    actor: User | None


HOOKS: list[Callable[[Handover], None]] = []


def register(hook: Callable[[Handover], None]) -> None:
    if hook not in HOOKS:
        HOOKS.append(hook)


def announce(kind: Kind, *, obj: models.Model, actor: User | None) -> None:
    """Tell every registered hook once the current transaction commits."""
    handover = Handover(kind=kind, obj=obj, actor=actor)
    for hook in HOOKS:
        transaction.on_commit(functools.partial(hook, handover), robust=True)
