"""Writes for assessment. Scoring rules are in scoring.py; these functions record decisions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from responsibility import dates, files, handovers, queue, scope
from responsibility.models import ChecklistItem, Evidence, Organisation, User, Year
from responsibility.services import (
    ConcurrentEditError,
    ServiceError,
    audit_record,
    diff,
    evidence_check,
    evidence_upload,
)

from . import stale
from .models import (
    AnnualResult,
    DutyReport,
    ExportJob,
    Grade,
    GradeCap,
    ItemScore,
    LedgerEntry,
    OrganisationReview,
    ReviewComment,
    ReviewRound,
    Scheme,
    Vote,
)

# --- results out of date (待更新) ---------------------------------------------------------------


@transaction.atomic
def results_mark_stale(
    *,
    actor: User | None,
    year: Year,
    change: stale.Change,
    organisation: Organisation | None = None,
    detail: str = "",
) -> int:
    """Mark the year's current published results (one organisation's, or all) 待更新: an input
    changed after publication. An unpublished result needs no mark: computing updates it in
    place. Returns how many results were marked."""
    now = timezone.now()
    reason = stale.reason(change, now, detail)
    results = AnnualResult.objects.filter(year=year, is_current=True, published_at__isnull=False)
    if organisation is not None:
        results = results.filter(organisation=organisation)
    # Locked: two changes at once must both land in the reasons (a read-modify-write).
    rows = list(results.select_related("organisation", "year").select_for_update(of=("self",)))
    for row in rows:
        row.stale_since = row.stale_since or now
        row.stale_reasons = stale.add(row.stale_reasons or [], reason)
    AnnualResult.objects.bulk_update(rows, ["stale_since", "stale_reasons"], batch_size=2000)
    if rows:
        # A cap's detail names the case: the trail keeps the kind of change only.
        changes: dict[str, Any] = {"stale": change.value, "count": len(rows)}
        if detail and change not in stale.CONFIDENTIAL:
            changes["detail"] = detail
        audit_record(
            actor=actor,
            action="results.stale",
            obj=rows[0] if organisation is not None else year,
            organisation=organisation,
            changes=changes,
        )
    return len(rows)


@transaction.atomic
def grade_cap_add(
    *,
    actor: User | None,
    organisation: Organisation,
    year: Year,
    max_grade: str,
    reason: str,
    source: str,
) -> GradeCap:
    """Cap an organisation's grade for a year (e.g. an accountability case, 负面清单).

    One cap per source: calling again for the same source updates it. A new or lowered/raised
    cap marks a published result 待更新.
    """
    before = (
        GradeCap.objects.filter(organisation=organisation, year=year, source=source)
        .values_list("max_grade", flat=True)
        .first()
    )
    cap, _created = GradeCap.objects.update_or_create(
        organisation=organisation,
        year=year,
        source=source,
        defaults={"max_grade": max_grade, "reason": reason, "created_by": actor},
    )
    audit_record(
        actor=actor,
        action="grade_cap.add",
        obj=cap,
        organisation=organisation,
        changes={"max_grade": max_grade, "reason": reason, "source": source},
    )
    if before != max_grade:
        results_mark_stale(
            actor=actor,
            year=year,
            organisation=organisation,
            change=stale.Change.CAP,
            detail=(
                _("新增：不高于“%(grade)s”，%(reason)s")
                if before is None
                else _("调整为：不高于“%(grade)s”，%(reason)s")
            )
            % {"grade": Grade(max_grade).label, "reason": reason},
        )
    return cap


@transaction.atomic
def grade_cap_remove(
    *, actor: User | None, organisation: Organisation, year: Year, source: str
) -> None:
    for cap in GradeCap.objects.filter(organisation=organisation, year=year, source=source):
        audit_record(actor=actor, action="grade_cap.remove", obj=cap, organisation=organisation)
        results_mark_stale(
            actor=actor,
            year=year,
            organisation=organisation,
            change=stale.Change.CAP,
            detail=_("移除：不高于“%(grade)s”，%(reason)s")
            % {"grade": cap.get_max_grade_display(), "reason": cap.reason},
        )
        cap.delete()


# --- schemes -----------------------------------------------------------------------------------


class AssessmentError(ServiceError):
    """An assessment rule refused the operation; the message is shown to the user."""


SCHEME_FIELDS = (
    "weight_process",
    "weight_quarterly",
    "weight_year_end",
    "good_min",
    "fairly_good_min",
    "average_min",
    "good_quota_percent",
    "vote_good",
    "vote_fairly_good",
    "vote_average",
    "vote_poor",
    "late_deduction_percent",
    "no_evidence_deduction_percent",
    "accountability_cap",
    "report_deadline",
)


def scheme_for(year: Year) -> Scheme:
    """The year's scheme, created with the domain defaults on first use."""
    scheme, _created = Scheme.objects.get_or_create(year=year)
    return scheme


