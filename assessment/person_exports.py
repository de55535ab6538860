"""The person results' sheet of the annual results workbook (个人抓党建考核, issue #19.3):
one row per current person result whose organisation the export covers, streamed from one
query like the workbook's other sheets (`exports.write_workbook`). The grade note names no case
(person_scoring); the 待更新 mark is the neutral summary, as on the summary sheet."""

from __future__ import annotations

from responsibility.models import Year

from . import stale
from .models import Grade, PersonResult
from .sheet_writer import Column, SheetWriter

SCORE = "0.00"
TITLE = "个人考核结果"
COLUMNS = [
    Column("单位", 22),
    Column("所在组织", 26),
    Column("姓名", 12),
    Column("用户名", 14),
    Column("职务", 36),
    Column("个人履责", 10, SCORE),
    Column("所在组织得分", 12, SCORE),
    Column("培训学时", 10, "0.0"),
    Column("培训得分", 10, SCORE),
    Column("述职测评", 10, SCORE),
    Column("整改扣分", 10, SCORE),
    Column("综合得分", 10, SCORE),
    Column("等次", 8),
    Column("版本", 6, "0"),
    Column("发布时间", 18, "yyyy-mm-dd hh:mm"),
    Column("说明", 40),
    Column("结果状态", 36),
]
FETCH = 2_000  # rows a server-side cursor brings at a time: 2,000 of these 18 fields ~2 MB


def write_person_results(sheet: SheetWriter, year: Year, organisation_ids: list[int]) -> int:
    grades = {value: str(label) for value, label in Grade.choices}
    rows = (
        PersonResult.objects.filter(
            year=year, is_current=True, organisation_id__in=organisation_ids
        )
        .order_by("organisation__path", "person__username", "pk")
        .values_list(
            "organisation__unit__name",
            "organisation__name",
            "person__full_name",
            "person__username",
            "post_label",
            "duties_score",
            "organisation_score",
            "training_hours",
            "training_score",
            "rating_score",
            "rectification_points",
            "composite",
            "grade",
            "version",
            "published_at",
            "grade_note",
            "stale_since",
            "stale_reasons",
        )
    )
    written = 0
    for row in rows.iterator(chunk_size=FETCH):
        (unit, organisation, name, username, posts, *scores, grade, version, published) = row[:15]
        note, since, reasons = row[15:]
        mark = stale.mark_of(since, reasons)
        sheet.row(
            [
                unit or "",
                organisation,
                name or username,
                username,
                posts,
                *scores,
                grades.get(grade, grade),
                version,
                published,
                note,
                mark.summary() if mark is not None else "",
            ]
        )
        written += 1
    return written
