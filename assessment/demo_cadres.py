"""The demo's cadre records (issue #19.4): a rotation that ended one post and started another,
and a few young business backbones (业务骨干) in the pool, one selected, one withdrawn.
Idempotent: nothing is added once the pool has candidates."""

from __future__ import annotations

import datetime

from django.utils import timezone

from responsibility.demo import DemoContext
from responsibility.models import Post, User

from . import services
from .models import BackboneCandidate

# (username, born, reason): proposed by the unit's reviewer; the first is selected into a
# part-time party-affairs post, the second withdrawn, the rest stay proposed.
CANDIDATES = [
    (
        "czt-zb2-dy1",
        datetime.date(1996, 8, 12),
        "预算编制业务骨干，多次承担重点改革任务，群众基础好。",
    ),
    ("czt-zb3-dy2", datetime.date(1994, 3, 2), "国库业务能手，善于组织协调。"),
    ("member", None, "政治素质好，业务能力强，积极参加支部活动。"),
    ("czt-zb1-dy2", datetime.date(1998, 11, 20), "青年理论学习小组骨干，文字功底扎实。"),
]


def seed(context: DemoContext) -> None:
    if BackboneCandidate.objects.exists():
        return
    users, orgs = context.users, context.organisations
    reviewer = users["unit_reviewer"]
    today = timezone.localdate()
    _rotation(users["admin"], today, orgs)
    candidates = []
    for number, (username, born, reason) in enumerate(CANDIDATES):
        person = User.objects.filter(username=username).first()
        if person is None:
            continue
        if born is not None and person.birth_date is None:
            person.birth_date = born
            person.save(update_fields=["birth_date"])
        post = (
            Post.objects.filter(user=person, kind=Post.Kind.MEMBER, end_date__isnull=True)
            .select_related("organisation")
            .first()
        )
        if post is None or person.birth_date is None:
            continue
        candidates.append(
            services.backbone_propose(
                actor=reviewer,
                person=person,
                organisation=post.organisation,
                reason=reason,
                today=today - datetime.timedelta(days=90 - 10 * number),
            )
        )
    if len(candidates) >= 2:
        services.backbone_select(
            actor=reviewer,
            candidate=candidates[0],
            version=candidates[0].version,
            on=today - datetime.timedelta(days=20),
            organisation=orgs["CZT-ZB2"],
            kind=Post.Kind.CADRE_PART_TIME,
            reason="经机关党委研究，选任为支部兼职党务干部。",
        )
        services.backbone_withdraw(
            actor=reviewer,
            candidate=candidates[1],
            version=candidates[1].version,
            on=today - datetime.timedelta(days=15),
            reason="本人近期承担专项工作，暂不调整。",
        )
    context.counts["backbone_candidates"] = len(candidates)


def _rotation(admin: User, today: datetime.date, orgs: dict) -> None:
    """A member of the retired cadres' branch moved to the organ committee as a full-time
    cadre six weeks ago: the branch post ended, the new one started, the rotation links both."""
    person = User.objects.filter(username="czt-zb4-dy1").first()
    held = Post.objects.filter(user=person, end_date__isnull=True).first() if person else None
    if person is None or held is None:
        return
    services.rotation_record(
        actor=admin,
        person=person,
        moved_on=today - datetime.timedelta(days=42),
        from_post=held,
        organisation=orgs["CZT-JGDW"],
        kind=Post.Kind.CADRE_FULL_TIME,
        note="岗位交流：充实机关党委专职力量。",
    )
