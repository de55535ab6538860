"""The province seed's fill-in: a year's obligations done, late, missing or in progress, with
meeting records and evidence, in a handful of set-based statements; and the branches' opinions."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from ..demo import DESCRIPTIONS
from ..models import (
    ChecklistItem,
    Evidence,
    MeetingRecord,
    Obligation,
    Opinion,
    Organisation,
    Post,
    Tier,
    User,
    Year,
)

# Small shared files that every evidence row points at: metadata rows, not 400k files.
SHARED_FILES = [
    ("evidence/demo/meeting-minutes.pdf", "会议记录.pdf", "application/pdf",
     b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    ("evidence/demo/sign-in-sheet.pdf", "签到表.pdf", "application/pdf",
     b"%PDF-1.4\n% sign-in\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    ("evidence/demo/photo.png", "活动照片.png", "image/png",
     bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 32),
]  # fmt: skip

# The fill-in (per mille of obligations, picked by a multiplicative hash of the id so a re-seed
# gives the same picture): past due → 6% missing, 1% not applicable, 10% done late, the rest on
# time; open now → 30% in progress, 15% already done; 80% of done ones carry one evidence file.
HASH = "((o.id * 2654435761) %% 1000)"


def _shared_files() -> list[tuple[str, str, str, int, str]]:
    """(path, original name, content type, size, sha256) of the shared evidence files."""
    files = []
    for path, original, content_type, data in SHARED_FILES:
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(data))
        files.append((path, original, content_type, len(data), hashlib.sha256(data).hexdigest()))
    return files


RECORDERS = f"""
    SELECT DISTINCT ON (organisation_id) organisation_id, user_id
    FROM {Post._meta.db_table} WHERE kind = 'secretary' ORDER BY organisation_id, id
