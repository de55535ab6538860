"""The annual results workbook, written in openpyxl's streaming (write_only) mode.

Sheets: a summary, one per tier, the item-level breakdown, the bonus/deduction ledger, vote
tallies, and any sheets higher apps register (the rectification ledger). Organisations are read
in chunks so memory stays flat at province scale.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from responsibility.models import ChecklistItem, Organisation, Tier, Year

from . import scoring
from .models import AnnualResult, ItemScore, LedgerEntry, Vote
from .results import default_as_of, obligation_facts, rules_from
from .services import scheme_for

ORG_CHUNK = 200
FORMULA_START = ("=", "+", "-", "@")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 12
    number_format: str | None = None


class SheetWriter:
    """A write-only sheet with a styled, frozen, printed header and formula-safe cells."""

    def __init__(self, workbook: Workbook, title: str, columns: Sequence[Column]) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.columns = columns
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        self.sheet.print_title_rows = "1:1"
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=column.title)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        self.sheet.append(header)

    def row(self, values: Iterable[Any]) -> None:
        self.sheet.append(
            [self.cell(value, column) for value, column in zip(values, self.columns, strict=True)]
        )

    def cell(self, value: Any, column: Column) -> WriteOnlyCell | Any:
        if isinstance(value, str):
            cell = WriteOnlyCell(self.sheet, value=value)
            # Text that looks like a formula stays text: an export must never execute.
            if value.startswith(FORMULA_START):
                cell.data_type = "s"
            return cell
        if isinstance(value, Decimal):
            value = float(value)
        if column.number_format and isinstance(value, int | float):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = column.number_format
            return cell
        if isinstance(value, datetime.datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        return value


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


def _summary_values(result: AnnualResult) -> list[Any]:
    quarters = result.quarter_scores or {}
    return [
        result.organisation.unit.name if result.organisation.unit else "",
        result.organisation.name,
        result.organisation.tier.name,
        result.process_score,
        *[_decimal((quarters.get(str(q)) or {}).get("review")) for q in range(1, 5)],
        result.year_end_score,
        result.ledger_points,
        result.composite,
        result.get_grade_display(),
        result.rank_in_tier,
        result.version,
        result.published_at,
        result.grade_note,
    ]


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value not in (None, "") else None


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
    """Write the annual workbook for the given organisations; returns the item rows written."""
    workbook = Workbook(write_only=True)
    tiers = list(Tier.objects.filter(has_checklist=True).order_by("sort_order"))
    results = list(
        AnnualResult.objects.filter(
            year=year, is_current=True, organisation_id__in=organisation_ids
        )
        .select_related("organisation__tier", "organisation__unit")
        .order_by("organisation__tier__sort_order", "rank_in_tier", "organisation__path")
    )
    summary = SheetWriter(workbook, "汇总", SUMMARY_COLUMNS)
    for result in results:
        summary.row(_summary_values(result))
    for tier in tiers:
        sheet = SheetWriter(workbook, tier.name[:31], SUMMARY_COLUMNS)
        for result in results:
            if result.organisation.tier_id == tier.pk:
                sheet.row(_summary_values(result))
    rows = _write_items(workbook, year, organisation_ids, progress)
    _write_ledger(workbook, year, organisation_ids)
    _write_votes(workbook, year, organisation_ids, results)
    for extra in EXTRA_SHEETS:
        extra(workbook, year, organisation_ids)
    workbook.save(path)
    if progress:
        progress(100)
    return rows


def _write_items(
    workbook: Workbook, year: Year, organisation_ids: list[int], progress: Progress | None
) -> int:
    sheet = SheetWriter(workbook, "事项明细", ITEM_COLUMNS)
    rules = rules_from(scheme_for(year))
    as_of = default_as_of(year)
    written = 0
    chunks = list(_chunks(sorted(organisation_ids), ORG_CHUNK))
    for done, chunk in enumerate(chunks, start=1):
        facts = obligation_facts(year, chunk)
        scores: dict[tuple[int, int], ItemScore] = {
            (s.item_id, s.review.round.quarter): s
            for s in ItemScore.objects.filter(
                review__round__year=year,
                review__status="published",
                review__organisation_id__in=chunk,
            ).select_related("review__round")
        }
        organisations = (
            Organisation.objects.filter(pk__in=chunk)
            .select_related("unit")
            .prefetch_related(
                Prefetch(
                    "checklists__items",
                    queryset=ChecklistItem.objects.filter(checklist__year=year).order_by(
                        "sort_order", "ref"
                    ),
                )
            )
            .order_by("path")
        )
        for organisation in organisations:
            process = scoring.process_score(facts.get(organisation.pk, []), rules, as_of=as_of)
            for checklist in organisation.checklists.all():
                for item in checklist.items.all():
                    row = process.items.get(item.pk) or scoring.ItemProcess(item_id=item.pk)
                    quarter_scores = [scores.get((item.pk, q)) for q in range(1, 5)]
                    reasons = "；".join(
                        f"Q{q}：{s.reason}"
                        for q, s in enumerate(quarter_scores, start=1)
                        if s and s.reason
                    )
                    sheet.row(
                        [
                            organisation.unit.name if organisation.unit else "",
                            organisation.name,
                            item.ref,
                            item.group,
                            item.content,
                            item.points,
                            row.due,
                            row.done - row.late,
                            row.late,
                            row.missing,
                            scoring.q2(row.earned),
                            scoring.q2(row.possible),
                            *[s.score if s else None for s in quarter_scores],
                            reasons,
                        ]
                    )
                    written += 1
        if progress:
            progress(int(90 * done / len(chunks)))
    return written


def _write_ledger(workbook: Workbook, year: Year, organisation_ids: list[int]) -> None:
    sheet = SheetWriter(
        workbook,
        "加减分",
        [
            Column("单位", 20),
            Column("组织", 26),
            Column("类型", 8),
            Column("分值", 8, SCORE),
            Column("理由", 50),
            Column("提出人", 10),
            Column("审批人", 10),
            Column("状态", 8),
            Column("提出时间", 18, "yyyy-mm-dd hh:mm"),
        ],
    )
    for entry in (
        LedgerEntry.objects.filter(year=year, organisation_id__in=organisation_ids)
        .select_related("organisation__unit", "proposed_by", "decided_by")
        .order_by("organisation__path", "proposed_at")
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


def _write_votes(
    workbook: Workbook, year: Year, organisation_ids: list[int], results: list[AnnualResult]
) -> None:
    sheet = SheetWriter(
        workbook,
        "评议票",
        [
            Column("单位", 20),
            Column("组织", 26),
            Column("好", 6, "0"),
            Column("较好", 6, "0"),
            Column("一般", 6, "0"),
            Column("差", 6, "0"),
            Column("合计", 6, "0"),
            Column("年底述职得分", 12, SCORE),
        ],
    )
    tallies: dict[int, Counter[str]] = defaultdict(Counter)
    for org_id, choice in Vote.objects.filter(
        report__year=year, report__organisation_id__in=organisation_ids
    ).values_list("report__organisation_id", "choice"):
        tallies[org_id][choice] += 1
    for result in results:
        tally = tallies.get(result.organisation_id)
        if not tally:
            continue
        counts = [tally.get(g, 0) for g in ("good", "fairly_good", "average", "poor")]
        sheet.row(
            [
                result.organisation.unit.name if result.organisation.unit else "",
                result.organisation.name,
                *counts,
                sum(counts),
                result.year_end_score,
            ]
        )


def export_job_run(job_id: int) -> None:
    """Build a job's workbook (called by the Celery task, or inline without a broker)."""
    from django.core.files import File

    from .models import ExportJob

    job = ExportJob.objects.select_related("year").get(pk=job_id)
    if job.status == ExportJob.Status.DONE:
        return  # a redelivered task (acks_late) must not build twice
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, progress=1)

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=min(percent, 99))

    import tempfile

    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "results.xlsx"
            rows = write_workbook(path, job.year, job.organisation_ids, progress=progress)
            with path.open("rb") as handle:
                job.file.save(f"{job.year.year}-results-{job.pk}.xlsx", File(handle), save=False)
    except Exception as exc:
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:300], finished_at=timezone.now()
        )
        raise
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        progress=100,
        rows=rows,
        file=job.file.name,
        finished_at=timezone.now(),
    )
