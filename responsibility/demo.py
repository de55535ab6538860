"""A small, realistic demo province (README lists the accounts). Idempotent: safe to run twice."""

from __future__ import annotations

import datetime

from django.contrib.auth.hashers import make_password
from django.db import transaction

from . import services
from .models import Organisation, Post, Tier, User

DEMO_PASSWORD = "Zerenlian@2026"  # noqa: S105 - demo accounts only, documented in the README

COMMITTEE = ("GW", "省委省级机关工委")
UNITS = [
    ("CZT", "省财政厅", ["预算处党支部", "国库处党支部", "综合处党支部", "机关离退休干部党支部"]),
    ("JYT", "省教育厅", ["高教处党支部", "基教处党支部", "办公室党支部"]),
    (
        "JTT",
        "省交通运输厅",
        [
            "规划处党支部",
            "公路处党支部",
            "运输处党支部",
            "安全监督处党支部",
            "财审处党支部",
            "机关服务中心党支部",
        ],
    ),
]

# username, full name, (organisation code, post kind) pairs, superuser
PEOPLE: list[tuple[str, str, list[tuple[str, str]], bool]] = [
    ("admin", "系统管理员", [], True),
    ("reviewer", "王建国", [("GW", Post.Kind.CADRE_FULL_TIME)], False),
    ("liaison", "陈立新", [("CZT", Post.Kind.LIAISON), ("JYT", Post.Kind.LIAISON)], False),
    ("unit_reviewer", "李红梅", [("CZT-JGDW", Post.Kind.DEPUTY_SECRETARY)], False),
    ("officer", "张伟", [("CZT-ZB1", Post.Kind.SECRETARY)], False),
    ("officer_b", "刘洋", [("JYT-ZB1", Post.Kind.SECRETARY)], False),
    ("member", "赵敏", [("CZT-ZB1", Post.Kind.MEMBER)], False),
    ("party_secretary", "周志强", [("CZT-DZ", Post.Kind.SECRETARY)], False),
    ("organ_secretary", "吴静", [("CZT-JGDW", Post.Kind.SECRETARY)], False),
]
EXTRA_NAMES = [
    "孙丽",
    "马超",
    "朱琳",
    "胡斌",
    "郭芳",
    "何勇",
    "高洁",
    "林涛",
    "罗静",
    "梁华",
    "宋佳",
    "郑凯",
    "谢婷",
    "韩磊",
    "唐敏",
    "冯刚",
]


def _organisation(code: str, name: str, kind: str, parent: Organisation | None) -> Organisation:
    existing = Organisation.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return services.organisation_create(
        actor=None, code=code, name=name, tier=Tier.objects.get(kind=kind), parent=parent
    )


def _user(username: str, full_name: str, password_hash: str, *, superuser: bool = False) -> User:
    user, _created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "password": password_hash,
            "is_superuser": superuser,
            "is_staff": superuser,
            "email": f"{username}@example.gov.cn",
        },
    )
    return user


def _post(user: User, organisation: Organisation, kind: str, start: datetime.date) -> None:
    if not Post.objects.filter(user=user, organisation=organisation, kind=kind).exists():
        services.post_create(
            actor=None, user=user, organisation=organisation, kind=kind, start_date=start
        )


@transaction.atomic
def build_tree() -> dict[str, Organisation]:
    """The working committee, three units, and each unit's 党组, 两委 and branches."""
    orgs: dict[str, Organisation] = {}
    committee = _organisation(COMMITTEE[0], COMMITTEE[1], Tier.Kind.COMMITTEE, None)
    orgs[committee.code] = committee
    for code, name, branches in UNITS:
        unit = _organisation(code, name, Tier.Kind.UNIT, committee)
        orgs[code] = unit
        orgs[f"{code}-DZ"] = _organisation(f"{code}-DZ", f"{name}党组", Tier.Kind.PARTY_GROUP, unit)
        organ = _organisation(f"{code}-JGDW", f"{name}机关党委", Tier.Kind.ORGAN_COMMITTEE, unit)
        orgs[organ.code] = organ
        orgs[f"{code}-JGJW"] = _organisation(
            f"{code}-JGJW", f"{name}机关纪委", Tier.Kind.DISCIPLINE_COMMITTEE, unit
        )
        for index, branch in enumerate(branches, start=1):
            orgs[f"{code}-ZB{index}"] = _organisation(
                f"{code}-ZB{index}", branch, Tier.Kind.BRANCH, organ
            )
    return orgs


@transaction.atomic
def build_people(orgs: dict[str, Organisation]) -> dict[str, User]:
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the hasher is slow by design
    start = datetime.date(2024, 1, 1)
    users: dict[str, User] = {}
    for username, full_name, posts, superuser in PEOPLE:
        user = _user(username, full_name, password_hash, superuser=superuser)
        users[username] = user
        for org_code, kind in posts:
            _post(user, orgs[org_code], kind, start)
    # Every branch gets a secretary, a part-time cadre and members, so pages have people.
    names = iter(EXTRA_NAMES * 8)
    for code, org in orgs.items():
        if org.tier.kind != Tier.Kind.BRANCH:
            continue
        for suffix, kind in (("sj", Post.Kind.SECRETARY), ("jz", Post.Kind.CADRE_PART_TIME)):
            if Post.objects.filter(organisation=org, kind=kind).exists():
                continue
            username = f"{code.lower()}-{suffix}"
            user = _user(username, next(names), password_hash)
            _post(user, org, kind, start)
        for number in range(1, 4):
            username = f"{code.lower()}-dy{number}"
            user = _user(username, next(names), password_hash)
            _post(user, org, Post.Kind.MEMBER, start)
    return users


def seed_demo() -> dict[str, int]:
    orgs = build_tree()
    build_people(orgs)
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "posts": Post.objects.count(),
    }
