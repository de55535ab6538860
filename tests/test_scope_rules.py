"""Person-level rights (scope.RULES): each rule answers for one object as its filter does for a
list, and no access decision is made outside responsibility/scope/.

The rules name models of every app, so their test lives beside the permission matrix rather than
under tests/responsibility.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model
from django.utils import timezone

from assessment import person_results, results
from assessment import selectors as assessment_selectors
from assessment.models import (
    AnnualResult,
    DutyReport,
    ExportJob,
    PersonRating,
    PersonResult,
    Vote,
)
from responsibility import scope
from responsibility.models import (
    ChecklistItem,
    Obligation,
    PersonalDuty,
    PersonalObligation,
    Post,
    User,
)
from tests.accountability.permission_rows import (
    dispatch_sent_by_officer_b,
    member_responsible,
    notice_sent_by_officer_b,
)
from tests.accountability.support import (
    dispatch_of,
    notice_of,
    notification_of,
    rectification_of,
)
from tests.assessment.permission_rows import (
    ledger_entry,
    report_rated_by_officer_b,
    review_of,
)
from tests.factories import PERSONAS, World, post
from tests.responsibility.attendance_support import absent_member_line, other_branch_line

ROOT = Path(__file__).resolve().parent.parent


def objects_for_every_rule(world: World) -> list[Model]:
    """At least one object each rule covers, naming personas in and out of its organisations."""
    notices = [notice_of(world), notice_sent_by_officer_b(world)]
    dispatches = [dispatch_of(world), dispatch_sent_by_officer_b(world)]
    rated = report_rated_by_officer_b(world)
    reports = [rated, report_of_branch_b(world)]
    results.results_compute(actor=None, year=world.year)
    AnnualResult.objects.filter(organisation=world.branch_a).update(published_at=timezone.now())
    scored = review_of(world)
    scored.scored_by = world.unit_a_reviewer
    scored.save(update_fields=["scored_by"])
    person_results.person_results_compute(actor=None, year=world.year)
    PersonResult.objects.filter(person=world.officer_a).update(published_at=timezone.now())
    ratings = [
        PersonRating.objects.create(
            report=rated, person=world.officer_a, rater=rater, execution=80, supervision=80
        )
        for rater in (world.unit_a_reviewer, world.wc_reviewer)
    ]
    return [
        *PersonResult.objects.select_related("organisation"),
        *ratings,
        *notices,
        *dispatches,
        *reports,
        *AnnualResult.objects.select_related("organisation"),
        member_responsible(world),
        rectification_of(world, world.branch_b),
        scored,
        ledger_entry(world),
        notification_of(world.officer_a),
        ExportJob.objects.create(requested_by=world.officer_a, year=world.year),
        Vote.objects.create(report=rated, rater=world.officer_b, choice="good"),
        *User.objects.all(),
        *assigned_obligations(world),
        *ChecklistItem.objects.filter(ref="ZB-3-02").select_related("checklist__organisation"),
        absent_member_line(world),
        other_branch_line(world),
        # People's own duties (个人履责): officer_a's in branch A, officer_b's in branch B.
        *PersonalObligation.objects.filter(period_label="全年").select_related("organisation"),
        *PersonalDuty.objects.select_related("organisation"),
    ]


def assigned_obligations(world: World) -> list[Obligation]:
    """Branch A's meeting assigned to its member (no officer post), and branch B's unassigned."""
    queryset = Obligation.objects.select_related("organisation").filter(item__ref="ZB-3-02")
    mine = queryset.filter(organisation=world.branch_a).first()
    Obligation.objects.filter(pk=mine.pk).update(assignee=world.member)
    return [queryset.get(pk=mine.pk), queryset.filter(organisation=world.branch_b).first()]


def report_of_branch_b(world: World) -> DutyReport:
    return DutyReport.objects.create(organisation=world.branch_b, year=world.year, text="述职")


@pytest.mark.django_db
def test_it_answers_each_rule_for_one_object_as_its_filter_does(active_world: World) -> None:
    world = active_world
    objects = objects_for_every_rule(world)
    assert {label for _action, label in scope.RULES} <= {o._meta.label_lower for o in objects}
    for name in PERSONAS:
        person = world.persona(name) or AnonymousUser()
        for action, label in scope.RULES:
            model = apps.get_model(label)
            listed = set(
                scope.filter_for(person, model._default_manager.all(), action=action).values_list(
                    "pk", flat=True
                )
            )
            for obj in (o for o in objects if isinstance(o, model)):
                answer = scope.can(person, action, obj)
                assert answer == (obj.pk in listed), (name, action, label, obj.pk)


@pytest.mark.django_db
def test_it_gives_person_level_rights_to_whom_the_object_names(active_world: World) -> None:
    world = active_world
    rated = report_rated_by_officer_b(world)
    assert scope.can(world.officer_b, "read", rated)  # a rater outside the report's scope
    assert scope.can(world.officer_b, "rate", rated)
    assert not scope.can(world.admin, "rate", rated)  # admins read it, only raters vote
    assert scope.can(world.officer_b, "read", notice_sent_by_officer_b(world))
    assert scope.can(world.member, "work_on", member_responsible(world))
    assert not scope.can(world.member, "work_on", rectification_of(world))
    message = notification_of(world.officer_a)
    assert scope.can(world.officer_a, "own", message)
    assert not scope.can(world.admin, "own", message)  # a person's inbox is nobody else's
    assert scope.can(world.officer_b, "view_person", world.officer_b)
    assert not scope.can(world.officer_b, "record_person", world.officer_b)
    assert not scope.can(world.unit_a_reviewer, "view_person", world.officer_b)


@pytest.mark.django_db
def test_it_keeps_four_eyes_for_admins_too(active_world: World) -> None:
    review = review_of(active_world)
    review.scored_by = active_world.admin
    assert not scope.can(active_world.admin, "second", review)
    assert scope.can(active_world.wc_reviewer, "second", review)
    review.scored_by = None  # nobody recorded counts as someone else
    assert scope.can(active_world.admin, "second", review)


@pytest.mark.django_db
def test_it_shows_a_reviewer_who_liaises_the_published_results_of_their_units(
    active_world: World,
) -> None:
    # The results list once showed a reviewer only the published results of their own posts'
    # organisations, while the result page opened those of the units they liaise with too.
    world = active_world
    post(world.unit_a_reviewer, world.unit_b, Post.Kind.LIAISON)
    scope.forget(world.unit_a_reviewer)
    results.results_compute(actor=None, year=world.year)
    results.results_publish(actor=None, year=world.year)
    branch_b = AnnualResult.objects.get(organisation=world.branch_b, is_current=True)
    assert scope.can(world.unit_a_reviewer, "read", branch_b)
    assert branch_b in assessment_selectors.results_table(world.unit_a_reviewer, world.year)


# --- no access decision outside the scope package -----------------------------------------------

APPS = ("accountability", "assessment", "responsibility", "config")
# Files that may decide access by themselves: the scope, and the Django admin's own pages
# (ModelAdmin permissions are Django's staff rights, not the organisation scope).
OWNERS = {"responsibility/scope/__init__.py", "responsibility/scope/rules.py"}
PEOPLE = r"(?:request\.user|actor|viewer|user)"
DECISIONS = {
    "reads is_superuser (scope.Scope.is_admin)": r"\.is_superuser\b(?!\s*=[^=])",
    "reads is_staff (scope.sees_operations)": r"\.is_staff\b(?!\s*=[^=])",
    "compares a person with an owner (a person-level action)": (
        r"\b(?:request\.user|actor|viewer)\.pk\s*[!=]="
        r"|[!=]=\s*(?:request\.user|actor|viewer)\.pk\b"
        rf"|_id\s*[!=]=\s*{PEOPLE}\.pk\b"
    ),
    "filters rows by whom they name (scope.filter_for)": (
        r"\.(?:filter|exclude|get)\([^)]*\b(?:sender|recipient|requested_by|responsible_person"
        rf"|raters?|scored_by|proposed_by|author|submitted_by)(?:_id)?=(?:{PEOPLE})(?:\.pk)?\b"
    ),
    "asks whether a person is among a report's raters (scope: rate)": (
        r"\.(?:raters|recipients|votes)\.filter\((?:pk|rater)="
    ),
    "reads a role instead of asking for a right (scope.can, may_any)": (
        r"\.is_(?:reviewer|liaison)\b"
    ),
}
# (file, text on the line, why it is not an access decision). Keep this tiny.
ALLOWED = [
    (
        "responsibility/selectors/obligations.py",
        "obligation.assignee_id == user.pk",
        "which section of My work (我的 or the organisation's) a listed row goes in",
    ),
    (
        "accountability/handovers.py",
        "person.pk != actor.pk",
        "who is told of a handover (never the one who handed over), not who may see it",
    ),
]


def app_files() -> list[Path]:
    return sorted(
        path
        for name in APPS
        for path in (ROOT / name).rglob("*.py")
        if "migrations" not in path.parts
        and path.name != "admin.py"
        and path.relative_to(ROOT).as_posix() not in OWNERS
    )


def test_it_finds_no_access_decision_outside_the_scope() -> None:
    found = []
    for path in app_files():
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in DECISIONS.items():
                if not re.search(pattern, line):
                    continue
                if any(relative == f and text in line for f, text, _why in ALLOWED):
                    continue
                found.append(f"{relative}:{number}: {what}: {line.strip()}")
    assert not found, "access decided outside responsibility/scope/:\n" + "\n".join(found)


def test_it_catches_the_decisions_it_names() -> None:
    samples = [
        "if checklist.is_locked and not actor.is_superuser:",
        "if notification.recipient_id != actor.pk:",
        "if viewer.pk == person.pk or admin:",
        "return Notification.objects.filter(recipient_id=user.pk)",
        "if report.raters.filter(pk=request.user.pk).exists():",
        "elif user_scope.is_reviewer:",
    ]
    for sample in samples:
        assert any(re.search(p, sample) for p in DECISIONS.values()), sample
    for harmless in ("admin = UserFactory(is_superuser=True)", "post.is_officer"):
        assert not any(re.search(p, harmless) for p in DECISIONS.values()), harmless
    for path, text, _why in ALLOWED:
        assert text in (ROOT / path).read_text(encoding="utf-8"), f"stale allowance: {path}"
