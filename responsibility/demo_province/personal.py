"""The province seed's people's own duties (个人履责, issue #19.5): the post-holders' duties and
obligations came with the year (`year_activate` copies the shipped templates to every holder,
in bulk); here they are filled in like the organisations' (`fill`), the 机关党委 members' division
of work is recorded, and each 党组 member gets a 联系支部 (and the members a 分管 department) in
their unit. Set-based statements only, the same number at any size and for every copy."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection

from ..models import (
    Evidence,
    LeaderLink,
    Organisation,
    PersonalObligation,
    Post,
    Tier,
    Year,
)
from .fill import _shared_files
from .tree import DEPARTMENTS

# Per mille of personal obligations, by a multiplicative hash of the id (a re-seed gives the same
# picture): past due → 5% left undone (overdue), 12% done late, the rest on time; open now →
# 25% in progress, 20% already done; 70% of done ones carry one evidence file.
HASH = "((p.id * 2654435761) %% 1000)"
DESCRIPTIONS = [
    "按计划完成，已形成书面记录。",
    "深入所联系支部开展调研，听取意见建议并提出指导意见。",
    "结合分管工作开展，情况已在班子会上通报。",
    "带头讲授专题党课，围绕党建与业务融合进行交流。",
]
# 机关党委 members' division of work (分工), in post order within the committee.
ORGAN_DIVISIONS = ["组织", "宣传", "纪检", "统战群团", "青年工作"]


def fill_personal(year: Year, today: datetime.date) -> None:
    """Fill in the year's personal obligations, record divisions and leader links. Each
    statement covers every copy of the province at once."""
    p = PersonalObligation._meta.db_table
    post, org, tier = Post._meta.db_table, Organisation._meta.db_table, Tier._meta.db_table
    link = LeaderLink._meta.db_table
    texts = ", ".join(f"%(d{n})s" for n in range(len(DESCRIPTIONS)))
    params: dict[str, Any] = {
        "year": year.pk,
        "today": today,
        "start": datetime.date(year.year, 1, 1),
        "departments": DEPARTMENTS,
        "divisions": ORGAN_DIVISIONS,
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
    leaders = f"""
        SELECT po.user_id, po.kind, o.unit_id,
               row_number() OVER (PARTITION BY po.organisation_id ORDER BY po.id) AS n
        FROM {post} po JOIN {org} o ON o.id = po.organisation_id
        JOIN {tier} t ON t.id = o.tier_id
        WHERE t.kind = 'party_group' AND po.end_date IS NULL
          AND po.kind IN ('secretary', 'deputy_secretary', 'committee_member')
    """  # noqa: S608 - table names come from model metadata
    branches = f"""
        SELECT b.id, b.unit_id,
               row_number() OVER (PARTITION BY b.unit_id ORDER BY b.sort_order, b.id) AS n,
               count(*) OVER (PARTITION BY b.unit_id) AS total
        FROM {org} b JOIN {tier} t ON t.id = b.tier_id WHERE t.kind = 'branch'
    """  # noqa: S608
    statements = [
        # Past due: 5% left undone (overdue), 12% done late, the rest on time.
        f"""
        UPDATE {p} AS p SET
            status = 'done',
            is_late = {HASH} < 170,
            completed_on = CASE WHEN {HASH} < 170
                    THEN LEAST(p.due_date + (1 + p.id %% 10)::int, %(today)s::date)
                ELSE GREATEST(p.period_start, p.due_date - (1 + p.id %% 12)::int) END,
            description = (ARRAY[{texts}])[1 + p.id %% {len(DESCRIPTIONS)}],
            version = 2,
            updated_by_id = p.person_id,
            updated_at = (LEAST(p.due_date + (1 + p.id %% 10)::int, %(today)s::date)
                          + time '10:00') AT TIME ZONE 'Asia/Shanghai'
        WHERE p.year_id = %(year)s AND p.due_date < %(today)s AND {HASH} >= 50
        """,  # noqa: S608
        # Open now: 25% in progress, 20% already done.
        f"""
        UPDATE {p} AS p SET
            status = CASE WHEN {HASH} < 250 THEN 'in_progress' ELSE 'done' END,
            description = CASE WHEN {HASH} < 250 THEN '正在推进，已列入本期工作安排。'
                          ELSE '已按计划完成，材料已归档。' END,
            completed_on = CASE WHEN {HASH} < 250 THEN NULL
                           ELSE GREATEST(p.period_start, %(today)s::date - (p.id %% 5)::int) END,
            version = 2,
            updated_by_id = p.person_id,
            updated_at = (%(today)s::date + time '09:00') AT TIME ZONE 'Asia/Shanghai'
        WHERE p.year_id = %(year)s AND p.due_date >= %(today)s
          AND p.period_start <= %(today)s AND {HASH} < 450
        """,  # noqa: S608
        # 70% of done ones carry one evidence row, pointing at a shared file.
        f"""
        WITH files (pick, path, name, content_type, size, sha256) AS (VALUES {file_rows}),
        src AS MATERIALIZED (
            SELECT p.id AS obligation_id, p.organisation_id, p.person_id, p.updated_at,
                   p.period_label, p.id %% {len(files)} AS pick,
                   nextval(pg_get_serial_sequence('{Evidence._meta.db_table}', 'id'))
                       AS evidence_id
            FROM {p} p
            WHERE p.year_id = %(year)s AND p.status = 'done' AND p.id %% 10 < 7
        ),
        evidence AS (
            INSERT INTO {Evidence._meta.db_table} (id, organisation_id, file, original_name,
                content_type, size, sha256, uploaded_by_id, uploaded_at, reviewers_only)
            SELECT src.evidence_id, src.organisation_id, f.path, src.period_label || f.name,
                   f.content_type, f.size, f.sha256, src.person_id, src.updated_at, FALSE
            FROM src JOIN files f ON f.pick = src.pick
        )
        INSERT INTO {PersonalObligation.evidence.through._meta.db_table}
            (personalobligation_id, evidence_id)
        SELECT obligation_id, evidence_id FROM src
        """,  # noqa: S608
        # The 机关党委's division of work among its secretary, deputies and members.
        f"""
        WITH ranked AS (
            SELECT po.id, po.kind,
                   row_number() OVER (PARTITION BY po.organisation_id, po.kind
                                      ORDER BY po.id) AS n
            FROM {post} po JOIN {org} o ON o.id = po.organisation_id
            JOIN {tier} t ON t.id = o.tier_id
            WHERE t.kind = 'organ_committee' AND po.division = ''
              AND po.kind IN ('secretary', 'deputy_secretary', 'committee_member')
        )
        UPDATE {post} po SET division = CASE ranked.kind
            WHEN 'secretary' THEN '全面工作'
            WHEN 'deputy_secretary' THEN '组织'
            ELSE (%(divisions)s::text[])[1 + (ranked.n - 1) %% {len(ORGAN_DIVISIONS)}] END
        FROM ranked WHERE ranked.id = po.id
        """,  # noqa: S608
        # Every 党组 leader 联系 one branch of their unit, spread over its branches.
        f"""
        WITH leaders AS ({leaders}), branches AS ({branches})
        INSERT INTO {link} (person_id, kind, organisation_id, department, start_date,
                            end_date, version)
        SELECT l.user_id, 'contact', b.id, '', %(start)s, NULL, 1
        FROM leaders l JOIN branches b
          ON b.unit_id = l.unit_id AND b.n = 1 + (l.n - 1) %% b.total
        """,  # noqa: S608
        # Every 党组 member other than the secretary 分管 a department (一岗双责), its branch.
        f"""
        WITH leaders AS ({leaders}), branches AS ({branches})
        INSERT INTO {link} (person_id, kind, organisation_id, department, start_date,
                            end_date, version)
        SELECT l.user_id, 'in_charge', b.id,
               (%(departments)s::text[])[1 + (l.n + l.unit_id) %% {len(DEPARTMENTS)}],
               %(start)s, NULL, 1
        FROM leaders l JOIN branches b
          ON b.unit_id = l.unit_id AND b.n = 1 + (l.n + b.total / 2) %% b.total
        WHERE l.kind <> 'secretary'
        """,  # noqa: S608
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, params)
