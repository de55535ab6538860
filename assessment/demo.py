"""Demo assessment data: a scheme, three published quarterly reviews, ledger entries, duty
reports with votes, and computed, published results (idempotent)."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from responsibility.demo import DemoContext
from responsibility.demo_province import vacuum_analyze
from responsibility.models import Checklist, Organisation, Post, User, Year

from . import demo_cadres, results, selectors, services, whatif
from .demo_people import seed_people
from .models import (
    AnnualResult,
    DutyReport,
    ItemScore,
    LedgerEntry,
    OrganisationReview,
    ReviewRound,
    Vote,
)

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
    """The year as it stands today: the quarters reviewed so far published, the latest one
    being scored, a ledger with proposals waiting, year-end reports with some review meetings
    still voting, and the results computed but not published while ballots are open."""
    year = context.year
    _trainings(context)
    if year.review_rounds.exists():
        return
    users = context.users
    scorer, confirmer = users["reviewer"], users["reviewer2"]
    today = timezone.localdate()
    rng = random.Random(year.year + 7)  # noqa: S311 - demo data, not security
    organisations = list(
        Organisation.objects.filter(
            pk__in=Checklist.objects.filter(year=year).values("organisation_id")
        ).order_by("path")
    )
    rounds = _scheme_and_rounds(year, today, keep_latest_open=True)
    for round_ in rounds[:-1]:
        _score_round(round_, organisations, scorer, confirmer, rng)
    if rounds:
        _round_in_progress(rounds[-1], organisations, users, rng)
    _ledger(year, organisations, scorer, confirmer)
    _reports(year, organisations, users, rng)
    _quota_tried_first(year, users["admin"])
    # Computed, so reviewers see where each organisation stands; published only once every
    # review meeting has closed its ballot, which is not the case yet.
    results.results_compute(actor=None, year=year)
    context.counts["results"] = AnnualResult.objects.filter(year=year).count()


def _quota_tried_first(year: Year, admin: User) -> None:
    """The admin capped 好 at 30% of a tier (common practice) after trying it on the year's
    data (试算, issue #20.7): the scheme page lists that save with its preview."""
    saved = services.scheme_create(actor=None, year=year)
    change = {"good_quota_percent": Decimal(30)}
    preview = whatif.scheme_preview(year, whatif.draft_of(saved, change), saved=saved)
    services.scheme_update(
        actor=admin,
        scheme=saved,
        version=saved.version,
        preview=preview.record(),
        shown_digest=preview.digest,
        **change,
    )


def _scheme_and_rounds(
    year, today: datetime.date, *, keep_latest_open: bool = False
) -> list[ReviewRound]:
    """The year's scheme with its report deadline, and its four rounds (opening on the 20th of
    each quarter's last month, for 30 days); returns those already open by `today`. With
    `keep_latest_open`, the latest of those is still open today (its scoring runs late), so
    the demo always has a quarter being scored once the first round has opened."""
    scheme = services.scheme_create(actor=None, year=year)
    scheme.report_deadline = datetime.date(year.year + 1, 1, 31)
    scheme.save(update_fields=["report_deadline"])
    latest = max(
        (q for q in range(1, 5) if datetime.date(year.year, 3 * q, 20) <= today), default=0
    )
    opened = []
    for quarter in range(1, 5):
        opens = datetime.date(year.year, 3 * quarter, 20)
        closes = opens + datetime.timedelta(days=30)
        if keep_latest_open and quarter == latest:
            closes = max(closes, today + datetime.timedelta(days=14))
        review_round = services.round_create(
            actor=None, year=year, quarter=quarter, opens_on=opens, closes_on=closes
        )
        if opens <= today:
            opened.append(review_round)
    return opened


def _score(review: OrganisationReview, scorer, rng: random.Random) -> None:
    """A few deductions with their reasons; the other items keep full marks."""
    scores = list(review.scores.select_related("item"))
    for row in rng.sample(scores, k=min(len(scores), rng.randint(0, 3))):
        row.score = max(Decimal(0), row.max_points - Decimal(rng.choice(["0.5", "1", "1.5"])))
        row.reason = rng.choice(REASONS)
    ItemScore.objects.bulk_update(scores, ["score", "reason"])
    review.scored_by = scorer
    review.save(update_fields=["scored_by"])


def _score_round(
    round_: ReviewRound,
    organisations: list[Organisation],
    scorer,
    confirmer,
    rng: random.Random,
) -> None:
    """A quarter reviewed in full: every organisation scored, confirmed and published."""
    submitted = _morning(round_.opens_on + datetime.timedelta(days=10))
    published = _morning(round_.opens_on + datetime.timedelta(days=20))
    for organisation in organisations:
        review = services.review_start(actor=scorer, review_round=round_, organisation=organisation)
        _score(review, scorer, rng)
        services.review_transition(actor=scorer, review=review, action="submit")
        services.review_transition(actor=confirmer, review=review, action="confirm")
        services.review_transition(actor=confirmer, review=review, action="publish")
    # Dated within the round (the services stamp "now"), so the pages' ages read true.
    round_.reviews.update(submitted_at=submitted, published_at=published)


def _morning(day: datetime.date) -> datetime.datetime:
    """9:30 on `day`, never later than now."""
    at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
    return min(at, timezone.now())


def _days_ago(days: int, *, not_before: datetime.date) -> datetime.datetime:
    return _morning(max(timezone.localdate() - datetime.timedelta(days=days), not_before))


# The quarter being scored: who holds which review (organisation code → state, scorer).
IN_PROGRESS = {
    "CZT-ZB1": ("submitted", "reviewer"),  # waits for reviewer2 (or admin) to confirm
    "CZT-ZB2": ("submitted", "unit_reviewer"),  # the 机关党委's score, for a second reviewer
    "JYT-ZB1": ("draft", "reviewer"),  # scoring under way
}


def _round_in_progress(
    round_: ReviewRound, organisations: list[Organisation], users, rng: random.Random
) -> None:
    """The latest round: a third of the organisations not yet scored, three reviews in hand
    (IN_PROGRESS), the rest confirmed and published."""
    for index, organisation in enumerate(organisations):
        state, scorer_name = IN_PROGRESS.get(organisation.code, ("", "reviewer"))
        if not state and index % 3 == 0:
            continue  # not started: counted in the reviewers' 待评分
        scorer = users[scorer_name]
        review = services.review_start(actor=scorer, review_round=round_, organisation=organisation)
        _score(review, scorer, rng)
        if state == "draft":
            continue
        services.review_transition(actor=scorer, review=review, action="submit")
        if state == "submitted":
            # Handed over a day or two ago: waiting for the second reviewer since then.
            OrganisationReview.objects.filter(pk=review.pk).update(
                submitted_at=_days_ago(1 + index % 2, not_before=round_.opens_on)
            )
            continue
        services.review_transition(actor=users["reviewer2"], review=review, action="confirm")
        services.review_transition(actor=users["reviewer2"], review=review, action="publish")


def _ledger(year, organisations, scorer, confirmer) -> None:
    """Five bonuses and deductions on branches: three approved, and one proposal by each
    committee reviewer waiting for the other (the four-eyes rule)."""
    branches = [o for o in organisations if o.tier.kind == "branch"][:5]
    for index, organisation in enumerate(branches):
        bonus = index % 2 == 0
        entry = services.ledger_propose(
            actor=confirmer if index == 4 else scorer,
            organisation=organisation,
            year=year,
            kind=LedgerEntry.Kind.BONUS if bonus else LedgerEntry.Kind.DEDUCTION,
            points=Decimal("2") if bonus else Decimal("1"),
            reason=LEDGER_REASONS[index],
        )
        if index < 3:
            services.ledger_decide(actor=confirmer, entry=entry, approve=True)
        else:
            LedgerEntry.objects.filter(pk=entry.pk).update(
                proposed_at=_days_ago(index - 1, not_before=year.start)
            )


LEDGER_REASONS = [
    "党建与业务融合案例获省直机关工委推广",
    "党费收缴台账不规范，经督查指出",
    "支部“三会一课”做法在全省机关党建工作会议上交流",
    "主题党日活动记录缺失，经督查指出",
    "支部书记讲党课获全省机关优秀党课评选二等奖",
]

# Review meetings still voting: organisation code → raters besides the two committee reviewers
# (the branch's members rate their secretary's report; the 党组 secretary and the committee's
# liaison officer rate the 机关党委's). The 机关纪委's persona is added by accountability's demo.
OPEN_MEETINGS = {"CZT-ZB1": ("member",), "CZT-JGDW": ("party_secretary", "liaison")}


def _reports(year, organisations, users, rng: random.Random) -> None:
    """Year-end reports from half of the organisations: their review meetings closed after both
    committee reviewers voted, except OPEN_MEETINGS, where reviewer2 and the others have not
    voted yet."""
    raters = [users["reviewer"], users["reviewer2"]]
    half = organisations[: len(organisations) // 2]
    reporting = half + [o for o in organisations if o.code in OPEN_MEETINGS and o not in half]
    now = timezone.now()
    for index, organisation in enumerate(reporting):
        secretary = (
            Post.objects.filter(organisation=organisation, kind=Post.Kind.SECRETARY)
            .select_related("user")
            .first()
        )
        report = DutyReport.objects.create(
            organisation=organisation,
            year=year,
            text=REPORT_TEXT,
            submitted_at=now - datetime.timedelta(days=2 + index % 5),
            submitted_by=secretary.user if secretary else None,
        )
        still_open = organisation.code in OPEN_MEETINGS
        extra = [users[name] for name in OPEN_MEETINGS.get(organisation.code, ())]
        report.raters.set(raters + extra)
        voters = raters[:1] if still_open else raters
        for rater in voters:
            services.vote_cast(
                actor=rater, report=report, choice=rng.choice(["good", "good", "fairly_good"])
            )
        if not still_open:
            services.meeting_close(actor=users["reviewer2"], report=report)


# What a secretary adds to a drafted section: the record says what was done, the report says how.
EDITED_SECTION = (
    "\n以上各项逐项对账：逾期事项已查明原因，明确专人负责，按月对账销号；"
    "下一步把这部分工作与业务工作同安排、同检查，会前征求党员意见，会后逐项抓落实。"
)


def finish(context: DemoContext) -> None:
    """Every year-end report of the demo year drafted from the record, once supervision's demo
    has added its findings and rectifications (idempotent): the facts frozen on the report,
    and the first section edited by its secretary, as the review meeting would read them."""
    year = context.year
    # Posts change here, once supervision's demo has named its responsible people by post.
    demo_cadres.seed(context)
    reports = DutyReport.objects.filter(year=year, drafted_at__isnull=True).select_related(
        "organisation"
    )
    today = timezone.localdate()
    for report in reports:
        drafted = selectors.report_draft_sections(report.organisation, year, today)
        with transaction.atomic():
            services.report_sections_write(report=report, drafted=drafted)
            first = report.sections.order_by("sort_order").first()
            if first is not None:
                first.text = first.draft_text + EDITED_SECTION
                first.save(update_fields=["text"])
            # Drafted the day before it was submitted, as a secretary would.
            drafted_at = (report.submitted_at or timezone.now()) - datetime.timedelta(days=1)
            DutyReport.objects.filter(pk=report.pk).update(drafted_at=drafted_at)
    context.counts["drafted_reports"] = DutyReport.objects.filter(
        year=year, drafted_at__isnull=False
    ).count()
    seed_people(context)


def _trainings(context: DemoContext) -> None:
    """Two party-knowledge trainings with their cadres, and birth dates for the young-cadre
    overview (idempotent)."""
    from . import selectors
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
        training = services.training_create(
            actor=users["admin"],
            organiser=organiser,
            held_on=held_on,
            topic=topic,
            hours=Decimal(hours),
        )
        attendees = [
            (person, None)
            for person in selectors.attendance_candidates(training)
            if person.username in {"officer", "officer_b", "unit_reviewer", "organ_secretary"}
            or person.username.endswith("-jz")
        ]
        services.training_attendance_add(
            actor=users["admin"], training=training, attendees=attendees
        )


# --- province scale (bench/README.md) ----------------------------------------------------------

PROVINCE_REPORT_RATERS = ("reviewer", "reviewer2")


def seed_province(context: DemoContext, today: datetime.date | None = None) -> None:
    """The assessment side of the benchmark province, in bulk: a scheme, the quarterly rounds
    opened so far with every organisation scored (published, the latest round partly still in
    review), about one deduction per review with its reason, a ledger of bonuses and deductions,
    a submitted duty report with two votes per organisation, then computed, published results.

    Set-based writes only (`INSERT … SELECT` for the ~200,000 item scores): the whole seed must
    stay under two minutes. Deductions and states follow the row ids, so a rerun on the same
    province gives the same figures.
    """
    today = today or timezone.localdate()
    year = context.year
    users = context.users
    scorer, confirmer = users["reviewer"], users["reviewer2"]
    now = timezone.now()
    with transaction.atomic():
        organisation_ids = list(
            Checklist.objects.filter(year=year)
            .order_by("organisation__path")
            .values_list("organisation_id", flat=True)
        )
        rounds = _scheme_and_rounds(year, today)
        latest = rounds[-1] if rounds else None
        reviews = []
        for review_round in rounds:
            for index, organisation_id in enumerate(organisation_ids):
                state = OrganisationReview.Status.PUBLISHED
                if review_round is latest and index % 20 == 7:
                    state = OrganisationReview.Status.DRAFT
                elif review_round is latest and index % 20 in (3, 13):
                    state = OrganisationReview.Status.SUBMITTED
                reviewed = state != OrganisationReview.Status.DRAFT
                reviews.append(
                    OrganisationReview(
                        round=review_round,
                        organisation_id=organisation_id,
                        status=state,
                        scored_by=scorer,
                        submitted_at=now if reviewed else None,
                        confirmed_by=confirmer if state == "published" else None,
                        published_at=now if state == "published" else None,
                    )
                )
        OrganisationReview.objects.bulk_create(reviews, batch_size=2000)
        scores = _province_item_scores(year, [r.pk for r in rounds])
        ledger = _province_ledger(year, organisation_ids, scorer, confirmer, now)
        reports, votes = _province_reports(year, organisation_ids, users, now)
    results.results_compute(actor=None, year=year)
    results.results_publish(actor=None, year=year)
    vacuum_analyze([OrganisationReview, ItemScore, LedgerEntry, DutyReport, Vote, AnnualResult])
    context.counts.update(
        {
            "review_rounds": len(rounds),
            "reviews": len(reviews),
            "item_scores": scores,
            "ledger_entries": ledger,
            "duty_reports": reports,
            "votes": votes,
            "results": AnnualResult.objects.filter(year=year, is_current=True).count(),
        }
    )


def _province_item_scores(year, round_ids: list[int]) -> int:
    """Every review's score rows at full marks, about one in twenty-three items losing 0.5–1.5
    points (never below 0) with one of the demo reasons."""
    if not round_ids:
        return 0
    from responsibility.models import ChecklistItem

    score = ItemScore._meta.db_table
    review = OrganisationReview._meta.db_table
    checklist, item = Checklist._meta.db_table, ChecklistItem._meta.db_table
    deducted = "(i.id * 7 + r.id * 13) %% 23 = 0 AND i.points > 0"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {score} (review_id, item_id, max_points, score, reason, version)
            SELECT r.id, i.id, i.points,
                   CASE WHEN {deducted}
                        THEN GREATEST(i.points - (0.5 + (i.id + r.id) %% 3 * 0.5), 0)
                        ELSE i.points END,
                   CASE WHEN {deducted}
                        THEN (%(reasons)s::text[])[1 + (i.id + r.id) %% %(reason_count)s]
                        ELSE '' END,
                   1
            FROM {review} r
            JOIN {checklist} c ON c.organisation_id = r.organisation_id AND c.year_id = %(year)s
            JOIN {item} i ON i.checklist_id = c.id
            WHERE r.round_id = ANY(%(rounds)s)
            """,  # noqa: S608 - table names come from the models, values are parameters
            {
                "year": year.pk,
                "rounds": round_ids,
                "reasons": REASONS,
                "reason_count": len(REASONS),
            },
        )
        return cursor.rowcount


def _province_ledger(year, organisation_ids, scorer, confirmer, now) -> int:
    """One organisation in twenty has a bonus or a deduction; two in three are approved."""
    entries = []
    for index, organisation_id in enumerate(organisation_ids[::20]):
        bonus = index % 2 == 0
        approved = index % 3 != 2
        entries.append(
            LedgerEntry(
                organisation_id=organisation_id,
                year=year,
                kind=LedgerEntry.Kind.BONUS if bonus else LedgerEntry.Kind.DEDUCTION,
                points=Decimal("2") if bonus else Decimal("1"),
                reason="党建与业务融合案例获省直机关工委推广"
                if bonus
                else "党费收缴台账不规范，经督查指出",
                status=LedgerEntry.Status.APPROVED if approved else LedgerEntry.Status.PENDING,
                proposed_by=scorer,
                proposed_at=now,
                decided_by=confirmer if approved else None,
                decided_at=now if approved else None,
            )
        )
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    return len(entries)


def _province_reports(year, organisation_ids, users, now) -> tuple[int, int]:
    """A submitted duty report per organisation, the two committee personas as raters, each
    having voted (mostly 好, some 较好, a few 一般); nine meetings in ten closed."""
    raters = [users[name] for name in PROVINCE_REPORT_RATERS]
    choices = ["good", "good", "good", "fairly_good", "fairly_good", "average"]
    reports = [
        DutyReport(
            organisation_id=organisation_id,
            year=year,
            text=REPORT_TEXT,
            submitted_at=now,
            meeting_closed_at=now if index % 10 else None,
        )
        for index, organisation_id in enumerate(organisation_ids)
    ]
    DutyReport.objects.bulk_create(reports, batch_size=2000)
    through = DutyReport.raters.through
    through.objects.bulk_create(
        [through(dutyreport_id=r.pk, user_id=u.pk) for r in reports for u in raters],
        batch_size=5000,
    )
    votes = [
        Vote(
            report=report, rater=rater, choice=choices[(report.pk + k) % len(choices)], cast_at=now
        )
        for report in reports
        for k, rater in enumerate(raters)
    ]
    Vote.objects.bulk_create(votes, batch_size=5000)
    return len(reports), len(votes)
