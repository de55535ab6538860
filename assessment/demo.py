"""Demo assessment data: a scheme, three published quarterly reviews, ledger entries, duty
reports with votes, and computed, published results (idempotent)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from responsibility.demo import DemoContext
from responsibility.models import Checklist, Organisation, Post

from . import results, services
from .models import AnnualResult, DutyReport, ItemScore, LedgerEntry, ReviewRound

REASONS = [
    "会议记录不完整，缺少参会人员签到。",
    "学习内容未结合本单位实际，研讨不深入。",
    "党员谈心谈话未全覆盖。",
    "主题党日活动材料归档不及时。",
]
REPORT_TEXT = (
    "一年来，本支部认真落实机关党建工作责任制，坚持“三会一课”制度，"
    "按月开展主题党日活动，组织党员深入学习党的创新理论。\n"
    "存在的问题：党建与业务融合还不够紧密，部分党员理论学习主动性不强。\n"
    "下一步打算：健全学习制度，推动党建和业务同谋划、同部署、同检查。"
)


@transaction.atomic
def seed(context: DemoContext) -> None:
    year = context.year
    _trainings(context)
    if year.review_rounds.exists():
        return
    users = context.users
    scorer, confirmer = users["reviewer"], users["reviewer2"]
    rng = random.Random(year.year + 7)  # noqa: S311 - demo data, not security
    scheme = services.scheme_for(year)
    scheme.report_deadline = datetime.date(year.year + 1, 1, 31)
    scheme.save(update_fields=["report_deadline"])
    today = timezone.localdate()
    organisations = list(
        Organisation.objects.filter(
            pk__in=Checklist.objects.filter(year=year).values("organisation_id")
        ).order_by("path")
    )
    for quarter in range(1, 5):
        opens = datetime.date(year.year, 3 * quarter, 20)
        round_ = services.round_create(
            actor=None,
            year=year,
            quarter=quarter,
            opens_on=opens,
            closes_on=opens + datetime.timedelta(days=30),
        )
        if opens > today:
            continue
        _score_round(round_, organisations, scorer, confirmer, rng, publish=quarter < 4)
    _ledger(year, organisations, scorer, confirmer)
    _reports(year, organisations, users, rng)
    results.results_compute(actor=None, year=year)
    results.results_publish(actor=None, year=year)
    context.counts["results"] = AnnualResult.objects.filter(year=year).count()


def _score_round(
    round_: ReviewRound,
    organisations: list[Organisation],
    scorer,
    confirmer,
    rng: random.Random,
    *,
    publish: bool,
) -> None:
    for organisation in organisations:
        review = services.review_start(actor=scorer, review_round=round_, organisation=organisation)
        scores = list(review.scores.select_related("item"))
        for row in rng.sample(scores, k=min(len(scores), rng.randint(0, 3))):
            row.score = max(Decimal(0), row.max_points - Decimal(rng.choice(["0.5", "1", "1.5"])))
            row.reason = rng.choice(REASONS)
        ItemScore.objects.bulk_update(scores, ["score", "reason"])
        review.scored_by = scorer
        review.save(update_fields=["scored_by"])
        services.review_transition(actor=scorer, review=review, action="submit")
        if publish:
            services.review_transition(actor=confirmer, review=review, action="confirm")
            services.review_transition(actor=confirmer, review=review, action="publish")


def _ledger(year, organisations, scorer, confirmer) -> None:
    branches = [o for o in organisations if o.tier.kind == "branch"][:4]
    for index, organisation in enumerate(branches):
        entry = services.ledger_propose(
            actor=scorer,
            organisation=organisation,
            year=year,
            kind=LedgerEntry.Kind.BONUS if index % 2 == 0 else LedgerEntry.Kind.DEDUCTION,
            points=Decimal("2") if index % 2 == 0 else Decimal("1"),
            reason="党建与业务融合案例获省直机关工委推广"
            if index % 2 == 0
            else "党费收缴台账不规范，经督查指出",
        )
        if index < 3:
            services.ledger_decide(actor=confirmer, entry=entry, approve=True)


def _reports(year, organisations, users, rng: random.Random) -> None:
    raters = [users["reviewer"], users["reviewer2"]]
    for organisation in organisations[: len(organisations) // 2]:
        secretary = (
            Post.objects.filter(organisation=organisation, kind=Post.Kind.SECRETARY)
            .select_related("user")
            .first()
        )
        report = DutyReport.objects.create(
            organisation=organisation,
            year=year,
            text=REPORT_TEXT,
            submitted_at=timezone.now(),
            submitted_by=secretary.user if secretary else None,
        )
        report.raters.set(raters)
        for rater in raters:
            services.vote_cast(
                actor=rater, report=report, choice=rng.choice(["good", "good", "fairly_good"])
            )


def _trainings(context: DemoContext) -> None:
    """Two party-knowledge trainings with their cadres, and birth dates for the young-cadre
    overview (idempotent)."""
    from . import cadres
    from .models import Training

    if Training.objects.exists():
        return
    users, orgs = context.users, context.organisations
    for offset, username in enumerate(("officer", "officer_b", "unit_reviewer", "member")):
        person = users.get(username)
        if person is not None and person.birth_date is None:
            person.birth_date = datetime.date(1992 + offset, 5, 1)
            person.save(update_fields=["birth_date"])
    sessions = [
        (
            orgs["GW"],
            datetime.date(context.year.year, 4, 16),
            "全省机关党务干部党务知识培训班",
            "16",
        ),
        (orgs["CZT-JGDW"], datetime.date(context.year.year, 9, 10), "支部工作条例专题辅导", "4"),
    ]
    for organiser, held_on, topic, hours in sessions:
        training = cadres.training_create(
            actor=users["admin"],
            organiser=organiser,
            held_on=held_on,
            topic=topic,
            hours=Decimal(hours),
        )
        attendees = [
            (person, None)
            for person in cadres.attendance_candidates(training)
            if person.username in {"officer", "officer_b", "unit_reviewer", "organ_secretary"}
            or person.username.endswith("-jz")
        ]
        cadres.training_attendance_add(actor=users["admin"], training=training, attendees=attendees)