@transaction.atomic
def scheme_update(*, actor: User, scheme: Scheme, version: int, **fields: Any) -> Scheme:
    if fields.get("report_deadline") is not None:
        dates.check_report_deadline(fields["report_deadline"], year=scheme.year)
    total = sum(
        (Decimal(fields.get(name, getattr(scheme, name))) for name in WEIGHT_FIELDS), Decimal(0)
    )
    if total != 100:
        raise AssessmentError(
            _("三部分权重之和必须为 100，当前为 %(total)s。") % {"total": f"{total.normalize():f}"}
        )
    before = {name: getattr(scheme, name) for name in SCHEME_FIELDS}
    updated = Scheme.objects.filter(pk=scheme.pk, version=version).update(
        version=F("version") + 1, **fields
    )
    if updated != 1:
        raise ConcurrentEditError
    scheme.refresh_from_db()
    changes = diff(before, {name: getattr(scheme, name) for name in SCHEME_FIELDS})
    audit_record(actor=actor, action="scheme.update", obj=scheme, changes=changes)
    if set(changes) - NOT_SCORING:
        results_mark_stale(actor=actor, year=scheme.year, change=stale.Change.SCHEME)
    return scheme


# Scheme fields no stored result depends on: the cap grade is copied into each GradeCap when a
# case is registered, and the deadline only gates report submission.
NOT_SCORING = frozenset({"accountability_cap", "report_deadline"})


WEIGHT_FIELDS = ("weight_process", "weight_quarterly", "weight_year_end")


# --- quarterly review rounds -------------------------------------------------------------------


@transaction.atomic
def round_create(
    *,
    actor: User | None,
    year: Year,
    quarter: int,
    opens_on: datetime.date,
    closes_on: datetime.date,
) -> ReviewRound:
    if ReviewRound.objects.filter(year=year, quarter=quarter).exists():
        raise AssessmentError(_("该季度检查已存在。"))
    dates.check_round(opens_on, closes_on, year=year)
    if closes_on < opens_on:
        raise AssessmentError(_("截止日期不能早于开始日期。"))
    review_round = ReviewRound.objects.create(
        year=year, quarter=quarter, opens_on=opens_on, closes_on=closes_on
    )
    audit_record(
        actor=actor,
        action="review_round.create",
        obj=review_round,
        changes={"quarter": quarter, "opens_on": str(opens_on), "closes_on": str(closes_on)},
    )
    return review_round


@transaction.atomic
def review_start(
    *, actor: User | None, review_round: ReviewRound, organisation: Organisation
) -> OrganisationReview:
    """Open an organisation's review for the round: one score row per checklist item, at full
    marks, so a reviewer only touches the items that lose points."""
    review, created = OrganisationReview.objects.get_or_create(
        round=review_round, organisation=organisation
    )
    if created:
        items = ChecklistItem.objects.filter(
            checklist__organisation=organisation, checklist__year=review_round.year
        )
        ItemScore.objects.bulk_create(
            [ItemScore(review=review, item=i, max_points=i.points, score=i.points) for i in items]
        )
        audit_record(actor=actor, action="review.start", obj=review, organisation=organisation)
    return review


def _check_not_own(actor: User, organisation: Organisation) -> None:
    """A reviewer never scores their own organisation (scope also enforces this)."""
    if not scope.can(actor, "review", organisation):
        raise AssessmentError(_("不能评价本人任职的组织。"))


@dataclass(frozen=True)
class ScoreInput:
    item_id: int
    score: Decimal
    reason: str


