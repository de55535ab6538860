"""The permission matrix: every URL × every persona gives the expected status.

A URL pattern without a row here fails `test_it_has_a_row_for_every_url`, so a new page cannot
ship without deciding who may open it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import PERSONAS, World

ALL_IN = {p: 200 for p in PERSONAS if p != "anonymous"} | {"anonymous": 302}
ADMIN_ONLY = dict.fromkeys(PERSONAS, 403) | {"admin": 200, "anonymous": 302}


def statuses(default: int, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(PERSONAS, default) | {"anonymous": anonymous}
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


# Organisation pages: the tree splits into unit A's and unit B's halves.
A_BRANCH_VIEWERS = statuses(
    404, admin=200, wc_reviewer=200, unit_a_reviewer=200, officer_a=200, liaison=200, member=200
)
B_BRANCH_VIEWERS = statuses(404, admin=200, wc_reviewer=200, officer_b=200)

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
        statuses(404, admin=200, wc_reviewer=200, unit_a_reviewer=200, liaison=200),
        lambda w: [w.organ_a.pk],
        label="organ committee A",
    ),
    Row(
        "organisation_detail",
        statuses(404, admin=200, wc_reviewer=200, liaison=200),
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
    Row("login", statuses(200, anonymous=200)),
    Row("logout", statuses(302, anonymous=302), method="post"),
    Row("password_change", ALL_IN),
    Row("password_change_done", ALL_IN),
    Row("set_language", statuses(302, anonymous=302), method="post", data={"language": "en"}),
    Row("admin:index", statuses(302) | {"admin": 200}),
]

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
    for persona in PERSONAS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "persona"), CASES)
def test_it_gives_each_persona_the_expected_status(
    row: Row, persona: str, world: World, as_user: Callable[..., Any]
) -> None:
    client = as_user(world.persona(persona))
    url = reverse(row.name, args=row.args(world))
    response = getattr(client, row.method)(url, row.data)
    assert response.status_code == row.expected[persona], (
        f"{persona} {row.method.upper()} {url}: {response.status_code}"
    )
