"""Shared pieces of the permission matrix: a row type and status tables per persona."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from responsibility.models import (
    ChecklistItem,
    Evidence,
    Obligation,
    Opinion,
    Organisation,
    Post,
    ReopenRequest,
    Tier,
    User,
)
from tests.factories import PERSONAS, UserFactory, World, make_evidence, org, post

# The matrix's personas: the world's, and an officer of unit A's 机关纪委 (issue #20.6), made
# only here so the other tests' world keeps its shape.
DISCIPLINE = "discipline_a"
MATRIX_PERSONAS = [*PERSONAS, DISCIPLINE]


def matrix_persona(world: World, name: str) -> User | None:
    if name != DISCIPLINE:
        return world.persona(name)
    committee = org("A-JGJW", Tier.Kind.DISCIPLINE_COMMITTEE, world.unit_a, "甲厅机关纪委")
    person: User = UserFactory(username=DISCIPLINE)
    post(person, committee, Post.Kind.SECRETARY)
    return person


ALL_IN = {p: 200 for p in MATRIX_PERSONAS if p != "anonymous"} | {"anonymous": 302}
ADMIN_ONLY = dict.fromkeys(MATRIX_PERSONAS, 403) | {"admin": 200, "anonymous": 302}


def statuses(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(MATRIX_PERSONAS, default) | {"anonymous": anonymous}
    table.update(overrides)
    return table


@dataclass
class Row:
    name: str
    expected: dict[str, int]
    args: Callable[[World], list[Any]] = lambda w: []
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    label: str = ""


# Tables for unit A's and unit B's branches and their reviewers.
A_BRANCH_VIEWERS = statuses(
    404,
    admin=200,
    wc_reviewer=200,
    unit_a_reviewer=200,
    officer_a=200,
    liaison=200,
    member=200,
    discipline_a=200,
)
B_BRANCH_VIEWERS = statuses(404, admin=200, wc_reviewer=200, officer_b=200)
A_REVIEWERS = statuses(403, officer_b=404, admin=200, wc_reviewer=200, unit_a_reviewer=200)
REVIEWERS_ONLY = statuses(403, admin=200, wc_reviewer=200, unit_a_reviewer=200)

# Objects of an organisation that rows open; created per test in the persona's world.


def item_of(organisation: Organisation) -> ChecklistItem:
    return ChecklistItem.objects.filter(checklist__organisation=organisation).first()


def as_needed_item_of(organisation: Organisation) -> ChecklistItem:
    """An as-needed duty (适时) in the organisation's checklist, made on first use."""
    checklist = item_of(organisation).checklist
    item, _created = ChecklistItem.objects.get_or_create(
        checklist=checklist,
        ref="AS-NEEDED",
        defaults={
            "group": "组织建设",
            "content": "根据工作需要召开专题会议",
            "points": 0,
            "frequency": "as_needed",
        },
    )
    return item


def obligation_of(organisation: Organisation) -> Obligation:
    return Obligation.objects.filter(organisation=organisation).order_by("-due_date").first()


def attached_evidence(organisation: Organisation) -> Evidence:
    evidence = make_evidence(organisation)
    obligation_of(organisation).evidence.add(evidence)
    return evidence


def opinion_of(world: World) -> Opinion:
    return Opinion.objects.create(
        organisation=world.branch_a, year=world.year, content="建议", submitted_by=world.officer_a
    )


def reopen_request_of(world: World) -> ReopenRequest:
    """A pending request to reopen one of branch A's obligations."""
    obligation = obligation_of(world.branch_a)
    return ReopenRequest.objects.create(
        obligation=obligation,
        organisation=world.branch_a,
        requested_by=world.officer_a,
        reason="会议记录遗漏",
    )
