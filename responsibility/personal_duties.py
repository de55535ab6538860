"""The shipped default personal duties per tier and post (domain.md §8b): loading and checking
the data file, data/personal_duties.toml.

Migration 0022 keeps a frozen copy of what it shipped, so a change to the file reaches existing
databases only through a new data migration (tests/responsibility/test_personal_duties.py holds
the database to the file). Admins edit the templates in the admin (PersonalDutyTemplate)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from .model_fields import concrete_field
from .models import Frequency, PersonalDutyTemplate, Post, Tier
from .models.checklists import Group

DATA_FILE = Path(__file__).resolve().parent / "data" / "personal_duties.toml"

# What an entry may leave out, and what it then is.
DEFAULTS: dict[str, Any] = {"points": "1", "required_count": 1, "is_meeting": False}
REQUIRED = ("ref", "group", "content", "standard", "frequency", "due_days", "evidence", "source")
OPTIONAL = ("points", "required_count", "is_meeting", "deduction_rule")
# Scheduled frequencies only: a personal duty is chased, so never "as needed".
FREQUENCIES = {Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY, Frequency.MONTHLY}
TIERS = (Tier.Kind.PARTY_GROUP, Tier.Kind.ORGAN_COMMITTEE, Tier.Kind.BRANCH)

# tier kind → post kind → entries, as the file has them.
Templates = dict[str, dict[str, list[dict[str, Any]]]]


def load() -> Templates:
    with DATA_FILE.open("rb") as data:
        loaded: Templates = tomllib.load(data)
    return loaded


def entries(templates: Templates | None = None) -> list[dict[str, Any]]:
    """Every template as the model's values (with tier kind and post kind), in file order."""
    templates = load() if templates is None else templates
    rows = []
    for tier, posts in templates.items():
        for post_kind, items in posts.items():
            for order, item in enumerate(items, start=1):
                values = {**DEFAULTS, "deduction_rule": "", **item}
                values.update(
                    tier_kind=tier,
                    post_kind=post_kind,
                    responsible_post=post_kind,
                    sort_order=order * 10,
                )
                rows.append(values)
    return rows


def check(templates: Templates | None = None) -> None:
    """Raise ValueError if an entry is out of the vocabulary, over a limit, or duplicated."""
    templates = load() if templates is None else templates
    if set(templates) != set(TIERS):
        raise ValueError(f"unexpected tiers: {sorted(templates)}")
    posts = set(Post.OFFICER_KINDS)
    groups = set(Group.values)
    limits = {
        name: length
        for name in REQUIRED + OPTIONAL
        if (length := concrete_field(PersonalDutyTemplate, name).max_length)
    }
    seen: set[tuple[str, str, str]] = set()
    for tier, by_post in templates.items():
        if not set(by_post) <= posts:
            raise ValueError(f"{tier}: unknown posts {sorted(set(by_post) - posts)}")
        if "secretary" not in by_post:
            raise ValueError(f"{tier}: the secretary has no duties")
    for row in entries(templates):
        where = f"{row['tier_kind']} {row['post_kind']} {row['ref']}"
        extra = set(row) - set(REQUIRED) - set(OPTIONAL)
        extra -= {"tier_kind", "post_kind", "responsible_post", "sort_order"}
        if extra:
            raise ValueError(f"{where}: unknown fields {sorted(extra)}")
        for name in REQUIRED:
            if name not in row or (isinstance(row[name], str) and not row[name].strip()):
                raise ValueError(f"{where}: {name} is missing")
        key = (row["tier_kind"], row["post_kind"], row["ref"])
        if key in seen:
            raise ValueError(f"{where}: duplicate ref")
        seen.add(key)
        if row["group"] not in groups:
            raise ValueError(f"{where}: unknown group {row['group']!r}")
        if row["frequency"] not in FREQUENCIES:
            raise ValueError(f"{where}: frequency {row['frequency']!r} is not scheduled")
        if row["required_count"] < 1 or row["due_days"] < 0:
            raise ValueError(f"{where}: required_count >= 1 and due_days >= 0")
        for name, limit in limits.items():
            if len(str(row.get(name, ""))) > limit:
                raise ValueError(f"{where}: {name} longer than {limit} characters")
