"""A province-scale demo for the benchmark (bench/README.md): `seed_demo --scale province`.

One working committee, 100 units (each with its 党组, 机关党委 and 机关纪委), 2,800 branches,
30,000 people with posts, and this year's lists, activated, with fill-in, meeting records and
evidence metadata: 3,000 checklists, 65,600 items and 233,500 obligations with the default
templates (the issue guessed ~400,000; the templates decide the real number). The personas
of the small demo keep their usernames and posts, so the benchmark signs in as them.

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
"""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from . import services
from .demo import COMMITTEE, DEMO_PASSWORD, DESCRIPTIONS, PEOPLE, UNITS, DemoContext
from .models import (
    Checklist,
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

Progress = Callable[[str], None]


class ProvinceError(Exception):
    """The database cannot take a province (not PostgreSQL, or not empty)."""


@dataclass(frozen=True)
class ProvinceSize:
    units: int = 100
    branches: int = 2_800
    people: int = 30_000


PROVINCE = ProvinceSize()


@dataclass
class ProvinceContext(DemoContext):
    """What the province seed built. `organisations` and `users` are the first copy's (the
    personas' province); `copies` tells each app's `seed_province` how many provinces the
    database holds, so it can fill every copy like the first."""

    copies: int = 1


def copy_prefix(copy: int) -> str:
    """Organisation-code and username prefix of a copy: "" for the first, "P02-" … after."""
    return "" if copy == 1 else f"P{copy:02d}-"


def root_key(path: str) -> str:
    """The working committee a path lies under ("/17/40/" → "17"): one per copy."""
    return path.split("/", 2)[1]


UNIT_NAMES = [
    "省发展和改革委员会", "省工业和信息化厅", "省公安厅", "省民政厅", "省司法厅",
    "省人力资源和社会保障厅", "省自然资源厅", "省生态环境厅", "省住房和城乡建设厅", "省水利厅",
    "省农业农村厅", "省商务厅", "省文化和旅游厅", "省卫生健康委员会", "省退役军人事务厅",
    "省应急管理厅", "省审计厅", "省市场监督管理局", "省广播电视局", "省体育局", "省统计局",
    "省医疗保障局", "省林业局", "省机关事务管理局", "省信访局", "省粮食和物资储备局",
    "省药品监督管理局", "省知识产权局", "省地方金融管理局", "省乡村振兴局", "省科学技术厅",
    "省民族宗教事务委员会", "省外事办公室", "省国有资产监督管理委员会", "省政务服务管理局",
    "省大数据管理局", "省人民防空办公室", "省档案局", "省地方志办公室", "省供销合作社",
    "省总工会机关", "团省委机关", "省妇联机关", "省科协机关", "省文联机关", "省作协机关",
    "省侨联机关", "省残联机关", "省红十字会机关", "省社会科学院", "省农业科学院",
    "省委党校", "省委宣传部", "省委组织部", "省委统战部", "省委政法委员会", "省委政策研究室",
    "省委网信办", "省委编办", "省委老干部局", "省委机要保密局", "省委台办", "省人大常委会机关",
    "省政协机关", "省高级人民法院", "省人民检察院", "省纪委监委机关", "省委办公厅",
    "省政府办公厅", "省政府研究室", "省政府参事室", "省能源局", "省交通运输执法总队",
    "省海事局", "省邮政管理局", "省气象局", "省地震局", "省通信管理局", "省税务局机关",
    "省烟草专卖局", "省测绘地理信息局", "省地质勘查局", "省煤田地质局", "省水文水资源局",
    "省公共资源交易中心", "省社会保险事业管理局", "省住房公积金管理中心", "省疾病预防控制中心",
    "省血液中心", "省图书馆", "省博物馆", "省文化馆", "省广播电视台", "省日报社",
    "省出版集团机关", "省建设投资集团机关", "省交通投资集团机关", "省能源集团机关",
]  # fmt: skip
DEPARTMENTS = [
    "办公室", "政策法规处", "人事处", "财务处", "规划处", "综合处", "机关服务中心",
    "离退休干部处", "信息中心", "督查室", "研究室", "法规处", "审批处", "监督处", "宣传处",
    "科技处", "对外合作处", "安全处", "统计处", "执法监督处", "培训中心", "档案室",
    "后勤服务中心", "政务服务处", "应急管理处", "基建处", "审计处", "资产管理处", "机要室",
    "信访处", "考核评价处", "直属分局", "事务中心", "研究院", "监测站",
]  # fmt: skip
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"  # noqa: E501
GIVEN = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀英", "华", "慧", "建国", "建华", "志强", "海燕", "红梅", "文", "斌", "宇",
    "浩", "凯", "婷", "雪", "琳", "晨", "阳", "鹏", "飞", "欣", "怡", "佳", "立新", "卫东",
    "晓东", "晓燕", "春梅", "国庆", "丹", "璐", "博", "昊",
]  # fmt: skip