@transaction.atomic
def review_scores_save(
    *, actor: User, review: OrganisationReview, version: int, scores: Iterable[ScoreInput]
) -> OrganisationReview:
    _check_not_own(actor, review.organisation)
    if not review.is_editable:
        raise AssessmentError(_("该评分已提交，不能修改；如需修改请由复核人退回。"))
    existing = {s.item_id: s for s in review.scores.all()}
    changed: list[ItemScore] = []
    audit: dict[str, list[Any]] = {}
    for entry in scores:
        row = existing.get(entry.item_id)
        if row is None:
            raise AssessmentError(_("评分事项不属于该组织的清单。"))
        if not Decimal(0) <= entry.score <= row.max_points:
            raise AssessmentError(
                _("%(ref)s 的得分必须在 0 到 %(max)s 之间。")
                % {"ref": row.item.ref, "max": f"{row.max_points.normalize():f}"}
            )
        reason = entry.reason.strip()
        if entry.score < row.max_points and not reason:
            raise AssessmentError(_("%(ref)s 扣分必须填写理由。") % {"ref": row.item.ref})
        if entry.score == row.max_points:
            reason = ""
        if row.score != entry.score or row.reason != reason:
            audit[row.item.ref] = [
                f"{row.score.normalize():f} {row.reason}".strip(),
                f"{entry.score.normalize():f} {reason}".strip(),
            ]
            row.score, row.reason = entry.score, reason
            row.version += 1
            changed.append(row)
    updated = OrganisationReview.objects.filter(pk=review.pk, version=version).update(
        version=F("version") + 1, scored_by=actor
    )
    if updated != 1:
        raise ConcurrentEditError
    ItemScore.objects.bulk_update(changed, ["score", "reason", "version"])
    review.refresh_from_db()
    if audit:
        audit_record(
            actor=actor,
            action="review.score",
            obj=review,
            organisation=review.organisation,
            changes=audit,
        )
    return review


@transaction.atomic
def review_self_assess(*, actor: User, review: OrganisationReview, text: str) -> OrganisationReview:
    if not review.round.allow_self_assessment:
        raise AssessmentError(_("本次检查不要求自评。"))
    if not review.is_editable:
        raise AssessmentError(_("评分已提交，不能再修改自评。"))
    before = review.self_assessment
    review.self_assessment = text
    review.self_assessed_at = timezone.now()
    review.save(update_fields=["self_assessment", "self_assessed_at"])
    audit_record(
        actor=actor,
        action="review.self_assess",
        obj=review,
        organisation=review.organisation,
        changes={"self_assessment": [before, text]},
    )
    return review


TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": (("draft", "returned"), "submitted"),
    "return": (("submitted", "confirmed"), "returned"),
    "confirm": (("submitted",), "confirmed"),
    "publish": (("confirmed",), "published"),
}


def review_refusal(actor: User, review: OrganisationReview, action: str) -> str | None:
    """Why `actor` may not take `action` (a TRANSITIONS key) on the review now, or None.

    The one rule behind both the scoring page's buttons and `review_transition`, so a button
    is offered only to someone the service will let press it: the reviewer in scope, in a
    status the action leaves from, and for confirming or returning a second reviewer."""
    if not scope.can(actor, "review", review.organisation):
        return _("不能评价本人任职的组织。")
    allowed_from, _target = TRANSITIONS[action]
    if review.status not in allowed_from:
        return _("当前状态为“%(status)s”，不能执行该操作。") % {
            "status": review.get_status_display()
        }
    if action in ("confirm", "return") and not scope.can(actor, "second", review):
        return _("复核须由评分人以外的审核人进行。")
    return None


def review_may(actor: User, review: OrganisationReview, action: str) -> bool:
    return review_refusal(actor, review, action) is None


@transaction.atomic
def review_transition(
    *, actor: User, review: OrganisationReview, action: str, comment: str = ""
) -> OrganisationReview:
    """Move a review through its workflow. Confirming or returning needs a second reviewer."""
    refusal = review_refusal(actor, review, action)
    if refusal is not None:
        raise AssessmentError(refusal)
    _allowed_from, target = TRANSITIONS[action]
    if action == "return" and not comment.strip():
        raise AssessmentError(_("退回时必须填写意见。"))
    before = review.status
    fields = ["status", "version"]
    review.status = target
    review.version += 1
    if action == "submit":
        review.submitted_at = timezone.now()
        review.scored_by = actor if review.scored_by_id is None else review.scored_by
        fields += ["submitted_at", "scored_by"]
    elif action == "return":
        review.return_comment = comment
        fields.append("return_comment")
    elif action == "confirm":
        review.confirmed_by = actor
        fields.append("confirmed_by")
    elif action == "publish":
        review.published_at = timezone.now()
        fields.append("published_at")
    review.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=f"review.{action}",
        obj=review,
        organisation=review.organisation,
        changes={"status": [before, target], **({"comment": comment} if comment else {})},
    )
    if action == "submit":
        handovers.announce("review_submitted", obj=review, actor=actor)
    if action == "publish":
        # A published review is final (nothing moves it out of "published"), so its
        # publication is the only moment a quarterly score reaches the results.
        results_mark_stale(
            actor=actor,
            year=review.round.year,
            organisation=review.organisation,
            change=stale.Change.REVIEW,
            detail=str(review.round),
        )
    return review


