"""The year-end report as a Word file (.docx) for the printed 述职 file (issue #20.4): each
section's text as the secretary wrote it, followed by the facts of the record it was drafted
from, then the closing part and the attachments' names."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Pt

from responsibility.models import Evidence

from .models import DutyReport, DutyReportSection

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NUMERALS = "一二三四五六七八九十"
# XML 1.0 refuses these; a pasted control character must not turn the download into a 500.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(value: Any) -> str:
    return UNPRINTABLE.sub("", str(value))


def _numeral(index: int) -> str:
    return NUMERALS[index] if index < len(NUMERALS) else str(index + 1)


Columns = list[tuple[str, Callable[[dict[str, Any]], Any]]]


def _fact_tables() -> list[tuple[str, str, Columns]]:
    return [
        (
            "checklist",
            _("清单事项完成情况"),
            [
                (_("编号"), lambda r: r["ref"]),
                (_("工作内容"), lambda r: r["content"]),
                (_("频次"), lambda r: r["frequency"]),
                (_("应完成"), lambda r: r["obligations"]),
                (_("已完成"), lambda r: r["done"]),
                (_("逾期完成"), lambda r: "、".join(r["late_periods"])),
                (_("逾期未完成"), lambda r: "、".join(r["missed_periods"])),
                (_("完成日期"), lambda r: "、".join(r["done_on"])),
            ],
        ),
        (
            "deductions",
            _("季度检查扣分"),
            [
                (_("季度"), lambda r: r["quarter"]),
                (_("编号"), lambda r: r["ref"]),
                (_("扣分"), lambda r: r["lost"]),
                (_("扣分理由"), lambda r: r["reason"]),
            ],
        ),
        (
            "rectifications",
            _("整改情况"),
            [
                (_("问题"), lambda r: r["problem"]),
                (_("来源"), lambda r: r["source"]),
                (_("状态"), lambda r: r["state"]),
                (_("整改期限"), lambda r: r["deadline"]),
            ],
        ),
        (
            "findings",
            _("督查发现"),
            [
                (_("督查日期"), lambda r: r["on"]),
                (_("严重程度"), lambda r: r["severity"]),
                (_("发现问题"), lambda r: r["problem"]),
            ],
        ),
        (
            "entries",
            _("加减分"),
            [
                (_("类型"), lambda r: r["kind"]),
                (_("分值"), lambda r: r["points"]),
                (_("理由"), lambda r: r["reason"]),
                (_("批准日期"), lambda r: r["on"]),
            ],
        ),
    ]


def _paragraphs(document: DocxDocument, text: str) -> None:
    for line in _clean(text).splitlines():
        if line.strip():
            document.add_paragraph(line)


def _facts(document: DocxDocument, facts: dict[str, list[dict[str, Any]]]) -> None:
    for kind, title, columns in _fact_tables():
        rows = facts.get(kind, [])
        if not rows:
            continue
        document.add_paragraph(_clean(title), style="Heading 3")
        table = document.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        for cell, (label, _value) in zip(table.rows[0].cells, columns, strict=True):
            cell.text = label
        for row in rows:
            cells = table.add_row().cells
            for cell, (_label, value) in zip(cells, columns, strict=True):
                cell.text = _clean(value(row))


def report_docx(
    report: DutyReport, sections: Sequence[DutyReportSection], attachments: Sequence[Evidence]
) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    # Word picks East Asian text's font from eastAsia, not from the Latin name.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    document.add_heading(
        _clean(
            _("%(org)s %(year)d年度述职报告")
            % {"org": report.organisation.name, "year": report.year.year}
        ),
        level=0,
    )
    if report.submitted_at is not None:
        status = _("%(who)s 于 %(when)s 提交") % {
            "who": report.submitted_by.display_name if report.submitted_by else "",
            "when": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d"),
        }
    else:
        status = _("草稿（尚未提交）")
    document.add_paragraph(_clean(status))
    for index, section in enumerate(sections):
        document.add_heading(f"{_numeral(index)}、{_clean(section.title)}", level=1)
        _paragraphs(document, section.text)
        if section.facts:
            document.add_heading(_("年度记录"), level=2)
            _facts(document, section.facts)
    if report.text.strip() or not sections:
        title = _("存在问题和下一步打算") if sections else _("述职报告")
        prefix = f"{_numeral(len(sections))}、" if sections else ""
        document.add_heading(prefix + title, level=1)
        _paragraphs(document, report.text)
    if attachments:
        document.add_heading(_("附件"), level=1)
        for attachment in attachments:
            document.add_paragraph(_clean(attachment.original_name), style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