# Posts each organisation gets, by tier; the rest of the people are branch members.
TIER_POSTS: dict[str, Sequence[str]] = {
    Tier.Kind.COMMITTEE: [Post.Kind.SECRETARY, Post.Kind.DEPUTY_SECRETARY]
    + [Post.Kind.COMMITTEE_MEMBER] * 4
    + [Post.Kind.CADRE_FULL_TIME] * 12,
    Tier.Kind.PARTY_GROUP: [Post.Kind.SECRETARY] + [Post.Kind.COMMITTEE_MEMBER] * 5,
    Tier.Kind.ORGAN_COMMITTEE: [Post.Kind.SECRETARY, Post.Kind.DEPUTY_SECRETARY]
    + [Post.Kind.COMMITTEE_MEMBER] * 4
    + [Post.Kind.CADRE_FULL_TIME] * 2,
    Tier.Kind.DISCIPLINE_COMMITTEE: [Post.Kind.SECRETARY] + [Post.Kind.COMMITTEE_MEMBER] * 2,
    Tier.Kind.BRANCH: [
        Post.Kind.SECRETARY,
        Post.Kind.COMMITTEE_MEMBER,
        Post.Kind.DISCIPLINE_MEMBER,
        Post.Kind.CADRE_PART_TIME,
    ],
}
UNITS_PER_LIAISON = 4
SINGLE_POSTS = {Post.Kind.SECRETARY, Post.Kind.DEPUTY_SECRETARY}

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


def _reserve_ids(model: type[Organisation], count: int) -> list[int]:
    """Primary keys drawn from the table's sequence, so paths can be built before the insert."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _branch_counts(rng: random.Random, size: ProvinceSize) -> list[int]:
    """Branches per unit: uneven like real departments, at least the demo's named ones."""
    minimum = [len(UNITS[i][2]) if i < len(UNITS) else 1 for i in range(size.units)]
    weights = [rng.uniform(0.4, 1.8) for _ in range(size.units)]
    spare = size.branches - sum(minimum)
    counts = [m + int(spare * w / sum(weights)) for m, w in zip(minimum, weights, strict=True)]
    for index in range(size.branches - sum(counts)):
        counts[index % size.units] += 1
    return counts


