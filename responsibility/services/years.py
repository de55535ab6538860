"""Writes of the year's life: the shipped templates, a year's creation, activation and
close, its checklists and the generation of their obligations.

Higher apps give a new year what they own (assessment: its scheme) through `register`, called
from their AppConfig.ready: this app never imports them (the same pattern as
responsibility.handovers and responsibility.health.register). Hooks run inside the creating
transaction, so a year never exists without them.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import default_templates, periods, work_versions
from ..errors import ServiceError
from ..models import (
    Checklist,
    ChecklistItem,
    Obligation,
    Organisation,
    TemplateItem,
    Tier,
    User,
    Year,
)
from .organisations import audit_record
from .personal import personal_duties_create

BATCH_SIZE = 2000
CHECKLIST_CHUNK = 200  # checklists per generation round: bounds memory at province scale

# What a higher app adds to a new year: services called as hook(actor=..., year=...) inside the
# transaction that creates (or activates) the year, so they must be idempotent.
YEAR_HOOKS: list[Callable[..., object]] = []


def register(hook: Callable[..., object]) -> None:
    if hook not in YEAR_HOOKS:
        YEAR_HOOKS.append(hook)


def _run_year_hooks(year: Year, actor: User | None) -> None:
    for hook in YEAR_HOOKS:
        hook(actor=actor, year=year)


# --- templates -------------------------------------------------------------------------------


@transaction.atomic
def default_templates_load(*, actor: User | None) -> int:
    """Create or refresh the shipped template items of every tier; returns items written."""
    tiers = Tier.objects.in_bulk(field_name="kind")
    written = 0
    for kind, items in default_templates.load().items():
        tier = tiers.get(kind)
        if tier is None:
            continue
        for order, item in enumerate(items, start=1):
            values: dict[str, Any] = {field: item[field] for field in default_templates.FIELDS}  # type: ignore[literal-required]
            values["points"] = Decimal(item["points"])
            values["sort_order"] = order * 10
            TemplateItem.objects.update_or_create(tier=tier, ref=item["ref"], defaults=values)
            written += 1
    if actor is not None:
        audit_record(actor=actor, action="template.load_defaults", obj=tiers[next(iter(tiers))])
    return written


# --- years and checklists ----------------------------------------------------------------------


@transaction.atomic
def year_create(*, actor: User | None, year: int, entry_grace_days: int = 5) -> Year:
    created = Year.objects.create(year=year, entry_grace_days=entry_grace_days)
    audit_record(actor=actor, action="year.create", obj=created, changes={"year": year})
    _run_year_hooks(created, actor)
    # Each leader's duties exist from the start, to be adjusted before the year starts.
    personal_duties_create(actor=actor, year=created)
    return created


def _checklist_organisations(organisations: Iterable[Organisation] | None) -> list[Organisation]:
    queryset = Organisation.objects.filter(is_active=True, tier__has_checklist=True)
    if organisations is not None:
        queryset = queryset.filter(pk__in=[o.pk for o in organisations])
    return list(queryset.select_related("tier").order_by("path"))


def _template_items_by_tier() -> dict[int, list[TemplateItem]]:
    by_tier: dict[int, list[TemplateItem]] = {}
    for item in TemplateItem.objects.filter(is_active=True).order_by("sort_order", "ref"):
        by_tier.setdefault(item.tier_id, []).append(item)
    return by_tier


@transaction.atomic
def checklists_create(
    *, actor: User | None, year: Year, organisations: Iterable[Organisation] | None = None
) -> int:
    """Give every organisation with a checklist tier its list for `year` from the template.

    Existing checklists are left alone, so running it again creates only what is missing.
    """
    if year.is_closed:
        raise ServiceError(_("该年度已结束，不能再生成责任清单。"))
    candidates = _checklist_organisations(organisations)
    existing = set(
        Checklist.objects.filter(year=year, organisation__in=candidates).values_list(
            "organisation_id", flat=True
        )
    )
    missing = [o for o in candidates if o.pk not in existing]
    work_versions.bump(Checklist)
    checklists = Checklist.objects.bulk_create(
        [Checklist(organisation=o, year=year) for o in missing], batch_size=BATCH_SIZE
    )
    templates = _template_items_by_tier()
    items: list[ChecklistItem] = []
    for organisation, checklist in zip(missing, checklists, strict=True):
        for template in templates.get(organisation.tier_id, []):
            items.append(
                ChecklistItem(
                    checklist=checklist,
                    template_item=template,
                    **{field: getattr(template, field) for field in ChecklistItem.EDITABLE_FIELDS},
                )
            )
        if len(items) >= BATCH_SIZE:
            ChecklistItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
            items = []
    ChecklistItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
    if missing:
        audit_record(
            actor=actor,
            action="checklists.create",
            obj=year,
            changes={"count": len(missing)},
        )
    return len(missing)


@transaction.atomic
def year_activate(*, actor: User | None, year: Year) -> int:
    """Start the year: create missing checklists, lock them, generate every obligation."""
    if year.status != Year.Status.PLANNING:
        raise ServiceError(_("只有筹备中的年度可以启动。"))
    checklists_create(actor=actor, year=year)
    _run_year_hooks(year, actor)  # idempotent; covers a year made before a hook existed
    now = timezone.now()
    Checklist.objects.filter(year=year, locked_at__isnull=True).update(locked_at=now)
    created = obligations_generate(year=year)
    year.status = Year.Status.ACTIVE
    year.activated_at = now
    year.save(update_fields=["status", "activated_at"])
    work_versions.bump(Year)
    # The holders of posts with personal duties: theirs (if missing) and their obligations.
    personal_duties_create(actor=actor, year=year)
    audit_record(actor=actor, action="year.activate", obj=year, changes={"obligations": created})
    return created


@transaction.atomic
def year_close(*, actor: User | None, year: Year) -> Year:
    if year.status != Year.Status.ACTIVE:
        raise ServiceError(_("只有进行中的年度可以结束。"))
    year.status = Year.Status.CLOSED
    year.save(update_fields=["status"])
    work_versions.bump(Year)
    audit_record(actor=actor, action="year.close", obj=year)
    return year


# --- obligations -------------------------------------------------------------------------------


def obligations_generate(*, year: Year, checklist_ids: Iterable[int] | None = None) -> int:
    """Create each item's obligations for the year; safe to run again after items change.

    Existing obligations are never touched, so no fill-in is lost; the unique constraint on
    (item, period) makes a second run create nothing. Obligations whose period no longer
    exists (an item's frequency changed) are deleted only if nobody has touched them.
    Works in chunks of checklists, and each chunk's rows are built by the database (see
    `_insert_obligations`), so time and memory stay flat at province scale.
    """
    checklists = Checklist.objects.filter(year=year)
    if checklist_ids is not None:
        checklists = checklists.filter(pk__in=list(checklist_ids))
    # (checklist, organisation) pairs: obligations carry the organisation, so the lookups
    # below use obl_org_year_due_idx instead of joining items (a full scan at province scale).
    pairs = list(checklists.order_by("pk").values_list("pk", "organisation_id"))
    period_cache: dict[str, list[periods.Period]] = {}

    def year_periods(frequency: str) -> list[periods.Period]:
        if frequency not in period_cache:
            period_cache[frequency] = periods.periods(frequency, year.year)
        return period_cache[frequency]

    # A year's first generation (its start, for every checklist) has nothing to keep or
    # retire: skip the lookup.
    # Each chunk's lookup also found the rows the chunks before it had just inserted, read
    # through the year index with the statistics of an empty year: at three provinces it grew
    # to ~190 ms a chunk (6.4 s of 52.6 s, exponent 1.3 from one province; #22).
    fresh = checklist_ids is None and not Obligation.objects.filter(year=year).exists()
    created = 0
    for first in range(0, len(pairs), CHECKLIST_CHUNK):
        chunk = [pk for pk, _ in pairs[first : first + CHECKLIST_CHUNK]]
        organisation_ids = [org for _, org in pairs[first : first + CHECKLIST_CHUNK]]
        schedules = set(
            ChecklistItem.objects.filter(checklist_id__in=chunk)
            .order_by()
            .values_list("frequency", "due_days")
            .distinct()
        )
        rows = [
            (frequency, due_days, p.start, p.end, p.label, periods.due_date(frequency, p, due_days))
            for frequency, due_days in sorted(schedules)
            for p in year_periods(frequency)
        ]
        existing: set[tuple[int, datetime.date, datetime.date]] = (
            set()
            if fresh
            else set(
                Obligation.objects.filter(year=year, organisation_id__in=organisation_ids)
                .order_by()
                .values_list("item_id", "period_start", "period_end")
            )
        )
        obsolete: set[tuple[int, datetime.date, datetime.date]] = set()
        if existing:
            item_frequency = dict(
                ChecklistItem.objects.filter(checklist_id__in=chunk)
                .order_by()
                .values_list("pk", "frequency")
            )
            valid = {
                (item_id, p.start, p.end)
                for item_id, frequency in item_frequency.items()
                for p in year_periods(frequency)
            }
            obsolete = existing - valid
        with transaction.atomic():
            created += _insert_obligations(year, chunk, rows)
            if obsolete:
                _delete_untouched(obsolete)
    return created


# One row per (frequency, due_days, period) that a chunk's items need.
_PERIOD_COLUMNS = (
    "frequency",
    "due_days",
    "period_start",
    "period_end",
    "period_label",
    "due_date",
)


def _insert_obligations(year: Year, checklist_ids: list[int], rows: list[tuple[Any, ...]]) -> int:
    """INSERT … SELECT of every item × its periods, skipping those that exist: one statement.

    bulk_create built 233,500 model instances for a province (~29 s, ~190 MB peak); here the
    database joins the items with a small table of periods whose dates and labels Python
    computed (periods.py stays the only place the rules live), so Python holds no rows.
    Columns the join does not supply get the model's defaults, read from the fields.
    """
    if not rows:
        return 0
    ops = connection.ops
    table = ops.quote_name(Obligation._meta.db_table)
    supplied = {
        "item": "i.id",
        "organisation": "c.organisation_id",
        "year": "%s",
        "assignee": "i.assignee_id",  # an item assigned for the year (services.assignees)
        **{name: f"p.{name}" for name in _PERIOD_COLUMNS[2:]},
    }
    now = timezone.now()
    columns: list[str] = []
    expressions: list[str] = []
    defaults: list[Any] = []
    for field in Obligation._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.name in supplied:
            columns.append(ops.quote_name(field.column))
            expressions.append(supplied[field.name])
            if field.name == "year":
                defaults.append(year.pk)
            continue
        auto_now = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        value = field.get_db_prep_save(now if auto_now else field.get_default(), connection)
        if value is None:
            continue  # NULL by omission
        columns.append(ops.quote_name(field.column))
        expressions.append("%s")
        defaults.append(value)
    limit = connection.features.max_query_params or 10**9
    per_batch = max((limit - len(checklist_ids) - len(defaults)) // len(_PERIOD_COLUMNS), 1)
    created = 0
    with connection.cursor() as cursor:
        for first in range(0, len(rows), per_batch):
            batch = rows[first : first + per_batch]
            values = ", ".join(["(" + ", ".join(["%s"] * len(_PERIOD_COLUMNS)) + ")"] * len(batch))
            placeholders = ", ".join(["%s"] * len(checklist_ids))
            # Identifiers come from model metadata; every value is a parameter.
            sql = (
                f"WITH p ({', '.join(_PERIOD_COLUMNS)}) AS (VALUES {values}) "  # noqa: S608
                f"{ops.insert_statement(on_conflict=OnConflict.IGNORE)} {table} "
                f"({', '.join(columns)}) "
                f"SELECT {', '.join(expressions)} "
                f"FROM {ops.quote_name(ChecklistItem._meta.db_table)} i "
                f"JOIN {ops.quote_name(Checklist._meta.db_table)} c ON c.id = i.checklist_id "
                "JOIN p ON p.frequency = i.frequency AND p.due_days = i.due_days "
                f"WHERE i.checklist_id IN ({placeholders}) "
                "ORDER BY i.checklist_id, i.sort_order, i.ref, i.id, p.period_start "
                f"{ops.on_conflict_suffix_sql([], OnConflict.IGNORE, None, None)}"
            )
            params = [value for row in batch for value in row] + defaults + checklist_ids
            cursor.execute(sql, params)
            created += max(cursor.rowcount, 0)
    return created


def _delete_untouched(keys: set[tuple[int, datetime.date, datetime.date]]) -> None:
    condition = Q(pk__in=[])
    for item_id, start, end in keys:
        condition |= Q(item_id=item_id, period_start=start, period_end=end)
    Obligation.objects.filter(condition, status=Obligation.Status.NOT_STARTED, version=1).filter(
        evidence__isnull=True
    ).delete()


def _refresh_due_dates(item: ChecklistItem) -> None:
    """After a due rule changes, open obligations follow it; closed ones keep their history."""
    for obligation in item.obligations.exclude(
        status__in=[Obligation.Status.DONE, Obligation.Status.NOT_APPLICABLE]
    ):
        period = periods.Period(obligation.period_start, obligation.period_end, "")
        obligation.due_date = periods.due_date(item.frequency, period, item.due_days)
        due = obligation.assignee_due_date
        # The assignee's own date never lies after the due date (a constraint): it follows.
        obligation.assignee_due_date = min(due, obligation.due_date) if due else None
        obligation.save(update_fields=["due_date", "assignee_due_date"])
