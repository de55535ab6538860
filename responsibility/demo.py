"""A small, realistic demo province (README lists the accounts). Idempotent: safe to run twice."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import services
from .demo_attendance import build_attendance
from .demo_entry_reviews import build_entry_reviews
from .demo_personal import build_personal
from .demo_quality import seed_quality
from .models import (
    ChecklistItem,
    Frequency,
    MeetingRecord,
    Obligation,
    Opinion,
    Organisation,
    Post,
    Tier,
    User,
    Year,
)
from .models.checklists import DUE_SOON_DAYS

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
    ("reviewer2", "孙国华", [("GW", Post.Kind.COMMITTEE_MEMBER)], False),
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


DESCRIPTIONS = [
    "按计划召开，传达学习上级精神，研究部署本期工作。",
    "组织党员集中学习，开展交流研讨，形成学习记录。",
    "结合业务工作开展，党员积极参与，效果良好。",
    "按要求完成，材料已归档。",
]


@transaction.atomic
def build_year(users: dict[str, User], today: datetime.date | None = None) -> Year:
    """This year's checklists, activated, with realistic fill-in: most done, some late, some
    due this week, some overdue, so every page has content from the first run."""
    today = today or timezone.localdate()
    year = Year.objects.filter(year=today.year).first()
    created = year is None
    if year is None:  # through the service, so the higher apps' hooks give it its scheme
        year = services.year_create(actor=users.get("admin"), year=today.year)
    if year.status == Year.Status.PLANNING:
        services.year_activate(actor=users.get("admin"), year=year)
    if not created and Obligation.objects.filter(year=year).exclude(version=1).exists():
        return year  # already filled on an earlier run
    rng = random.Random(today.year)  # noqa: S311 - demo data, not security
    obligations = list(
        Obligation.objects.filter(year=year, due_date__lt=today).select_related("item")
    )
    left_open = _left_open(obligations, year, today)
    meetings = []
    for obligation in obligations:
        roll = rng.random()
        if roll < 0.08 or obligation.pk in left_open:
            continue  # overdue, not done: red on the pages
        late = roll < 0.18
        days = rng.randint(1, 12)
        completed = (
            obligation.due_date + datetime.timedelta(days=days)
            if late
            else max(obligation.period_start, obligation.due_date - datetime.timedelta(days=days))
        )
        obligation.status = Obligation.Status.DONE
        obligation.completed_on = min(completed, today)
        obligation.is_late = late
        obligation.description = rng.choice(DESCRIPTIONS)
        obligation.version = 2
        if obligation.item.is_meeting:
            expected = rng.randint(8, 25)
            meetings.append(
                MeetingRecord(
                    obligation=obligation,
                    held_on=obligation.completed_on,
                    topic=f"{obligation.period_label}{obligation.item.content[:20]}",
                    expected_count=expected,
                    attended_count=rng.randint(expected // 2 + 1, expected),
                    minutes="会议由支部书记主持，传达学习上级文件精神，讨论本期重点工作。",
                )
            )
    Obligation.objects.bulk_update(
        obligations, ["status", "completed_on", "is_late", "description", "version"], 500
    )
    MeetingRecord.objects.bulk_create(meetings, ignore_conflicts=True)
    _attach_demo_evidence([o for o in obligations if o.status == Obligation.Status.DONE], rng)
    current = Obligation.objects.filter(
        year=year, period_start__lte=today, due_date__gte=today
    ).order_by("pk")
    in_progress = [o.pk for o in current if rng.random() < 0.3]
    Obligation.objects.filter(pk__in=in_progress).update(
        status=Obligation.Status.IN_PROGRESS, description="正在组织实施。", version=2
    )
    return year


OFFICER_BRANCH = "CZT-ZB1"  # the `officer` persona's branch


def _left_open(obligations: list[Obligation], year: Year, today: datetime.date) -> set[int]:
    """Two overdue duties the officer's branch has not done, whatever the date: the latest one
    whose entry has closed (past the grace days: My work offers 申请重新开放) and the latest one
    still open for late entry. Early in the year there may be none of either."""
    branch = Organisation.objects.filter(code=OFFICER_BRANCH).values_list("pk", flat=True).first()
    closes = today - datetime.timedelta(days=year.entry_grace_days)
    own = [
        o
        for o in obligations
        if o.organisation_id == branch and o.item.frequency != Frequency.AS_NEEDED
    ]
    closed = [o for o in own if o.due_date < closes]
    still_open = [o for o in own if o.due_date >= closes]
    return {
        max(group, key=lambda o: (o.due_date, o.pk)).pk for group in (closed, still_open) if group
    }


DEMO_PDF = b"%PDF-1.4\n% demo evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attach_demo_evidence(done: list[Obligation], rng: random.Random) -> None:
    """A small record file for most completed duties, each its own (its own bytes, so its own
    SHA-256): one file proving many records is what the quality checks flag (#20.3), and the
    media audit checks every digest against its file."""
    links = []
    through = Obligation.evidence.through
    for obligation in done:
        if rng.random() < 0.1:
            continue  # a few completions without evidence, so the deduction shows
        content = DEMO_PDF + f"% {obligation.period_label} #{obligation.pk}\n".encode()
        evidence = services.evidence_upload(
            actor=None,
            organisation=obligation.organisation,
            upload=SimpleUploadedFile("会议记录及签到表.pdf", content),
        )
        links.append(through(obligation_id=obligation.pk, evidence_id=evidence.pk))
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)


OPINIONS = [
    "建议机关党委加强对支部“三会一课”的指导，组织支部书记专题培训。",
    "建议将党建与业务融合典型案例汇编推广，便于各支部学习借鉴。",
    "建议主题党日活动与预算编制、绩效评价等业务工作结合，避免形式单一。",
    "建议为离退休党员提供线上学习渠道，方便行动不便的老党员参加组织生活。",
    "建议统一会议记录和签到表模板，减少佐证材料整理的重复劳动。",
    "建议机关党委每季度通报各支部责任清单完成进度，形成比学赶超氛围。",
    "建议增加青年党员参与党建课题调研的机会，发挥青年理论学习小组作用。",
    "建议简化党费收缴台账，按月线上公示收缴情况。",
    "建议组织支部之间结对共建，交流谈心谈话和党员教育管理的做法。",
    "建议在年度考核中提高过程监督的权重，引导支部把功夫下在平时。",
]


def build_opinions(year: Year, users: dict[str, User]) -> None:
    """Two in three branches have submitted their opinions on the year's key points, each its
    own, by its secretary; the 交通运输厅's first ones are already acknowledged, the rest wait
    for their 机关党委 (and the committee) to acknowledge them."""
    branches = Organisation.objects.filter(tier__kind=Tier.Kind.BRANCH).order_by("path")
    secretaries = dict(
        Post.objects.filter(
            organisation__in=branches, kind=Post.Kind.SECRETARY, end_date__isnull=True
        ).values_list("organisation_id", "user_id")
    )
    now = timezone.now()
    for index, branch in enumerate(branches):
        if index % 3 == 2 or Opinion.objects.filter(organisation=branch, year=year).exists():
            continue
        acknowledged = branch.code in ("JTT-ZB1", "JTT-ZB2")
        Opinion.objects.create(
            organisation=branch,
            year=year,
            content=OPINIONS[(index - index // 3) % len(OPINIONS)],  # skipped: index % 3 == 2
            submitted_by_id=secretaries.get(branch.pk),
            submitted_at=now - datetime.timedelta(days=20 - index),
            acknowledged_by=users.get("reviewer") if acknowledged else None,
            acknowledged_at=now - datetime.timedelta(days=3) if acknowledged else None,
            reply="已收悉，将在下一阶段工作中研究采纳。" if acknowledged else "",
        )


# Which point of the 机关党委's key-points list (default organ_committee template) each default
# branch item answers: the branch's duty under the 机关党委's matching task.
KEY_POINT_OF = {
    "ZB-1-01": "JG-1-01",
    "ZB-1-02": "JG-3-08",
    "ZB-1-03": "JG-3-07",
    "ZB-2-01": "JG-2-01",
    "ZB-2-02": "JG-2-01",
    "ZB-2-03": "JG-2-01",
    "ZB-2-04": "JG-2-02",
    "ZB-3-01": "JG-3-03",
    "ZB-3-02": "JG-3-03",
    "ZB-3-03": "JG-3-03",
    "ZB-3-04": "JG-3-03",
    "ZB-3-05": "JG-3-03",
    "ZB-3-06": "JG-3-05",
    "ZB-3-07": "JG-3-03",
    "ZB-3-08": "JG-3-05",
    "ZB-3-09": "JG-3-05",
    "ZB-3-10": "JG-3-04",
    "ZB-4-01": "JG-4-01",
    "ZB-5-01": "JG-5-01",
    "ZB-6-01": "JG-6-01",
    "ZB-6-02": "JG-6-02",
    "ZB-7-01": "JG-7-01",
}
# The officer's branch's opinion (OPINIONS[0]: 三会一课 guidance, secretaries' training)
# addresses these points.
OFFICER_OPINION_POINTS = ("JG-3-03", "JG-7-01")


def build_key_point_links(year: Year) -> None:
    """Every branch item answers its 机关党委's matching key point, and the officer's branch's
    opinion names the points it addresses; links already made are kept."""
    # Keyed by organisation id as a branch's `parent_id` names it (None above the tree's root).
    points: dict[tuple[int | None, str], ChecklistItem] = {
        (item.checklist.organisation_id, item.ref): item
        for item in ChecklistItem.objects.filter(
            checklist__year=year,
            checklist__organisation__tier__kind=Tier.Kind.ORGAN_COMMITTEE,
            ref__in=set(KEY_POINT_OF.values()),
        ).select_related("checklist")
    }
    items = list(
        ChecklistItem.objects.filter(
            checklist__year=year,
            checklist__organisation__tier__kind=Tier.Kind.BRANCH,
            ref__in=list(KEY_POINT_OF),
            parent_item__isnull=True,
        ).select_related("checklist__organisation")
    )
    for item in items:
        item.parent_item = points.get(
            (item.checklist.organisation.parent_id, KEY_POINT_OF[item.ref])
        )
    ChecklistItem.objects.bulk_update(items, ["parent_item"], 500)
    opinion = (
        Opinion.objects.filter(organisation__code=OFFICER_BRANCH, year=year)
        .select_related("organisation")
        .first()
    )
    if opinion is not None and not opinion.key_points.exists():
        organ_id = opinion.organisation.parent_id
        opinion.key_points.set(
            [points[(organ_id, ref)] for ref in OFFICER_OPINION_POINTS if (organ_id, ref) in points]
        )


def build_assignments(
    year: Year, users: dict[str, User], today: datetime.date | None = None
) -> None:
    """Who does what in the officer's branch (谁来干): its secretary, the `officer` persona,
    takes the three most urgent open duties himself, so My work's 我的 has rows, and gives its
    part-time cadre one monthly item for the year, so 本组织全部 names someone else. Through
    the services, so the audit trail has them; kept as they are on a later run."""
    today = today or timezone.localdate()
    officer = users.get("officer")
    branch = Organisation.objects.filter(code=OFFICER_BRANCH).first()
    if officer is None or branch is None:
        return
    open_duties = Obligation.objects.filter(
        organisation=branch, year=year, status__in=Obligation.OPEN_STATUSES
    ).exclude(item__frequency=Frequency.AS_NEEDED)
    if open_duties.filter(assignee__isnull=False).exists():
        return
    # What My work lists (due within five days, or of the current period) and may still be
    # filled in, the soonest first.
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    urgent = list(
        open_duties.filter(
            Q(due_date__lte=soon) | Q(period_start__lte=today, period_end__gte=today)
        )
        .filter(due_date__gte=today - datetime.timedelta(days=year.entry_grace_days))
        .select_related("year", "organisation", "assignee")
        .order_by("due_date", "pk")[:3]
    )
    for obligation in urgent:
        services.obligation_assign(
            actor=officer,
            obligation=obligation,
            version=obligation.version,
            assignee=officer,
            today=today,
        )
    cadre = User.objects.filter(username=f"{OFFICER_BRANCH.lower()}-jz").first()
    item = (
        ChecklistItem.objects.filter(
            checklist__organisation=branch, checklist__year=year, frequency=Frequency.MONTHLY
        )
        .exclude(obligations__in=urgent)
        .select_related("checklist__organisation", "checklist__year", "assignee")
        .order_by("sort_order", "ref")
        .first()
    )
    if cadre is not None and item is not None:
        services.checklist_item_assign(
            actor=officer, item=item, version=item.version, assignee=cadre, today=today
        )


@dataclass
class DemoContext:
    """What the core demo built; each app's `demo.seed(context)` adds its part on top."""

    organisations: dict[str, Organisation]
    users: dict[str, User]
    year: Year
    counts: dict[str, int] = field(default_factory=dict)
    # When this seed began: what the services queued to mail since then is the demo's own.
    started_at: datetime.datetime = field(default_factory=timezone.now)


def seed_demo() -> DemoContext:
    started_at = timezone.now()
    orgs = build_tree()
    users = build_people(orgs)
    year = build_year(users)
    build_opinions(year, users)
    build_key_point_links(year)
    build_assignments(year, users)
    build_entry_reviews(year, users)  # per-entry review (#20.2)
    build_attendance(year, orgs[OFFICER_BRANCH], users["member"])  # named attendance (#20.1)
    seed_quality(year)  # quality flags (质量提示, issue #20.3)
    build_personal(year, users, orgs)  # people's own duties (个人履责, #19.1)
    return DemoContext(
        organisations=orgs,
        users=users,
        year=year,
        started_at=started_at,
        counts={
            "organisations": Organisation.objects.count(),
            "users": User.objects.count(),
            "posts": Post.objects.count(),
            "obligations": Obligation.objects.filter(year=year).count(),
        },
    )