def build_tree(rng: random.Random, size: ProvinceSize, copy: int = 1) -> dict[str, Organisation]:
    """One copy's tree (its codes prefixed after the first), bulk-inserted; keyed by code."""
    prefix = copy_prefix(copy)
    tiers = Tier.objects.in_bulk(field_name="kind")
    total = 1 + size.units * 4 + size.branches
    ids = iter(_reserve_ids(Organisation, total))
    orgs: dict[str, Organisation] = {}

    def add(code: str, name: str, kind: str, parent: Organisation | None, order: int) -> None:
        pk = next(ids)
        organisation = Organisation(
            pk=pk,
            code=code,
            name=name,
            tier=tiers[kind],
            parent=parent,
            path=f"{parent.path if parent else '/'}{pk}/",
            depth=parent.depth + 1 if parent else 0,
            sort_order=order,
        )
        if kind == Tier.Kind.UNIT:
            organisation.unit_id = pk
        elif parent is not None:
            organisation.unit_id = parent.unit_id
        orgs[code] = organisation

    committee_name = COMMITTEE[1] if copy == 1 else f"{COMMITTEE[1]}（第{copy}省）"
    add(f"{prefix}{COMMITTEE[0]}", committee_name, Tier.Kind.COMMITTEE, None, 0)
    committee = orgs[f"{prefix}{COMMITTEE[0]}"]
    for index, branches in enumerate(_branch_counts(rng, size)):
        if index < len(UNITS):
            code, name, named = UNITS[index]
        else:
            code = f"U{index + 1:03d}"
            name = UNIT_NAMES[(index - len(UNITS)) % len(UNIT_NAMES)]
            named = []
        code = f"{prefix}{code}"
        add(code, name, Tier.Kind.UNIT, committee, index)
        unit = orgs[code]
        add(f"{code}-DZ", f"{name}党组", Tier.Kind.PARTY_GROUP, unit, 0)
        add(f"{code}-JGDW", f"{name}机关党委", Tier.Kind.ORGAN_COMMITTEE, unit, 1)
        add(f"{code}-JGJW", f"{name}机关纪委", Tier.Kind.DISCIPLINE_COMMITTEE, unit, 2)
        organ = orgs[f"{code}-JGDW"]
        for number in range(1, branches + 1):
            if number <= len(named):
                branch = named[number - 1]
            elif number - len(named) <= len(DEPARTMENTS):
                branch = f"{DEPARTMENTS[number - len(named) - 1]}党支部"
            else:
                branch = f"第{number}党支部"
            add(f"{code}-ZB{number}", branch, Tier.Kind.BRANCH, organ, number)
    Organisation.objects.bulk_create(orgs.values(), batch_size=2000)
    return orgs


def _full_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def build_people(
    rng: random.Random, size: ProvinceSize, orgs: dict[str, Organisation], copy: int = 1
) -> tuple[dict[str, User], dict[int, User]]:
    """The demo personas with their posts (first copy only), then generated people up to
    `size.people` (usernames prefixed like the codes after the first copy).

    Returns the personas by username and one secretary per organisation (by organisation id).
    """
    personas = PEOPLE if copy == 1 else []
    prefix = copy_prefix(copy).lower()
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow by design
    start = datetime.date(2024, 1, 1)
    occupied = {(code, kind) for _u, _n, posts, _s in personas for code, kind in posts}
    users: list[User] = []
    posts: list[tuple[int, Organisation, str]] = []  # (index into users, organisation, kind)

    def person(username: str, full_name: str, *, superuser: bool = False) -> int:
        users.append(
            User(
                username=username,
                full_name=full_name,
                password=password_hash,
                is_superuser=superuser,
                is_staff=superuser,
                email=f"{username}@example.gov.cn",
            )
        )
        return len(users) - 1

    for username, full_name, person_posts, superuser in personas:
        index = person(username, full_name, superuser=superuser)
        posts.extend((index, orgs[code], kind) for code, kind in person_posts)
    for code, organisation in orgs.items():
        for kind in TIER_POSTS.get(organisation.tier.kind, []):
            if kind in SINGLE_POSTS and (code, kind) in occupied:
                continue
            posts.append(
                (person(f"{prefix}u{len(users):05d}", _full_name(rng)), organisation, kind)
            )
    units = [o for o in orgs.values() if o.tier.kind == Tier.Kind.UNIT]
    for first in range(0, len(units), UNITS_PER_LIAISON):
        index = person(f"{prefix}u{len(users):05d}", _full_name(rng))
        posts.extend(
            (index, unit, Post.Kind.LIAISON) for unit in units[first : first + UNITS_PER_LIAISON]
        )
    branches = [o for o in orgs.values() if o.tier.kind == Tier.Kind.BRANCH]
    for number in range(max(size.people - len(users), 0)):
        # One member in every branch first, then the rest where they fall.
        branch = branches[number] if number < len(branches) else rng.choice(branches)
        posts.append(
            (person(f"{prefix}u{len(users):05d}", _full_name(rng)), branch, Post.Kind.MEMBER)
        )
    User.objects.bulk_create(users, batch_size=2000)
    Post.objects.bulk_create(
        [
            Post(user=users[index], organisation=organisation, kind=kind, start_date=start)
            for index, organisation, kind in posts
        ],
        batch_size=2000,
    )
    secretaries: dict[int, User] = {}
    for index, organisation, kind in posts:
        if kind == Post.Kind.SECRETARY:
            secretaries.setdefault(organisation.pk, users[index])
    return {user.username: user for user in users[: len(personas)]}, secretaries


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
