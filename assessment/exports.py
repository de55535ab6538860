"""The annual results workbook, written in openpyxl's streaming (write_only) mode.

Sheets: a summary, one per tier, the item-level breakdown, the bonus/deduction ledger, vote
tallies, the person results (person_exports), and any sheets higher apps register (the
rectification ledger). Tables are read as streams of plain values, not model instances, and the
item breakdown one chunk of organisations at a time, so memory stays flat at province scale and
the time goes into writing the cells.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.utils import timezone
from openpyxl import Workbook

from responsibility.models import ChecklistItem, Obligation, Tier, Year

from . import person_exports, scoring, stale
from .models import AnnualResult, Grade, ItemScore, LedgerEntry, OrganisationReview, Vote
from .results import default_as_of, rules_from
from .selectors import scheme_for
from .sheet_writer import Column, SheetWriter

ORG_CHUNK = 200
FETCH = 10_000  # rows a server-side cursor brings at a time (a few MB at most)


Progress = Callable[[int], None]


# Higher apps add sheets without this app importing them (see accountability.apps).
ExtraSheet = Callable[[Workbook, Year, list[int]], None]
EXTRA_SHEETS: list[ExtraSheet] = []

SCORE = "0.00"
SUMMARY_COLUMNS = [
    Column("单位", 22),
    Column("组织", 28),
    Column("层级", 14),
    Column("过程监督", 10, SCORE),
    Column("一季度", 9, SCORE),
    Column("二季度", 9, SCORE),
    Column("三季度", 9, SCORE),
    Column("四季度", 9, SCORE),
    Column("年底述职", 10, SCORE),
    Column("加减分", 9, SCORE),
    Column("综合得分", 10, SCORE),
    Column("等次", 8),
    Column("层级排名", 9, "0"),
    Column("版本", 6, "0"),
    Column("发布时间", 18, "yyyy-mm-dd hh:mm"),
    Column("说明", 40),
    # 待更新 with when and the neutral kind of change (stale.Mark.summary): the workbook goes to
    # reviewers outside the register too, so a cap's detail never reaches it.
    Column("结果状态", 36),
]
ITEM_COLUMNS = [
    Column("单位", 20),
    Column("组织", 26),
    Column("编号", 10),
    Column("类别", 14),
    Column("工作内容", 50),
    Column("分值", 7, SCORE),
    Column("应完成", 8, "0"),
    Column("按时完成", 8, "0"),
    Column("逾期完成", 8, "0"),
    Column("未完成", 8, "0"),
    Column("过程得分", 9, SCORE),
    Column("过程可得", 9, SCORE),
    Column("一季度", 8, SCORE),
    Column("二季度", 8, SCORE),
    Column("三季度", 8, SCORE),
    Column("四季度", 8, SCORE),
    Column("扣分理由", 40),
]


def _chunks(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def write_workbook(
    path: Path,
    year: Year,
    organisation_ids: list[int],
    *,
    progress: Progress | None = None,
) -> int:
    """Write the annual workbook for the given organisations; returns the item rows written.

    Every sheet is created first (the workbook keeps them in that order) so each table is read
    once, as a stream, and its rows go straight to whichever sheets show them.
    """
    workbook = Workbook(write_only=True)
    summary = SheetWriter(workbook, "汇总", SUMMARY_COLUMNS)
    tiers = {
        tier_id: SheetWriter(workbook, name[:31], SUMMARY_COLUMNS)
        for tier_id, name in Tier.objects.filter(has_checklist=True)
        .order_by("sort_order")
        .values_list("pk", "name")
    }
    items = SheetWriter(workbook, "事项明细", ITEM_COLUMNS)
    ledger = SheetWriter(workbook, "加减分", LEDGER_COLUMNS)
    votes = SheetWriter(workbook, "评议票", VOTE_COLUMNS)
    people = SheetWriter(workbook, person_exports.TITLE, person_exports.COLUMNS)
    _write_results(summary, tiers, votes, year, organisation_ids)
    rows = _write_items(items, year, organisation_ids, progress)
    _write_ledger(ledger, year, organisation_ids)
    person_exports.write_person_results(people, year, organisation_ids)
    for extra in EXTRA_SHEETS:
        extra(workbook, year, organisation_ids)
    workbook.save(path)
    if progress:
        progress(100)
    return rows


def _write_results(
    summary: SheetWriter,
    tiers: dict[int, SheetWriter],
    votes: SheetWriter,
    year: Year,
    organisation_ids: list[int],
) -> None:
    """The summary, each tier's sheet and the vote tallies: one pass over the results."""
    grades = {value: str(label) for value, label in Grade.choices}
    tallies: dict[int, dict[str, int]] = defaultdict(dict)
    for org_id, choice, count in (
        Vote.objects.filter(report__year=year, report__organisation_id__in=organisation_ids)
        .values_list("report__organisation_id", "choice")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        tallies[org_id][choice] = count
    results = (
        AnnualResult.objects.filter(
            year=year, is_current=True, organisation_id__in=organisation_ids
        )
        .order_by("organisation__tier__sort_order", "rank_in_tier", "organisation__path")
        .values_list(
            "organisation_id",
            "organisation__tier_id",
            "organisation__unit__name",
            "organisation__name",
            "organisation__tier__name",
            "process_score",
            "quarter_scores",
            "year_end_score",
            "ledger_points",
            "composite",
            "grade",
            "rank_in_tier",
            "version",
            "published_at",
            "grade_note",
            "stale_since",
            "stale_reasons",
        )
    )
    for org_id, tier_id, unit, name, tier, process, quarters, year_end, *rest in results.iterator(
        chunk_size=FETCH
    ):
        ledger_points, composite, grade, rank, version, published_at, note, since, reasons = rest
        mark = stale.mark_of(since, reasons) if since is not None else None
        quarters = quarters or {}
        values = [
            unit or "",
            name,
            tier,
            process,
            *[_decimal((quarters.get(str(q)) or {}).get("review")) for q in range(1, 5)],
            year_end,
            ledger_points,
            composite,
            grades.get(grade, grade),
            rank,
            version,
            published_at,
            note,
            mark.summary() if mark is not None else "—",
        ]
        summary.row(values)
        if tier_id in tiers:
            tiers[tier_id].row(values)
        tally = tallies.get(org_id)
        if tally:
            counts = [tally.get(g, 0) for g in ("good", "fairly_good", "average", "poor")]
            votes.row([unit or "", name, *counts, sum(counts), year_end])


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value else None


def _write_items(
    sheet: SheetWriter, year: Year, organisation_ids: list[int], progress: Progress | None
) -> int:
    """The item-level breakdown: per item, its process figures (scored exactly as the results
    were, from its obligations) and its published quarterly scores.

    Organisations go in chunks, by id, as they always have; a chunk's share is in memory at
    a time. Obligations are read a chunk at a time (see _outcomes); scores are one query,
    ordered by organisation, read alongside.
    """
    rules = rules_from(scheme_for(year))
    # Items of a tier share their points and mostly how their obligations went: each such
    # pattern is figured once (a province has a few thousand of them).
    figures = functools.lru_cache(maxsize=FIGURES_CACHED)(
        functools.partial(
            _process_figures, late_share=rules.late_share, evidence_share=rules.evidence_share
        )
    )
    as_of = default_as_of(year)
    chunks = list(_chunks(sorted(organisation_ids), ORG_CHUNK))
    scores = _by_chunk(_scores(year, organisation_ids), chunks)
    written = 0
    for done, chunk in enumerate(chunks, start=1):
        codes_of: dict[int, list[str]] = defaultdict(list)
        for _org, item_id, code in _outcomes(year, chunk, as_of):
            codes_of[item_id].append(code)
        quarters_of: dict[int, list[Any]] = {}
        for _org, item_id, quarter, score, reason in next(scores):
            # Four scores, then four reasons.
            quarters = quarters_of.setdefault(item_id, [None] * 8)
            quarters[quarter - 1] = score
            quarters[quarter + 3] = reason
        for unit, name, item_id, ref, group, content, points in _items(year, chunk):
            codes = codes_of.get(item_id)
            quarters = quarters_of.get(item_id) or NO_SCORES
            sheet.row(
                [
                    unit or "",
                    name,
                    ref,
                    group,
                    content,
                    points,
                    *figures(points, "".join(codes) if codes else ""),
                    *quarters[:4],
                    _reasons(quarters[4:]) if quarters is not NO_SCORES else None,
                ]
            )
            written += 1
        if progress:
            progress(int(90 * done / len(chunks)))
    return written


FIGURES_CACHED = 4096
NO_SCORES: list[Any] = [None] * 8
# An obligation's outcome, as process scoring tells them apart (scoring.ItemProcess.count):
# not counted (not due yet, or not applicable), missing, done on time / late, with evidence
# or without. Letters rather than numbers: Django converts a numeric expression's value row by
# row, text it hands over as it comes.
UNCOUNTED, MISSING = "-", "m"
DONE = {"o", "l", "e", "b"}
LATE = {"l", "b"}
WITH_EVIDENCE = {"o", "l"}


def _reasons(reasons: list[str | None]) -> str:
    return "；".join(f"Q{q}：{reason}" for q, reason in enumerate(reasons, start=1) if reason)


def _process_figures(
    points: Decimal, codes: str, *, late_share: Decimal, evidence_share: Decimal
) -> tuple[int, int, int, int, Decimal, Decimal]:
    """An item's due, on time, late, missing, earned and possible, from its obligations'
    outcomes in order, added up by the rule the results use (scoring.ItemProcess.count)."""
    row = scoring.ItemProcess(item_id=0)
    if codes:
        weight = points / len(codes)  # each obligation's share of the item's points
        for code in codes:
            if code != UNCOUNTED:
                row.count(
                    weight,
                    done=code in DONE,
                    is_late=code in LATE,
                    has_evidence=code in WITH_EVIDENCE,
                    late_share=late_share,
                    evidence_share=evidence_share,
                )
    return (
        row.due,
        row.done - row.late,
        row.late,
        row.missing,
        scoring.q2(row.earned),
        scoring.q2(row.possible),
    )


def _by_chunk(rows: Iterable[tuple], chunks: list[list[int]]) -> Iterator[list[tuple]]:
    """Rows ordered by organisation id (their first value), cut at the chunks' boundaries."""
    rows = iter(rows)
    row = next(rows, None)
    for chunk in chunks:
        taken = []
        while row is not None and row[0] <= chunk[-1]:
            taken.append(row)
            row = next(rows, None)
        yield taken


def _outcomes(year: Year, organisation_ids: list[int], as_of: datetime.date) -> Iterator[tuple]:
    """(organisation, item, outcome) of every obligation of a chunk of organisations, each
    item's in process_score's order (due date, id): the Decimal sums round, so they match the
    results' only in that order.

    Evidence is a hashed IN lookup of the chunk's evidenced obligations: a correlated EXISTS is
    costed so high for a province that PostgreSQL JIT-compiles the query, which takes longer
    than running it. One query for all organisations once looked up the whole table's evidence
    instead; at three provinces that set outgrew work_mem, PostgreSQL fell back to scanning it
    for every obligation, and the export ran past 8 minutes (#22). A chunk's set stays small at
    any size: 20.6 s at one province, 56.4 s at three (exponent 0.92), peak 93 → 100 MB."""
    evidenced = Obligation.evidence.through.objects.filter(
        obligation__year=year, obligation__organisation_id__in=organisation_ids
    ).values("obligation_id")
    evidence = Q(pk__in=evidenced)
    late = Q(is_late=True)
    outcome = Case(
        When(
            Q(due_date__gt=as_of) | Q(status=Obligation.Status.NOT_APPLICABLE),
            then=Value(UNCOUNTED),
        ),
        When(~Q(status=Obligation.Status.DONE), then=Value(MISSING)),
        When(evidence, then=Case(When(late, then=Value("l")), default=Value("o"))),
        When(late, then=Value("b")),
        default=Value("e"),
        output_field=CharField(),
    )
    return (
        Obligation.objects.filter(year=year, organisation_id__in=organisation_ids)
        .annotate(outcome=outcome)
        .order_by("organisation_id", "due_date", "pk")
        .values_list("organisation_id", "item_id", "outcome")
        .iterator(chunk_size=FETCH)
    )


def _scores(year: Year, organisation_ids: list[int]) -> Iterator[tuple]:
    """(organisation, item, quarter, score, reason) of the year's published item scores."""
    return (
        ItemScore.objects.filter(
            review__round__year=year,
            review__status=OrganisationReview.Status.PUBLISHED,
            review__organisation_id__in=organisation_ids,
        )
        .order_by("review__organisation_id")
        .values_list(
            "review__organisation_id", "item_id", "review__round__quarter", "score", "reason"
        )
        .iterator(chunk_size=FETCH)
    )


def _items(year: Year, organisation_ids: list[int]) -> QuerySet:
    """The items of a chunk's checklists, by organisation path and item order (a chunk's few
    thousand rows come quicker in one fetch than through a server-side cursor)."""
    return (
        ChecklistItem.objects.filter(
            checklist__year=year, checklist__organisation_id__in=organisation_ids
        )
        .order_by("checklist__organisation__path", "sort_order", "ref")
        .values_list(
            "checklist__organisation__unit__name",
            "checklist__organisation__name",
            "pk",
            "ref",
            "group",
            "content",
            "points",
        )
    )


LEDGER_COLUMNS = [
    Column("单位", 20),
    Column("组织", 26),
    Column("类型", 8),
    Column("分值", 8, SCORE),
    Column("理由", 50),
    Column("提出人", 10),
    Column("审批人", 10),
    Column("状态", 8),
    Column("提出时间", 18, "yyyy-mm-dd hh:mm"),
]
VOTE_COLUMNS = [
    Column("单位", 20),
    Column("组织", 26),
    Column("好", 6, "0"),
    Column("较好", 6, "0"),
    Column("一般", 6, "0"),
    Column("差", 6, "0"),
    Column("合计", 6, "0"),
    Column("年底述职得分", 12, SCORE),
]


def _write_ledger(sheet: SheetWriter, year: Year, organisation_ids: list[int]) -> None:
    for entry in (
        LedgerEntry.objects.filter(year=year, organisation_id__in=organisation_ids)
        .select_related("organisation__unit", "proposed_by", "decided_by")
        .order_by("organisation__path", "proposed_at")
        .iterator(chunk_size=FETCH)
    ):
        sheet.row(
            [
                entry.organisation.unit.name if entry.organisation.unit else "",
                entry.organisation.name,
                entry.get_kind_display(),
                entry.signed_points,
                entry.reason,
                entry.proposed_by.display_name if entry.proposed_by else "",
                entry.decided_by.display_name if entry.decided_by else "",
                entry.get_status_display(),
                entry.proposed_at,
            ]
        )


def export_job_run(job_id: int) -> None:
    """Build a job's workbook (called by the Celery task, or inline without a broker).

    The file and the DONE row are one transaction (responsibility.files): a failure deletes
    the file; a killed worker's file is an orphan for `manage.py media_audit`."""
    from django.core.files import File

    from responsibility import files

    from .models import ExportJob

    # Claim the job: a job sent twice (resumed, redelivered) is built once, by whoever claims it;
    # one left RUNNING by a dead worker is claimed again once stale.
    now = timezone.now()
    claimed = ExportJob.objects.filter(ExportJob.claimable(now), pk=job_id).update(
        status=ExportJob.Status.RUNNING, progress=1, enqueue_failed_at=None, started_at=now
    )
    if claimed != 1:
        return
    job = ExportJob.objects.select_related("year").get(pk=job_id)

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=min(percent, 99))

    import tempfile

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "results.xlsx"
            rows = write_workbook(path, job.year, job.organisation_ids, progress=progress)
            with path.open("rb") as handle, files.atomic():
                name = f"{job.year.year}-results-{job.pk}.xlsx"
                files.save(job.file, name, File(handle))
                ExportJob.objects.filter(pk=job.pk).update(
                    status=ExportJob.Status.DONE,
                    progress=100,
                    rows=rows,
                    file=job.file.name,
                    finished_at=timezone.now(),
                )
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        raise
