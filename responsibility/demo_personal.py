"""Demo data of people's own duties (个人履责, #19.1): the demo leaders' duties came with the
year (services.personal); here some are filled in with evidence, some late, and the latest one
due is left open (overdue, or due soon, depending on the date), the 机关党委's division of
work is recorded, a 党组成员 carries 一岗双责 for a department, and the leaders' 分管 and
联系支部 links exist. Kept as they are on a later run."""

from __future__ import annotations

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from . import services
from .models import LeaderLink, Organisation, PersonalObligation, Post, User, Year
from .services import leaders

DEMO_PDF = b"%PDF-1.4\n% demo personal evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DESCRIPTIONS = [
    "按计划完成，已形成书面记录。",
    "深入所联系支部开展调研，听取意见建议并提出指导意见。",
    "结合分管工作开展，情况已在班子会上通报。",
]
# (username, organisation code, kind, department or "", start) per demo leader.
LINKS = [
    ("party_secretary", "CZT-ZB1", LeaderLink.Kind.CONTACT, ""),
    ("unit_reviewer", "CZT-ZB2", LeaderLink.Kind.CONTACT, ""),
    ("organ_secretary", "CZT-ZB3", LeaderLink.Kind.CONTACT, ""),
    ("czt-dz-wy1", "CZT-ZB4", LeaderLink.Kind.CONTACT, ""),
    ("czt-dz-wy1", "CZT-ZB2", LeaderLink.Kind.IN_CHARGE, "预算处"),
]
DIVISIONS = {"unit_reviewer": "组织", "organ_secretary": "全面工作"}


@transaction.atomic
def build_personal(
    year: Year,
    users: dict[str, User],
    orgs: dict[str, Organisation],
    today: datetime.date | None = None,
) -> None:
    today = today or timezone.localdate()
    start = datetime.date(2024, 1, 1)
    member = User.objects.filter(username="czt-dz-wy1").first()
    if member is None:  # a 党组成员 with 一岗双责 (分管 a department, 联系 a branch)
        member = User.objects.create(
            username="czt-dz-wy1",
            full_name="钱振华",
            password=users["party_secretary"].password,
            email="czt-dz-wy1@example.gov.cn",
        )
        services.post_create(
            actor=None,
            user=member,
            organisation=orgs["CZT-DZ"],
            kind=Post.Kind.COMMITTEE_MEMBER,
            start_date=start,
        )
    people = {**users, "czt-dz-wy1": member}
    for username, division in DIVISIONS.items():
        Post.objects.filter(user=people[username], organisation=orgs["CZT-JGDW"]).update(
            division=division
        )
    if not LeaderLink.objects.exists():
        for username, code, kind, department in LINKS:
            leaders.leader_link_create(
                actor=users["admin"],
                person=people[username],
                kind=kind,
                organisation=orgs[code],
                department=department,
                start_date=datetime.date(year.year, 1, 1),
            )
    _fill(year, today)


def _fill(year: Year, today: datetime.date) -> None:
    """Most of what fell due is done (a few late, most with a file); each person's latest one
    due is left open, so My work shows it overdue. Of what is running now, every other one is
    already done early, and the soonest due is left to do (My work's 本期 or 5 天内到期)."""
    if PersonalObligation.objects.filter(year=year).exclude(version=1).exists():
        return  # already filled on an earlier run
    rows = list(
        PersonalObligation.objects.filter(year=year, period_start__lte=today)
        .select_related("organisation")
        .order_by("person_id", "due_date", "pk")
    )
    if not rows:
        return
    rng = random.Random(year.year * 19)  # noqa: S311 - demo data, not security
    past = [o for o in rows if o.due_date < today]
    latest = {o.person_id: o.pk for o in past}  # ordered by due date: the last one wins
    running: dict[int, list[PersonalObligation]] = {}
    for obligation in rows:
        if obligation.due_date >= today:
            running.setdefault(obligation.person_id, []).append(obligation)
    done = []
    for obligation in past:
        if obligation.pk == latest[obligation.person_id]:
            continue
        late = rng.random() < 0.15
        days = rng.randint(1, 8)
        completed = (
            obligation.due_date + datetime.timedelta(days=days)
            if late
            else max(obligation.period_start, obligation.due_date - datetime.timedelta(days=days))
        )
        done.append(_done(obligation, min(completed, today), late, rng))
    for own in running.values():
        for obligation in own[1::2]:
            early = obligation.period_start + datetime.timedelta(days=rng.randint(0, 20))
            done.append(_done(obligation, min(early, today), False, rng))
    PersonalObligation.objects.bulk_update(
        done, ["status", "completed_on", "is_late", "description", "version"], 500
    )
    through = PersonalObligation.evidence.through
    links = []
    for obligation in done:
        if rng.random() < 0.2:
            continue
        content = DEMO_PDF + f"% {obligation.period_label} #{obligation.pk}\n".encode()
        evidence = services.evidence_upload(
            actor=None,
            organisation=obligation.organisation,
            upload=SimpleUploadedFile("履责记录.pdf", content),
        )
        links.append(through(personalobligation_id=obligation.pk, evidence_id=evidence.pk))
    through.objects.bulk_create(links, batch_size=1000, ignore_conflicts=True)


def _done(
    obligation: PersonalObligation, on: datetime.date, late: bool, rng: random.Random
) -> PersonalObligation:
    obligation.status = PersonalObligation.Status.DONE
    obligation.completed_on = on
    obligation.is_late = late
    obligation.description = rng.choice(DESCRIPTIONS)
    obligation.version = 2
    return obligation