# --- bonus/deduction ledger --------------------------------------------------------------------


@files.atomic()
def ledger_propose(
    *,
    actor: User,
    organisation: Organisation,
    year: Year,
    kind: str,
    points: Decimal,
    reason: str,
    evidence: Evidence | None = None,
    upload: UploadedFile | None = None,
) -> LedgerEntry:
    """`upload`, if given, becomes the entry's evidence in the same transaction."""
    _check_not_own(actor, organisation)
    if not reason.strip():
        raise AssessmentError(_("加减分必须说明理由。"))
    if not Decimal(0) < points <= 20:
        raise AssessmentError(_("加减分分值须大于 0 且不超过 20。"))
    if upload is not None:
        evidence = evidence_upload(
            actor=actor, organisation=organisation, upload=upload, reviewers_only=True
        )
    entry = LedgerEntry.objects.create(
        organisation=organisation,
        year=year,
        kind=kind,
        points=points,
        reason=reason,
        evidence=evidence,
        proposed_by=actor,
    )
    audit_record(
        actor=actor,
        action="ledger.propose",
        obj=entry,
        organisation=organisation,
        changes={"kind": kind, "points": str(points), "reason": reason},
    )
    handovers.announce("ledger_proposed", obj=entry, actor=actor)
    return entry


@transaction.atomic
def ledger_decide(*, actor: User, entry: LedgerEntry, approve: bool) -> LedgerEntry:
    _check_not_own(actor, entry.organisation)
    if entry.status != LedgerEntry.Status.PENDING:
        raise AssessmentError(_("该加减分已审批。"))
    if not scope.can(actor, "second", entry):
        raise AssessmentError(_("加减分须由提出人以外的审核人审批。"))
    entry.status = LedgerEntry.Status.APPROVED if approve else LedgerEntry.Status.REJECTED
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="ledger.approve" if approve else "ledger.reject",
        obj=entry,
        organisation=entry.organisation,
        changes={"status": ["pending", entry.status]},
    )
    if approve:  # only approved entries count (results.load_inputs); a rejection changes nothing
        sign = "+" if entry.kind == LedgerEntry.Kind.BONUS else "−"
        results_mark_stale(
            actor=actor,
            year=entry.year,
            organisation=entry.organisation,
            change=stale.Change.LEDGER,
            detail=f"{sign}{Decimal(entry.points).normalize():f} {entry.reason}",
        )
    return entry


# --- year-end duty report and review meeting ---------------------------------------------------


@files.atomic()
def report_save(
    *,
    actor: User,
    organisation: Organisation,
    year: Year,
    text: str,
    version: int | None,
    attachments: Iterable[Evidence] = (),
    uploads: Sequence[UploadedFile] = (),
    submit: bool = False,
    today: datetime.date | None = None,
) -> DutyReport:
    """Save (or submit) the report; `uploads` are stored as attachments only once the checks
    and the compare-and-swap have passed, in the same transaction."""
    report, _created = DutyReport.objects.get_or_create(organisation=organisation, year=year)
    if report.submitted_at is not None:
        raise AssessmentError(_("述职报告已提交，不能再修改。"))
    if submit:
        deadline = scheme_for(year).report_deadline
        today = today or timezone.localdate()
        if deadline is not None and today > deadline:
            raise AssessmentError(
                _("已超过述职报告提交截止日期（%(d)s）。") % {"d": deadline.isoformat()}
            )
        if not text.strip():
            raise AssessmentError(_("提交前请填写述职报告内容。"))
    for upload in uploads:
        evidence_check(upload)
    expected = report.version if version is None else version
    values: dict[str, Any] = {"text": text}
    if submit:
        values.update(submitted_at=timezone.now(), submitted_by=actor)
    updated = DutyReport.objects.filter(pk=report.pk, version=expected).update(
        version=F("version") + 1, **values
    )
    if updated != 1:
        raise ConcurrentEditError
    report.refresh_from_db()
    added = [
        evidence_upload(actor=actor, organisation=organisation, upload=upload) for upload in uploads
    ]
    added += attachments
    if added:
        report.attachments.add(*added)
    audit_record(
        actor=actor,
        action="report.submit" if submit else "report.save",
        obj=report,
        organisation=organisation,
        changes={"length": len(text), "attachments": [f.original_name for f in added]},
    )
    if submit:
        handovers.announce("report_submitted", obj=report, actor=actor)
    return report


