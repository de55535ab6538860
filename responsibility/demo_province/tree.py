"""The province seed's organisations and people: one copy's tree of units and branches, and
its personas and generated people with their posts, bulk-inserted (see `demo_province`)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection

from ..demo import COMMITTEE, DEMO_PASSWORD, PEOPLE, UNITS
from ..models import Organisation, Post, Tier, User


@dataclass(frozen=True)
class ProvinceSize:
    units: int = 100
    branches: int = 2_800
    people: int = 30_000


PROVINCE = ProvinceSize()


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