"""  # noqa: S608 - table names come from model metadata


def fill_in(year: Year, today: datetime.date) -> None:
    """Realistic fill-in for one year (see HASH), set-based: five statements at any size.

    The organisation's secretary is recorded as the one who filled in and uploaded.
    """
    o = Obligation._meta.db_table
    descriptions = ", ".join(f"%(d{n})s" for n in range(len(DESCRIPTIONS)))
    params: dict[str, Any] = {
        "year": year.pk,
        "today": today,
        **{f"d{n}": text for n, text in enumerate(DESCRIPTIONS)},
    }
    files = _shared_files()
    for n, (path, name, content_type, size, sha256) in enumerate(files):
        params.update({f"path{n}": path, f"name{n}": name, f"type{n}": content_type})
        params.update({f"size{n}": size, f"sha{n}": sha256})
    file_rows = ", ".join(
        f"({n}, %(path{n})s, %(name{n})s, %(type{n})s, %(size{n})s::bigint, %(sha{n})s)"
        for n in range(len(files))
    )
    # Identifiers come from model metadata; every value is a parameter.
    statements = [
        # Past due: 6% left missing (red), 1% not applicable, 10% done late, the rest on time.
        f"""
        WITH r AS ({RECORDERS})
        UPDATE {o} AS o SET
            status = CASE WHEN {HASH} < 70 THEN 'not_applicable' ELSE 'done' END,
            na_reason = CASE WHEN {HASH} < 70
                        THEN '本期无此项工作安排，已报机关党委备案。' ELSE '' END,
            is_late = {HASH} >= 70 AND {HASH} < 170,
            completed_on = CASE
                WHEN {HASH} < 70 THEN NULL
                WHEN {HASH} < 170
                    THEN LEAST(o.due_date + (1 + o.id %% 12)::int, %(today)s::date)
                ELSE GREATEST(o.period_start, o.due_date - (1 + o.id %% 12)::int) END,
            description = CASE WHEN {HASH} < 70 THEN ''
                          ELSE (ARRAY[{descriptions}])[1 + o.id %% {len(DESCRIPTIONS)}] END,
            version = 2,
            updated_by_id = r.user_id,
            updated_at = (LEAST(o.due_date + (1 + o.id %% 12)::int, %(today)s::date)
                          + time '10:00') AT TIME ZONE 'Asia/Shanghai'
        FROM r
        WHERE r.organisation_id = o.organisation_id AND o.year_id = %(year)s
          AND o.due_date < %(today)s AND {HASH} >= 60
        """,  # noqa: S608
        # Open now: 30% in progress, 15% already done.
        f"""
        WITH r AS ({RECORDERS})
        UPDATE {o} AS o SET
            status = CASE WHEN {HASH} < 300 THEN 'in_progress' ELSE 'done' END,
            description = CASE WHEN {HASH} < 300 THEN '正在组织实施。'
                          ELSE '已按计划完成，材料已归档。' END,
            completed_on = CASE WHEN {HASH} < 300 THEN NULL
                           ELSE GREATEST(o.period_start, %(today)s::date - (o.id %% 5)::int) END,
            version = 2,
            updated_by_id = r.user_id,
            updated_at = (%(today)s::date + time '09:00') AT TIME ZONE 'Asia/Shanghai'
        FROM r
        WHERE r.organisation_id = o.organisation_id AND o.year_id = %(year)s
          AND o.due_date >= %(today)s AND o.period_start <= %(today)s AND {HASH} < 450
        """,  # noqa: S608
        # Every meeting done has its record, with a quorum.
        f"""
        INSERT INTO {MeetingRecord._meta.db_table}
            (obligation_id, held_on, topic, expected_count, attended_count, minutes)
        SELECT o.id, o.completed_on, o.period_label || LEFT(i.content, 20),
               8 + o.id %% 18,
               (8 + o.id %% 18) / 2 + 1 + o.id %% ((8 + o.id %% 18) - (8 + o.id %% 18) / 2),
               '会议由书记主持，传达学习上级文件精神，讨论本期重点工作。'
        FROM {o} o JOIN {ChecklistItem._meta.db_table} i ON i.id = o.item_id
        WHERE o.year_id = %(year)s AND o.status = 'done' AND i.is_meeting
        """,  # noqa: S608
        # 80% of done obligations carry one evidence row, pointing at a shared file.
        f"""
        WITH files (pick, path, name, content_type, size, sha256) AS (VALUES {file_rows}),
        src AS MATERIALIZED (
            SELECT o.id AS obligation_id, o.organisation_id, o.updated_by_id, o.updated_at,
                   o.period_label, o.id %% {len(files)} AS pick,
                   nextval(pg_get_serial_sequence('{Evidence._meta.db_table}', 'id'))
                       AS evidence_id
            FROM {o} o
            WHERE o.year_id = %(year)s AND o.status = 'done' AND o.id %% 10 < 8
        ),
        evidence AS (
            INSERT INTO {Evidence._meta.db_table} (id, organisation_id, file, original_name,
                content_type, size, sha256, uploaded_by_id, uploaded_at, reviewers_only)
            SELECT src.evidence_id, src.organisation_id, f.path, src.period_label || f.name,
                   f.content_type, f.size, f.sha256, src.updated_by_id, src.updated_at, FALSE
            FROM src JOIN files f ON f.pick = src.pick
        )
        INSERT INTO {Obligation.evidence.through._meta.db_table} (obligation_id, evidence_id)
        SELECT obligation_id, evidence_id FROM src
        """,  # noqa: S608
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)


def build_opinions(year: Year, orgs: dict[str, Organisation], secretaries: dict[int, User]) -> int:
    """Two branches in three have sent their annual opinions to the 机关党委."""
    branches = [o for o in orgs.values() if o.tier.kind == Tier.Kind.BRANCH]
    opinions = [
        Opinion(
            organisation=branch,
            year=year,
            content="建议机关党委加强对支部“三会一课”的指导，组织支部书记专题培训；"
            "建议将党建与业务融合典型案例汇编推广。",
            submitted_by=secretaries.get(branch.pk),
        )
        for index, branch in enumerate(branches)
        if index % 3 != 2
    ]
    Opinion.objects.bulk_create(opinions, batch_size=2000)
    return len(opinions)
