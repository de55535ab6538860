"""Writes for responsibility lists: years, checklists, obligations, fill-in and evidence."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import dates, default_templates, files, periods, scope
from ..audit import audit_entry, audit_record_many
from ..errors import ServiceError
from ..models import (
    Checklist,
    ChecklistItem,
    Evidence,
    MeetingRecord,
    Obligation,
    Opinion,
    Organisation,
    TemplateItem,
    Tier,
    User,
    Year,
)
from ..models.checklists import Frequency, Group
from .organisations import ConcurrentEditError, audit_record, diff

BATCH_SIZE = 2000
CHECKLIST_CHUNK = 200  # checklists per generation round: bounds memory at province scale

# Detected type → the file-name extensions it may carry.
ALLOWED_EVIDENCE = {
    "application/pdf": {"pdf"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/png": {"png"},
    "image/gif": {"gif"},
    "image/webp": {"webp"},
    "image/bmp": {"bmp"},
    "application/msword": {"doc", "wps"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.ms-excel": {"xls", "et"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.ms-powerpoint": {"ppt", "dps"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {"pptx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
    "application/vnd.oasis.opendocument.presentation": {"odp"},
}


class EntryClosedError(ServiceError):
    pass


class EvidenceRejected(ServiceError):
    pass


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
    now = timezone.now()
    Checklist.objects.filter(year=year, locked_at__isnull=True).update(locked_at=now)
    created = obligations_generate(year=year)
    year.status = Year.Status.ACTIVE
    year.activated_at = now
    year.save(update_fields=["status", "activated_at"])
    audit_record(actor=actor, action="year.activate", obj=year, changes={"obligations": created})
    return created


@transaction.atomic
def year_close(*, actor: User | None, year: Year) -> Year:
    if year.status != Year.Status.ACTIVE:
        raise ServiceError(_("只有进行中的年度可以结束。"))
    year.status = Year.Status.CLOSED
    year.save(update_fields=["status"])
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
        existing: set[tuple[int, datetime.date, datetime.date]] = set(
            Obligation.objects.filter(year=year, organisation_id__in=organisation_ids)
            .order_by()
            .values_list("item_id", "period_start", "period_end")
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
        obligation.save(update_fields=["due_date"])


# --- checklist items ---------------------------------------------------------------------------


def _item_snapshot(item: ChecklistItem) -> dict[str, Any]:
    return {field: getattr(item, field) for field in ChecklistItem.EDITABLE_FIELDS}


def _check_item_editable(checklist: Checklist, actor: User) -> None:
    if checklist.year.is_closed:
        raise ServiceError(_("该年度已结束，清单只读。"))
    if checklist.is_locked and not scope.scope_for(actor).is_admin:
        raise ServiceError(_("年度已启动，清单已锁定；如需调整请联系管理员。"))


@transaction.atomic
def checklist_item_create(
    *,
    actor: User,
    checklist: Checklist,
    parent_item: ChecklistItem | None = None,
    **fields: Any,
) -> ChecklistItem:
    _check_item_editable(checklist, actor)
    if ChecklistItem.objects.filter(checklist=checklist, ref=fields["ref"]).exists():
        raise ServiceError(_("编号 %(ref)s 已存在。") % {"ref": fields["ref"]})
    item = ChecklistItem.objects.create(checklist=checklist, parent_item=parent_item, **fields)
    audit_record(
        actor=actor,
        action="checklist_item.create",
        obj=item,
        organisation=checklist.organisation,
        changes=diff({}, _item_snapshot(item)),
    )
    if checklist.is_locked:
        obligations_generate(year=checklist.year, checklist_ids=[checklist.pk])
    return item


@transaction.atomic
def checklist_item_update(
    *, actor: User, item: ChecklistItem, version: int, **fields: Any
) -> ChecklistItem:
    """Compare-and-swap update; regenerates obligations when the schedule changed."""
    checklist = item.checklist
    _check_item_editable(checklist, actor)
    before = _item_snapshot(item)
    if (
        "ref" in fields
        and fields["ref"] != item.ref
        and ChecklistItem.objects.filter(checklist=checklist, ref=fields["ref"]).exists()
    ):
        raise ServiceError(_("编号 %(ref)s 已存在。") % {"ref": fields["ref"]})
    updated = ChecklistItem.objects.filter(pk=item.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise ConcurrentEditError
    item.refresh_from_db()
    changes = diff(before, _item_snapshot(item))
    audit_record(
        actor=actor,
        action="checklist_item.update",
        obj=item,
        organisation=checklist.organisation,
        changes=changes,
    )
    if checklist.is_locked and {"frequency", "due_days"} & changes.keys():
        obligations_generate(year=checklist.year, checklist_ids=[checklist.pk])
        _refresh_due_dates(item)
    return item


# --- fill-in -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingInput:
    held_on: datetime.date
    topic: str
    expected_count: int
    attended_count: int
    minutes: str


def _obligation_snapshot(obligation: Obligation) -> dict[str, Any]:
    return {
        "status": obligation.status,
        "completed_on": obligation.completed_on,
        "description": obligation.description,
        "na_reason": obligation.na_reason,
        "is_late": obligation.is_late,
    }


@files.atomic()
def obligation_fill(
    *,
    actor: User,
    obligation: Obligation,
    version: int,
    status: str,
    completed_on: datetime.date | None,
    description: str,
    na_reason: str = "",
    meeting: MeetingInput | None = None,
    evidence: Iterable[Evidence] = (),
    uploads: Sequence[UploadedFile] = (),
    today: datetime.date | None = None,
) -> Obligation:
    """Record what was done. Refuses a stale version, a closed entry, or a meeting without quorum.

    A completion dated, or recorded, after the due date sets the permanent late mark
    (domain.md §5): supervision sees the record, so a back-dated entry is still late.
    `uploads` are stored as new evidence in the same transaction, once every refusal check has
    passed: a refused, conflicting or failed fill-in leaves no file and no evidence row behind
    (responsibility.files).
    """
    today = today or timezone.localdate()
    year = obligation.year
    if year.is_closed:
        raise EntryClosedError(_("该年度已结束，不能再填报。"))
    if not obligation.entry_open(year.entry_grace_days, today):
        raise EntryClosedError(
            _("填报已截止（截止日期加宽限期已过）。如需补报，请联系审核人重新开放。")
        )
    if status == Obligation.Status.DONE and completed_on is None:
        raise ServiceError(_("状态为已完成时必须填写完成日期。"))
    if status == Obligation.Status.NOT_APPLICABLE and not na_reason.strip():
        raise ServiceError(_("选择“不适用”时必须说明原因。"))
    if completed_on is not None:
        dates.check_completion(completed_on, year=year, today=today)
    if meeting is not None:
        dates.check_meeting_record(meeting.held_on, year=year, today=today)
    if (
        meeting is not None
        and status == Obligation.Status.DONE
        and not (meeting.attended_count * 2 > meeting.expected_count)
    ):
        raise ServiceError(_("实到人数未超过应到人数的一半，会议不符合法定人数要求。"))
    # Stored before the compare-and-swap, so the obligation's row is not locked while files are
    # written (to a bucket, this takes a while); a conflict rolls back and deletes them.
    attached = [
        evidence_upload(actor=actor, organisation=obligation.organisation, upload=upload)
        for upload in uploads
    ]

    before = _obligation_snapshot(obligation)
    if status != Obligation.Status.DONE:
        completed_on = None
    late = obligation.is_late or (
        status == Obligation.Status.DONE
        and completed_on is not None
        and (completed_on > obligation.due_date or today > obligation.due_date)
    )
    updated = Obligation.objects.filter(pk=obligation.pk, version=version).update(
        status=status,
        completed_on=completed_on,
        description=description,
        na_reason=na_reason if status == Obligation.Status.NOT_APPLICABLE else "",
        is_late=late,
        updated_by=actor,
        updated_at=timezone.now(),
        version=F("version") + 1,
    )
    if updated != 1:
        raise ConcurrentEditError
    obligation.refresh_from_db()
    changes = diff(before, _obligation_snapshot(obligation))
    if meeting is not None:
        record, created = MeetingRecord.objects.update_or_create(
            obligation=obligation,
            defaults={
                "held_on": meeting.held_on,
                "topic": meeting.topic,
                "expected_count": meeting.expected_count,
                "attended_count": meeting.attended_count,
                "minutes": meeting.minutes,
            },
        )
        changes["meeting"] = [
            None if created else "…",
            f"{record.held_on} {record.topic} {record.attended_count}/{record.expected_count}",
        ]
    attached += [e for e in evidence if e.organisation_id == obligation.organisation_id]
    if attached:
        obligation.evidence.add(*attached)
        changes["evidence"] = [None, [e.original_name for e in attached]]
    audit_record(
        actor=actor,
        action="obligation.fill",
        obj=obligation,
        organisation=obligation.organisation,
        changes=changes,
    )
    return obligation


@transaction.atomic
def obligation_reopen(
    *, actor: User, obligation: Obligation, reason: str, today: datetime.date | None = None
) -> Obligation:
    """A reviewer reopens entry after the deadline, for the year's grace period, with a reason."""
    if not reason.strip():
        raise ServiceError(_("重新开放填报必须说明原因。"))
    if obligation.year.is_closed:
        raise ServiceError(_("该年度已结束，不能重新开放。"))
    today = today or timezone.localdate()
    until = today + datetime.timedelta(days=max(obligation.year.entry_grace_days, 1))
    before = obligation.reopened_until
    Obligation.objects.filter(pk=obligation.pk).update(
        reopened_until=until, version=F("version") + 1
    )
    obligation.refresh_from_db()
    audit_record(
        actor=actor,
        action="obligation.reopen",
        obj=obligation,
        organisation=obligation.organisation,
        changes={
            "reopened_until": [str(before) if before else None, str(until)],
            "reason": [None, reason],  # [old, new] like every other change: pages show pairs
        },
    )
    return obligation