@transaction.atomic
def report_raters_set(*, actor: User, report: DutyReport, raters: Iterable[User]) -> DutyReport:
    _check_not_own(actor, report.organisation)
    if report.meeting_closed_at is not None:
        raise AssessmentError(_("评议已结束。"))
    people = list(raters)
    report.raters.set(people)
    audit_record(
        actor=actor,
        action="report.raters",
        obj=report,
        organisation=report.organisation,
        changes={"raters": [p.username for p in people]},
    )
    return report


@transaction.atomic
def vote_cast(*, actor: User, report: DutyReport, choice: str) -> Vote:
    """One vote per rater: a second vote replaces the first until the meeting closes."""
    if report.meeting_closed_at is not None:
        raise AssessmentError(_("评议已结束，不能再投票。"))
    if report.submitted_at is None:
        raise AssessmentError(_("述职报告尚未提交，暂不能评议。"))
    if not scope.can(actor, "rate", report):
        raise AssessmentError(_("您不是该组织述职评议的评议人。"))
    own = scope.filter_for(actor, Vote.objects.filter(report=report), action="own")
    before = own.values_list("choice", flat=True)
    previous = before.first()
    vote, _created = Vote.objects.update_or_create(
        report=report, rater=actor, defaults={"choice": Grade(choice), "cast_at": timezone.now()}
    )
    # Anonymous in results: the audit keeps that a vote was cast, not what it was.
    audit_record(actor=actor, action="vote.cast", obj=report, organisation=report.organisation)
    if previous != vote.choice:
        # No detail: who voted, and what, stays out of the mark as it stays out of the tally.
        results_mark_stale(
            actor=actor,
            year=report.year,
            organisation=report.organisation,
            change=stale.Change.VOTE,
        )
    return vote


@transaction.atomic
def meeting_close(*, actor: User, report: DutyReport) -> DutyReport:
    _check_not_own(actor, report.organisation)
    if report.meeting_closed_at is not None:
        raise AssessmentError(_("评议已结束。"))
    report.meeting_closed_at = timezone.now()
    report.save(update_fields=["meeting_closed_at"])
    audit_record(
        actor=actor, action="report.close_meeting", obj=report, organisation=report.organisation
    )
    return report


@transaction.atomic
def comment_add(*, actor: User, report: DutyReport, text: str) -> ReviewComment:
    _check_not_own(actor, report.organisation)
    if not text.strip():
        raise AssessmentError(_("请填写点评意见。"))
    comment = ReviewComment.objects.create(report=report, author=actor, text=text)
    audit_record(
        actor=actor,
        action="report.comment",
        obj=comment,
        organisation=report.organisation,
        changes={"text": text},
    )
    return comment


# --- exports -----------------------------------------------------------------------------------


@transaction.atomic
def export_job_start(*, actor: User, year: Year, organisation_ids: list[int]) -> ExportJob:
    """Queue a results workbook; the task is sent after commit and a broker outage fails soft:
    the job stays PENDING and export_jobs_resume sends it again."""
    job = ExportJob.objects.create(
        requested_by=actor, year=year, organisation_ids=sorted(organisation_ids)
    )
    audit_record(
        actor=actor,
        action="export",
        obj=job,
        changes={
            "what": "annual_results",
            "year": year.year,
            "organisations": len(organisation_ids),
        },
    )
    transaction.on_commit(lambda: _enqueue_export(job.pk))
    return job


EXPORT_RESUME_AFTER = datetime.timedelta(minutes=1)
EXPORT_RESUME_BATCH = 100


def _enqueue_export(job_id: int) -> bool:
    """Send the build task through the fail-soft enqueue; if the broker is down or cooling
    down, note it on the job (its page says so) and leave it PENDING for the resume."""
    from .tasks import build_export

    if queue.enqueue(build_export, job_id):
        return True
    ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.PENDING).update(
        enqueue_failed_at=timezone.now()
    )
    return False


def export_jobs_resume(*, now: datetime.datetime | None = None) -> int:
    """Send again the jobs still PENDING a minute after they were requested (their enqueue
    failed, or the message was lost with the broker) and those left RUNNING by a dead worker
    (ExportJob.STALE_AFTER). A job sent twice is built once (the claim in
    exports.export_job_run). Stops at the first failed enqueue: the broker is down."""
    now = now or timezone.now()
    pending = ExportJob.objects.filter(
        ExportJob.claimable(now), created_at__lt=now - EXPORT_RESUME_AFTER
    )
    oldest_first = pending.order_by("created_at").values_list("pk", flat=True)
    sent = 0
    for job_id in list(oldest_first[:EXPORT_RESUME_BATCH]):
        if not _enqueue_export(job_id):
            break
        sent += 1
    return sent
