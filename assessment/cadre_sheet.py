"""The 干部任职和岗位交流参考表 as a workbook: one sheet per person, written with openpyxl's
write-only mode like every export (`sheet_writer`), from `selectors.cadre_record.records`.

A sheet lists the record section by section, one fact a row: 栏目 (the section), 事项, 时间 and
情况. The people come in chunks, each chunk read in the records' fixed number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook

from responsibility.models import User

from .selectors.cadre_record import CadreRecord
from .sheet_writer import Column, SheetWriter

CHUNK = 200
COLUMNS = [Column("栏目", 14), Column("事项", 40), Column("时间", 24), Column("情况", 50)]
# Excel refuses these in a sheet's name, and names longer than 31 characters.
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")


def sheet_title(person: User, taken: set[str]) -> str:
    base = SHEET_NAME_FORBIDDEN.sub("_", person.display_name or person.username)[:24] or "_"
    title = base
    if title in taken:
        title = f"{base}({person.pk})"[:31]
    taken.add(title)
    return title


def _period(start: object, end: object) -> str:
    return f"{start} — {end or _('至今')}"


def record_rows(record: CadreRecord) -> Iterator[list[object]]:
    person = record.person
    birth = f"{person.birth_date:%Y-%m}" if person.birth_date else ""
    yield [_("基本情况"), f"{person.display_name}（{person.username}）", birth, ""]
    for post in record.posts:
        yield [
            _("任职经历"),
            f"{post.organisation.name} {post.get_kind_display()}",
            _period(post.start_date, post.end_date),
            _("现任") if post.is_current() else "",
        ]
    for rotation in record.rotations:
        yield [
            _("岗位交流"),
            f"{rotation.from_post} → {rotation.to_post}",
            rotation.moved_on,
            rotation.note,
        ]
    for grade in record.grades:
        yield [
            _("本人考核等次"),
            f"{grade.organisation.name} {grade.post_label}".strip(),
            grade.year.year,
            f"{grade.composite} {grade.get_grade_display()} {grade.grade_note}".strip(),
        ]
    for duties in record.duties:
        tally = duties.tally
        yield [
            _("个人履责"),
            "；".join(
                f"{row.content}（{row.tally.done}/{row.tally.total}）" for row in duties.rows
            ),
            duties.year,
            _("完成 %(d)d/%(t)d（%(p)d%%），逾期完成 %(l)d")
            % {"d": tally.done, "t": tally.total, "p": tally.percent, "l": tally.late},
        ]
    for link in record.links:
        yield [
            _("分管与联系"),
            f"{link.get_kind_display()} {link.organisation.name} {link.department}".strip(),
            _period(link.start_date, link.end_date),
            "",
        ]
    for year in record.hours:
        state = _("达到要求") if year.met else _("差 %(h)s 学时") % {"h": year.missing}
        yield [
            _("培训学时"),
            _("%(y)d 年党务知识培训 %(h)s 学时（要求 %(r)s 学时）")
            % {"y": year.year, "h": year.hours, "r": year.required},
            year.year,
            state,
        ]
    for row in record.attendance:
        yield [_("培训记录"), row.training.topic, row.training.held_on, f"{row.hours} 学时"]
    for result in record.results:
        yield [
            _("所在组织考核"),
            result.organisation.name,
            result.year.year,
            f"{result.composite} {result.get_grade_display()}",
        ]
    for candidacy in record.candidacies:
        yield [
            _("业务骨干"),
            candidacy.reason,
            candidacy.proposed_on,
            candidacy.get_state_display(),
        ]
    for section in record.sections:
        if not section.lines:
            yield [section.title, _("无"), "", ""]
        for line in section.lines:
            yield [section.title, line.title, line.on, line.detail]


def write_reference_sheets(
    workbook: Workbook,
    people: Sequence[User],
    read: Callable[[Sequence[User]], Iterable[CadreRecord]],
) -> int:
    """One sheet per person, in the order given; `read` reads a chunk of records."""
    taken: set[str] = set()
    written = 0
    for start in range(0, len(people), CHUNK):
        for record in read(people[start : start + CHUNK]):
            sheet = SheetWriter(workbook, sheet_title(record.person, taken), COLUMNS)
            for row in record_rows(record):
                sheet.row(row)
            written += 1
    return written