@transaction.atomic
def obligation_detach_evidence(*, actor: User, obligation: Obligation, evidence: Evidence) -> None:
    obligation.evidence.remove(evidence)
    audit_record(
        actor=actor,
        action="obligation.detach_evidence",
        obj=obligation,
        organisation=obligation.organisation,
        changes={"evidence": [evidence.original_name, None]},
    )


@files.atomic()
def occurrence_record(
    *,
    actor: User,
    item: ChecklistItem,
    held_on: datetime.date,
    description: str,
    uploads: Sequence[UploadedFile] = (),
    evidence: Iterable[Evidence] = (),
    today: datetime.date | None = None,
) -> Obligation:
    """Record one occurrence of an as-needed duty (适时、根据工作需要) as a done obligation dated
    the day it happened, with its evidence.

    Such an item has no scheduled obligations (periods.periods), so nothing is open for the
    reminders to chase; process scoring counts the recorded occurrences like any done
    obligation (evidence counts, a late mark cannot arise: it is due the day it happens), and
    an item with none recorded is left out of the score rather than counted as missed.
    """
    today = today or timezone.localdate()
    year = item.checklist.year
    if item.frequency != Frequency.AS_NEEDED:
        raise ServiceError(_("该事项按固定频次生成任务，请在对应的任务中填报。"))
    if year.status != Year.Status.ACTIVE:
        raise EntryClosedError(_("该年度未启动或已结束，不能记录。"))
    dates.check_completion(held_on, year=year, today=today, field="held_on")
    if not description.strip():
        raise ServiceError(_("请填写开展情况。"))
    if Obligation.objects.filter(item=item, period_start=held_on, period_end=held_on).exists():
        raise ServiceError(
            _("%(date)s 已记录过一次，请在该次记录中补充。") % {"date": held_on.isoformat()}
        )
    obligation = Obligation.objects.create(
        item=item,
        organisation=item.checklist.organisation,
        year=year,
        period_start=held_on,
        period_end=held_on,
        period_label=_("%(m)d月%(d)d日") % {"m": held_on.month, "d": held_on.day},
        due_date=held_on,
        status=Obligation.Status.DONE,
        completed_on=held_on,
        description=description,
        updated_by=actor,
    )
    attached = [
        evidence_upload(actor=actor, organisation=obligation.organisation, upload=upload)
        for upload in uploads
    ]
    attached += [e for e in evidence if e.organisation_id == obligation.organisation_id]
    if attached:
        obligation.evidence.add(*attached)
    audit_record(
        actor=actor,
        action="obligation.occurrence",
        obj=obligation,
        organisation=obligation.organisation,
        changes={
            "completed_on": [None, held_on.isoformat()],
            "description": [None, description],
            **({"evidence": [None, [e.original_name for e in attached]]} if attached else {}),
        },
    )
    return obligation


