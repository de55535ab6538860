"""A province-scale demo for the benchmark (bench/README.md): `seed_demo --scale province`.

One working committee, 100 units (each with its 党组, 机关党委 and 机关纪委), 2,800 branches,
30,000 people with posts, and this year's lists, activated, with fill-in, meeting records and
evidence metadata: 3,000 checklists, 65,600 items and 233,500 obligations with the default
templates (the issue guessed ~400,000; the templates decide the real number); and the
post-holders' own duties (个人履责, `personal`), filled in the same way, with their leaders'
分管 and 联系支部 links. The personas of the small demo keep their usernames and posts, so the
benchmark signs in as them.

`copies=K` (`seed_demo --scale province --multiplier K`, or `--scale 3x`/`10x`) builds K such
provinces side by side, each under its own working committee, for the benchmark's growth runs
(bench/README.md). The first copy is the province above, with the personas; copies 2…K have
the same shape (100 units, 2,800 branches, 30,000 people), codes prefixed `P02-`, `P03-`, …,
and generated people only. A persona's own organisations are therefore the same size at every
K, and the pages measure the same work while the database around them grows. With K = 1 the
seed is exactly the province it always was.

Every write is a bulk write: rows are built in Python and inserted with `bulk_create`, the
obligations come from the real `year_activate` service, and the fill-in is a handful of
set-based UPDATE/INSERT … SELECT statements. PostgreSQL only, and only into a database without
organisations: the bulk path skips the per-row services, so it must not mix with existing data.
The organisations and people are built in `tree`, the fill-in in `fill`.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from time import perf_counter

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from .. import services
from ..demo import DemoContext
from ..models import (
    Checklist,
    ChecklistItem,
    Evidence,
    LeaderLink,
    MeetingRecord,
    Obligation,
    Opinion,
    Organisation,
    PersonalDuty,
    PersonalObligation,
    Post,
    User,
)
from .fill import build_opinions, fill_in
from .personal import fill_personal
from .quality import make_realistic
from .tree import PROVINCE, ProvinceSize, build_people, build_tree, copy_prefix, root_key

__all__ = [
    "PROVINCE",
    "ProvinceContext",
    "ProvinceError",
    "ProvinceSize",
    "copy_prefix",
    "root_key",
    "seed_province",
    "vacuum_analyze",
]

Progress = Callable[[str], None]


class ProvinceError(Exception):
    """The database cannot take a province (not PostgreSQL, or not empty)."""


@dataclass
class ProvinceContext(DemoContext):
    """What the province seed built. `organisations` and `users` are the first copy's (the
    personas' province); `copies` tells each app's `seed_province` how many provinces the
    database holds, so it can fill every copy like the first."""

    copies: int = 1


def _log(progress: Progress | None, message: str, started: float) -> None:
    if progress is not None:
        progress(f"{message} ({perf_counter() - started:.1f} s)")


def _check_database() -> None:
    if connection.vendor != "postgresql":
        raise ProvinceError("The province seed needs PostgreSQL (DATABASE_URL=postgres://…).")
    count = Organisation.objects.count()
    if count:
        raise ProvinceError(
            f"The database already has {count} organisations; the province seed only writes "
            "into an empty one (it bulk-loads without the per-row services). Use a fresh "
            "database, e.g. `createdb zerenlian_bench` and `migrate`."
        )


VACUUM_TABLES: list[type[Model]] = [
    Organisation,
    User,
    Post,
    Checklist,
    ChecklistItem,
    Obligation,
    Obligation.evidence.through,
    Evidence,
    MeetingRecord,
    Opinion,
    PersonalDuty,
    PersonalObligation,
    PersonalObligation.evidence.through,
    LeaderLink,
]


def vacuum_analyze(tables: list[type[Model]]) -> bool:
    """VACUUM ANALYZE bulk-filled tables, so the planner sees their real sizes at once, as
    autovacuum would shortly after. Skipped inside a transaction (tests run in one)."""
    if connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return True


def seed_province(
    size: ProvinceSize = PROVINCE,
    *,
    copies: int = 1,
    today: datetime.date | None = None,
    progress: Progress | None = None,
) -> ProvinceContext:
    """Build `copies` provinces in one transaction (all or nothing), then VACUUM ANALYZE their
    tables so the planner sees the real sizes and no dead rows, as autovacuum would shortly
    after. The first copy is built exactly as a single province (same random draws, ids from
    the same sequences), so a 1× seed does not change with the multiplier's arrival."""
    if copies < 1:
        raise ProvinceError(f"copies must be 1 or more, not {copies}")
    today = today or timezone.localdate()
    _check_database()
    rng = random.Random(today.year)  # noqa: S311 - demo data, not security
    started = perf_counter()
    with transaction.atomic():
        orgs = build_tree(rng, size)
        _log(progress, f"organisations: {len(orgs)}", started)
        users, secretaries = build_people(rng, size, orgs)
        _log(progress, f"people: {size.people}", started)
        # Each later copy draws from its own generator: the first copy's draws stay as they were.
        more = []
        for copy in range(2, copies + 1):
            copy_rng = random.Random(today.year * 100 + copy)  # noqa: S311 - demo data
            copy_orgs = build_tree(copy_rng, size, copy)
            _copy_users, copy_secretaries = build_people(copy_rng, size, copy_orgs, copy)
            more.append((copy_orgs, copy_secretaries))
            _log(progress, f"copy {copy}: {len(copy_orgs)} organisations, people", started)
        admin = users["admin"]
        year = services.year_create(actor=admin, year=today.year)
        created = services.year_activate(actor=admin, year=year)
        _log(progress, f"year {year.year}: {created} obligations generated", started)
        fill_in(year, today)
        _log(progress, f"year {year.year}: filled in", started)
        # Records as quality flags meet them (issue #20.3). The flags themselves are the
        # nightly task's: computing them here would cost the seed about as much again
        # (bench/quality_flags.py computes and times them on the seeded province).
        make_realistic(year, today)
        _log(progress, f"year {year.year}: records made realistic", started)
        # People's own duties (#19.5): generated by year_activate, filled in here.
        fill_personal(year, today)
        _log(progress, f"year {year.year}: personal duties filled in", started)
        opinions = build_opinions(year, orgs, secretaries)
        for copy_orgs, copy_secretaries in more:
            opinions += build_opinions(year, copy_orgs, copy_secretaries)
        del more
        counts = {
            "organisations": Organisation.objects.count(),
            "users": User.objects.count(),
            "posts": Post.objects.count(),
            "checklists": Checklist.objects.filter(year=year).count(),
            "checklist_items": ChecklistItem.objects.filter(checklist__year=year).count(),
            "obligations": Obligation.objects.filter(year=year).count(),
            "evidence": Evidence.objects.count(),
            "meetings": MeetingRecord.objects.count(),
            "opinions": opinions,
            "personal_duties": PersonalDuty.objects.filter(year=year).count(),
            "personal_obligations": PersonalObligation.objects.filter(year=year).count(),
            "leader_links": LeaderLink.objects.count(),
        }
        if copies > 1:
            counts["provinces"] = copies
        services.audit_record(
            actor=admin, action="demo.seed_province", obj=year, changes={"counts": counts}
        )
    _log(progress, "committed", started)
    if vacuum_analyze(VACUUM_TABLES):
        _log(progress, "vacuum analyze", started)
    return ProvinceContext(organisations=orgs, users=users, year=year, counts=counts, copies=copies)
