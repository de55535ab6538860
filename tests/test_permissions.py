"""The permission matrix: every URL × every persona gives the expected status.

A URL pattern without a row here fails `test_it_has_a_row_for_every_url`, so a new page cannot
ship without deciding who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accountability import permission_rows as accountability_rows
from tests.assessment import permission_rows as assessment_rows
from tests.factories import World, make_evidence
from tests.permissions_support import (
    A_BRANCH_VIEWERS,
    A_REVIEWERS,
    ADMIN_ONLY,
    ALL_IN,
    B_BRANCH_VIEWERS,
    MATRIX_PERSONAS,
    REVIEWERS_ONLY,
    Row,
    as_needed_item_of,
    attached_evidence,
    item_of,
    matrix_persona,
    obligation_of,
    opinion_of,
    reopen_request_of,
    statuses,
)
from tests.responsibility import attendance_permission_rows as attendance_rows
from tests.responsibility import (
    entry_review_rows,
    personal_permission_rows,
    quality_permission_rows,
)
from tests.responsibility import permission_rows as key_point_rows

# /healthz/full without a broker (tasks in-process) passes; with one, no worker answers here.
FULL_HEALTH = 200 if settings.CELERY_TASK_ALWAYS_EAGER else 503

ROWS: list[Row] = [
    Row("home", statuses(302)),
    Row("organisation_tree", ALL_IN),
    Row(
        "organisation_detail",
        A_BRANCH_VIEWERS,
        lambda w: [w.branch_a.pk],
        label="branch A",
    ),
    Row(
        "organisation_detail",
        B_BRANCH_VIEWERS,
        lambda w: [w.branch_b.pk],
        label="branch B",
    ),
    Row(
        "organisation_detail",
        statuses(
            404, admin=200, wc_reviewer=200, unit_a_reviewer=200, liaison=200, discipline_a=200
        ),
        lambda w: [w.organ_a.pk],
        label="organ committee A",
    ),
    Row(
        "organisation_detail",
        statuses(404, admin=200, wc_reviewer=200, liaison=200, discipline_a=200),
        lambda w: [w.unit_a.pk],
        label="unit A",
    ),
    Row(
        "organisation_switch",
        statuses(302),
        method="post",
        data={"organisation": "0"},
    ),
    Row("onboarding_import", ADMIN_ONLY),
    Row("onboarding_template", ADMIN_ONLY),
    Row("healthz", statuses(200, anonymous=200)),
    # Public for everyone; with a broker configured and no worker running it fails (503).
    Row("healthz_full", statuses(FULL_HEALTH, anonymous=FULL_HEALTH)),
    Row("login", statuses(200, anonymous=200)),
    Row("logout", statuses(302, anonymous=302), method="post"),
    Row("password_change", ALL_IN),
    Row("password_change_done", ALL_IN),
    Row("set_language", statuses(302, anonymous=302), method="post", data={"language": "zh-hans"}),
    Row("admin:index", statuses(302) | {"admin": 200}),
    # Responsibility lists (the world has 2026 started).
    Row("my_work", ALL_IN),
    Row("checklist_detail", A_BRANCH_VIEWERS, lambda w: [w.branch_a.pk, 2026], label="A"),
    Row("checklist_detail", B_BRANCH_VIEWERS, lambda w: [w.branch_b.pk, 2026], label="B"),
    Row("checklist_item_create", A_REVIEWERS, lambda w: [w.branch_a.pk, 2026]),
    Row("checklist_item_edit", A_REVIEWERS, lambda w: [item_of(w.branch_a).pk]),
    Row("opinion_edit", A_BRANCH_VIEWERS, lambda w: [w.branch_a.pk, 2026]),
    Row("obligation_detail", A_BRANCH_VIEWERS, lambda w: [obligation_of(w.branch_a).pk]),
    Row(
        "occurrence_create",
        statuses(403, officer_b=404, admin=200, officer_a=200),
        lambda w: [as_needed_item_of(w.branch_a).pk],
    ),
    Row(
        "occurrence_create",
        statuses(403, officer_b=404, admin=200, officer_a=200),
        lambda w: [as_needed_item_of(w.branch_a).pk],
        method="post",
        data={"held_on": "", "description": ""},
        label="refused",
    ),
    Row(
        "obligation_detail",
        statuses(403, officer_b=404, admin=302, officer_a=302),
        lambda w: [obligation_of(w.branch_a).pk],
        method="post",
        data={"status": "in_progress", "version": "1"},
        label="fill",
    ),
    Row(
        "obligation_reopen",
        A_REVIEWERS | {"admin": 302, "wc_reviewer": 302, "unit_a_reviewer": 302},
        lambda w: [obligation_of(w.branch_a).pk],
        method="post",
        data={"reason": "补录"},
    ),
    # Naming an assignee (谁来干) is for the organisation's 书记/副书记 and admins.
    Row(
        "obligation_assign",
        statuses(403, officer_b=404, admin=200, officer_a=200),
        lambda w: [obligation_of(w.branch_a).pk],
    ),
    Row(
        "obligation_assign",
        statuses(403, officer_b=404, admin=200, officer_a=200),
        lambda w: [obligation_of(w.branch_a).pk],
        method="post",
        data={"assignee": "", "version": "1"},
        label="refused: nobody to unassign",
    ),
    Row(
        "checklist_item_assign",
        statuses(403, officer_b=404, admin=200, officer_a=200),
        lambda w: [item_of(w.branch_a).pk],
    ),
    Row(
        "checklist_item_assign",
        statuses(403, officer_b=404, admin=302, officer_a=302),
        lambda w: [item_of(w.branch_a).pk],
        method="post",
        data={"assignee": "", "version": "1"},
        label="unassign",
    ),
    Row(
        "reopen_request_create",
        statuses(403, officer_b=404, admin=302, officer_a=302),
        lambda w: [obligation_of(w.branch_a).pk],
        method="post",
        data={"reason": "补录"},
    ),
    Row(
        "reopen_request_decide",
        A_REVIEWERS | {"admin": 302, "wc_reviewer": 302, "unit_a_reviewer": 302},
        lambda w: [reopen_request_of(w).pk],
        method="post",
        data={"decision": "refuse", "reason": "材料不全"},
    ),
    Row(
        "obligation_detach_evidence",
        statuses(403, officer_b=404, admin=302, officer_a=302),
        lambda w: [obligation_of(w.branch_a).pk, attached_evidence(w.branch_a).pk],
        method="post",
    ),
    Row("evidence_download", A_BRANCH_VIEWERS, lambda w: [make_evidence(w.branch_a).pk]),
    Row("evidence_download", B_BRANCH_VIEWERS, lambda w: [make_evidence(w.branch_b).pk], label="B"),
    Row("progress_overview", REVIEWERS_ONLY),
    Row("floor", ALL_IN),
    Row("opinion_list", REVIEWERS_ONLY),
    Row(
        "opinion_acknowledge",
        A_REVIEWERS | {"admin": 302, "wc_reviewer": 302, "unit_a_reviewer": 302},
        lambda w: [opinion_of(w).pk],
        method="post",
    ),
    Row("year_list", ADMIN_ONLY),
    Row(
        "year_action",
        statuses(403) | {"admin": 302},
        lambda w: [2026, "close"],
        method="post",
    ),
    # Excel import and export of checklists (2026 is started, so branch checklists are locked:
    # reviewers still open the import page, which says so instead of offering the upload).
    Row("checklist_template_import", ADMIN_ONLY, lambda w: ["branch"]),
    Row("checklist_import", A_REVIEWERS, lambda w: [w.branch_a.pk, 2026], label="A"),
    Row(
        "checklist_import",
        statuses(404, admin=200, wc_reviewer=200, officer_b=403),
        lambda w: [w.branch_b.pk, 2026],
        label="B",
    ),
    Row("checklist_export", A_BRANCH_VIEWERS, lambda w: [w.branch_a.pk, 2026], label="A"),
    Row("checklist_export", B_BRANCH_VIEWERS, lambda w: [w.branch_b.pk, 2026], label="B"),
    Row("checklist_import_template", ALL_IN),
]

ROWS += [*key_point_rows.ROWS, *assessment_rows.ROWS, *accountability_rows.ROWS]
ROWS += entry_review_rows.ROWS  # per-entry review (#20.2)
ROWS += attendance_rows.ROWS
ROWS += quality_permission_rows.ROWS
ROWS += personal_permission_rows.ROWS  # people's own duties (#19.1)

# The Django admin's own pages are checked through its index (staff only) and one changelist.
ADMIN_SITE_ROWS = [
    Row("admin:responsibility_organisation_changelist", statuses(302) | {"admin": 200}),
]


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                child = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                if child.startswith("admin:"):
                    continue
                walk(pattern.url_patterns, child)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns)
    return names


def test_it_has_a_row_for_every_url() -> None:
    covered = {row.name for row in ROWS}
    missing = all_url_names() - covered
    assert not missing, f"URLs without a permission-matrix row: {sorted(missing)}"


CASES = [
    pytest.param(
        row, persona, id=f"{row.name}{'[' + row.label + ']' if row.label else ''}-{persona}"
    )
    for row in ROWS + ADMIN_SITE_ROWS
    for persona in MATRIX_PERSONAS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_gives_each_persona_the_expected_status(
    row: Row, persona: str, active_world: World, as_user: Callable[..., Any]
) -> None:
    world = active_world
    client = as_user(matrix_persona(world, persona))
    url = reverse(row.name, args=row.args(world))
    response = getattr(client, row.method)(url, row.data)
    assert response.status_code == row.expected[persona], (
        f"{persona} {row.method.upper()} {url}: {response.status_code}"
    )