# --- evidence ----------------------------------------------------------------------------------


def evidence_check(upload: UploadedFile) -> str:
    """The detected content type, or EvidenceRejected with a reason a person can act on."""
    if upload.size == 0:
        raise EvidenceRejected(_("文件“%(name)s”是空文件。") % {"name": upload.name})
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise EvidenceRejected(
            _("文件“%(name)s”超过大小上限 %(mb)d MB。")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if kind is None or kind.mime not in ALLOWED_EVIDENCE:
        raise EvidenceRejected(
            _("文件“%(name)s”的内容不是允许的类型（PDF、图片、Office 文档）。")
            % {"name": upload.name}
        )
    if extension not in ALLOWED_EVIDENCE[kind.mime]:
        raise EvidenceRejected(
            _("文件“%(name)s”的扩展名与实际内容（%(kind)s）不符。")
            % {"name": upload.name, "kind": kind.extension}
        )
    return kind.mime


@files.atomic()
def evidence_upload(
    *,
    actor: User,
    organisation: Organisation,
    upload: UploadedFile,
    reviewers_only: bool = False,
) -> Evidence:
    """Store one file as evidence. Called inside the service that attaches it, so that a
    rollback there deletes the file too (responsibility.files). `reviewers_only` files are a
    reviewer's about the organisation: never offered to it for reuse, nor served to it."""
    content_type = evidence_check(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = PurePath(upload.name or "file").name[:255]
    evidence = Evidence(
        organisation=organisation,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        reviewers_only=reviewers_only,
    )
    # Stored under a neutral name; the original name is kept in the row and used on download.
    extension = PurePath(name).suffix.lower()
    files.save(evidence.file, f"{digest.hexdigest()[:16]}{extension}", upload)
    evidence.save()
    audit_record(
        actor=actor,
        action="evidence.upload",
        obj=evidence,
        organisation=organisation,
        changes={"name": name, "sha256": evidence.sha256, "size": evidence.size},
    )
    return evidence


# --- opinions ----------------------------------------------------------------------------------


@transaction.atomic
def opinion_submit(*, actor: User, organisation: Organisation, year: Year, content: str) -> Opinion:
    if year.is_closed:
        raise ServiceError(_("该年度已结束。"))
    if not content.strip():
        raise ServiceError(_("请填写意见建议内容。"))
    opinion = Opinion.objects.filter(organisation=organisation, year=year).first()
    before = opinion.content if opinion else None
    if opinion is not None and opinion.acknowledged_at is not None:
        raise ServiceError(_("意见建议已被机关党委签收，不能再修改。"))
    if opinion is None:
        opinion = Opinion.objects.create(
            organisation=organisation, year=year, content=content, submitted_by=actor
        )
    else:
        opinion.content = content
        opinion.submitted_by = actor
        opinion.submitted_at = timezone.now()
        opinion.save(update_fields=["content", "submitted_by", "submitted_at"])
    audit_record(
        actor=actor,
        action="opinion.submit",
        obj=opinion,
        organisation=organisation,
        changes={"content": [before, content]},
    )
    return opinion


@transaction.atomic
def opinion_acknowledge(*, actor: User, opinion: Opinion, reply: str) -> Opinion:
    if opinion.acknowledged_at is not None:
        raise ServiceError(_("该意见建议已签收。"))
    opinion.acknowledged_by = actor
    opinion.acknowledged_at = timezone.now()
    opinion.reply = reply
    opinion.save(update_fields=["acknowledged_by", "acknowledged_at", "reply"])
    audit_record(
        actor=actor,
        action="opinion.acknowledge",
        obj=opinion,
        organisation=opinion.organisation,
        changes={"reply": [None, reply]},
    )
    return opinion


# --- dispatched tasks (任务交办) ------------------------------------------------------------------

DISPATCH_POINTS = Decimal(2)


@transaction.atomic
def obligations_dispatch(
    *,
    actor: User,
    organisations: Iterable[Organisation],
    year: Year,
    ref: str,
    content: str,
    due_date: datetime.date,
    standard: str = "",
    points: Decimal = DISPATCH_POINTS,
) -> list[Obligation]:
    """Turn an ad-hoc task into a one-off item, with its one obligation, in each organisation's
    checklist: it is then filled in, reminded, scored and audited like every other duty."""
    if year.status != Year.Status.ACTIVE:
        raise ServiceError(_("只能向进行中的年度交办任务。"))
    if not year.start <= due_date <= year.end:
        raise ServiceError(_("截止日期须在本年度内。"))
    targets = list(organisations)
    if not targets:
        return []
    checklists = {
        c.organisation_id: c
        for c in Checklist.objects.filter(year=year, organisation__in=targets).select_related(
            "year", "organisation"
        )
    }
    missing = [o.name for o in targets if o.pk not in checklists]
    if missing:
        raise ServiceError(
            _("以下组织本年度没有责任清单，无法交办：%(names)s") % {"names": "、".join(missing)}
        )
    # Query budget flat in the number of organisations (tests/responsibility/test_dispatch.py):
    # one collision check, one INSERT of the items, one generation round (up to
    # CHECKLIST_CHUNK checklists), one read of the obligations and one INSERT of the audit.
    chosen = [checklists[o.pk] for o in targets]
    taken = set(
        ChecklistItem.objects.filter(checklist__in=chosen, ref=ref).values_list(
            "checklist_id", flat=True
        )
    )
    for organisation, checklist in zip(targets, chosen, strict=True):
        if checklist.pk in taken:
            raise ServiceError(
                _("%(org)s 的清单中已有编号 %(ref)s。") % {"org": organisation.name, "ref": ref}
            )
        taken.add(checklist.pk)  # an organisation chosen twice would collide with itself
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            checklist=checklist,
            ref=ref,
            group=Group.DISPATCHED,
            content=content,
            standard=standard,
            points=points,
            frequency=Frequency.ONCE,
            due_days=(due_date - year.start).days,
            sort_order=10_000,
        )
        for checklist in chosen
    )
    checklist_ids = [checklist.pk for checklist in chosen]
    obligations_generate(year=year, checklist_ids=checklist_ids)
    # Found through (checklist, ref), which is unique, rather than the new items' pks, so this
    # does not depend on the backend returning pks from a bulk INSERT.
    by_organisation = {
        obligation.organisation_id: obligation
        for obligation in Obligation.objects.filter(
            year=year, item__checklist_id__in=checklist_ids, item__ref=ref
        ).select_related("item")
    }
    created = [by_organisation[organisation.pk] for organisation in targets]
    audit_record_many(
        audit_entry(
            actor=actor,
            action="obligation.dispatch",
            obj=obligation,
            organisation=organisation,
            changes={"ref": ref, "content": content, "due_date": due_date.isoformat()},
        )
        for organisation, obligation in zip(targets, created, strict=True)
    )
    return created
