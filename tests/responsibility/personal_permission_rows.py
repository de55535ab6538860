"""Permission-matrix rows for people's own duties (个人履责, #19.1), collected by
tests/test_permissions.py: officer_a's duties (as 书记 of branch A) are theirs to fill in; the
reviewers of branch A see them and reopen them; a person's page is for whoever may view the
person; a leader's links are recorded by reviewers of one of their posts, never by themself."""

from __future__ import annotations

import datetime

from responsibility.models import LeaderLink, PersonalDuty, PersonalObligation
from responsibility.services import leaders
from tests.factories import World, make_evidence
from tests.permissions_support import ALL_IN, Row, statuses

SEEN_A = statuses(404, admin=200, officer_a=200, wc_reviewer=200, unit_a_reviewer=200)
REVIEWED_A = statuses(403, officer_b=404, admin=302, wc_reviewer=302, unit_a_reviewer=302)
FILLED_A = statuses(404, wc_reviewer=403, unit_a_reviewer=403, admin=302, officer_a=302)
LINKED_A = statuses(404, officer_a=403, admin=200, wc_reviewer=200, unit_a_reviewer=200)


def personal_obligation_of(world: World) -> PersonalObligation:
    return PersonalObligation.objects.filter(person=world.officer_a).order_by("-due_date").first()


def attached_personal_evidence(world: World) -> list[int]:
    obligation = personal_obligation_of(world)
    evidence = make_evidence(obligation.organisation)
    obligation.evidence.add(evidence)
    return [obligation.pk, evidence.pk]


def duty_of(world: World) -> PersonalDuty:
    return PersonalDuty.objects.filter(person=world.officer_a).order_by("pk").first()


def link_of(world: World) -> LeaderLink:
    return leaders.leader_link_create(
        actor=world.admin,
        person=world.officer_a,
        kind="contact",
        organisation=world.branch_a2,
        start_date=datetime.date(2026, 1, 1),
    )


ROWS = [
    Row("my_duties", ALL_IN),
    Row("person_duties", SEEN_A, lambda w: [w.officer_a.pk]),
    Row("personal_obligation_detail", SEEN_A, lambda w: [personal_obligation_of(w).pk]),
    Row(
        "personal_obligation_detail",
        FILLED_A,
        lambda w: [personal_obligation_of(w).pk],
        method="post",
        data={"status": "in_progress", "version": "1"},
        label="fill",
    ),
    Row(
        "personal_obligation_reopen",
        REVIEWED_A,
        lambda w: [personal_obligation_of(w).pk],
        method="post",
        data={"reason": "补录"},
    ),
    Row(
        "personal_obligation_detach_evidence",
        FILLED_A,
        attached_personal_evidence,
        method="post",
    ),
    Row("leader_link_create", LINKED_A, lambda w: [w.officer_a.pk]),
    Row("personal_duty_edit", LINKED_A, lambda w: [duty_of(w).pk]),
    Row(
        "personal_duty_edit",
        LINKED_A,
        lambda w: [duty_of(w).pk],
        method="post",
        data={"version": "1", "content": ""},
        label="refused",
    ),
    Row(
        "leader_link_end",
        statuses(404, officer_a=403, admin=302, wc_reviewer=302, unit_a_reviewer=302),
        lambda w: [link_of(w).pk],
        method="post",
        data={"version": "1", "end_date": "2026-06-01"},
    ),
]
