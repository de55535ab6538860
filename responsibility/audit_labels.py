"""Readable Chinese for the audit trail: what an entry's action code and changed fields mean.

Unknown codes fall back to themselves, so a new action shows up (in code form) rather than
disappearing; add its label here.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "obligation.fill": _("填报"),
    "obligation.reopen": _("重新开放填报"),
    "obligation.dispatch": _("交办任务"),
    "obligation.occurrence": _("记录开展情况"),
    "obligation.detach_evidence": _("移除佐证材料"),
    "checklist_item.create": _("新增清单事项"),
    "checklist_item.update": _("调整清单事项"),
    "evidence.upload": _("上传佐证材料"),
    "rectification.create": _("交办整改"),
    "rectification.update": _("修改整改"),
    "rectification.progress": _("报告整改进展"),
    "rectification.submit": _("提交复查"),
    "rectification.return": _("退回整改"),
    "rectification.close": _("复查销号"),
    "accountability.create": _("登记问责"),
    "accountability.update": _("修改问责"),
    "review.score": _("评分"),
    "review.submit": _("提交复核"),
    "review.return": _("退回评分"),
    "review.confirm": _("复核确认"),
    "review.publish": _("发布评分"),
}
FIELDS = {
    "status": _("状态"),
    "state": _("状态"),
    "completed_on": _("完成日期"),
    "description": _("完成情况"),
    "na_reason": _("不适用原因"),
    "is_late": _("逾期完成"),
    "meeting": _("会议记录"),
    "evidence": _("佐证材料"),
    "reason": _("原因"),
    "reopened_until": _("重新开放至"),
    "deadline": _("整改期限"),
    "problem": _("问题"),
    "measures": _("整改措施"),
    "content": _("工作内容"),
    "points": _("分值"),
    "frequency": _("频次"),
    "due_days": _("截止天数"),
    "due_date": _("截止日期"),
    "comment": _("意见"),
}
VALUES = {
    "not_started": _("未开始"),
    "in_progress": _("进行中"),
    "done": _("已完成"),
    "not_applicable": _("不适用"),
    "pending": _("待整改"),
    "submitted": _("待复查"),
    "closed": _("已销号"),
    "monthly": _("每月"),
    "quarterly": _("每季度"),
    "half_yearly": _("每半年"),
    "yearly": _("每年"),
    "once": _("一次性"),
    "per_term": _("每届"),
}


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, code))


def value_label(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("是"))
    if value is False:
        return str(_("否"))
    if isinstance(value, list | tuple):
        return "、".join(value_label(v) for v in value)
    return str(VALUES.get(value, value)) if isinstance(value, str) else str(value)


def change_rows(changes: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(field, before, after) for display; a plain value (not a [before, after] pair) has no
    "before" and shows as after only."""
    rows: list[tuple[str, str, str | None]] = []
    for field, change in changes.items():
        label = str(FIELDS.get(field, field))
        if isinstance(change, list) and len(change) == 2:
            rows.append((label, value_label(change[0]), value_label(change[1])))
        else:
            rows.append((label, value_label(change), None))
    return rows
