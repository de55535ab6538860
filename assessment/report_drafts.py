"""Drafting the year-end report (年底述职) from the year's record, item by item (issue #20.4).

A draft is a list of sections: one per checklist group, then the ledger and supervision. Each
holds facts (plain JSON: numbers, dates, labels, links) frozen when drafted, and a text composed
from them here, which the secretary then edits. `assessment.selectors.report_drafts` gathers the
facts; this module only knows their shape and how they read.

Higher apps add facts without this app importing them (the pattern of `exports.EXTRA_SHEETS` and
`responsibility.handovers`): accountability registers a source for its findings and
rectifications in its AppConfig.ready. A source returns facts by section key, then by kind.

The seam for people's own duties (个人履责, issue #19): when people have personal duties, the
app that holds them registers a source returning the secretary's duties under
`SectionKey.PERSONAL`, kind "duties", as rows like `{"content", "required", "done", "late"}`;
`compose` already writes them. Nothing returns that key yet, so no such section is drafted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from responsibility.models import Organisation, Year
from responsibility.models.checklists import Group

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Fact = dict[str, Any]
# section key → fact kind → facts
Facts = dict[str, dict[str, list[Fact]]]
FactSource = Callable[[Organisation, Year, datetime.date], Facts]

FACT_SOURCES: list[FactSource] = []

# A section lists at most this many completion dates per item; the rest are counted.
DATES_SHOWN = 12


class SectionKey(models.TextChoices):
    """The sections of the record that are not a checklist group."""

    PERSONAL = "personal", gettext_lazy("个人履责")
    LEDGER = "ledger", gettext_lazy("加减分")
    SUPERVISION = "supervision", gettext_lazy("督查发现与整改")


GROUP_KEYS = frozenset(Group.values)
SECTION_ORDER: list[str] = [*Group.values, *SectionKey.values]


@dataclass
class DraftSection:
    key: str
    title: str
    sort_order: int
    facts: dict[str, list[Fact]] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return compose(self.key, self.title, self.facts)


def register(source: FactSource) -> None:
    if source not in FACT_SOURCES:
        FACT_SOURCES.append(source)


def title_of(key: str) -> str:
    if key in GROUP_KEYS:
        return str(Group(key).label)
    return str(SectionKey(key).label)


def sections_from(facts: Facts) -> list[DraftSection]:
    """The sections in their fixed order; a key nobody knows joins supervision (the record
    still reaches the report) and a section without facts is left out."""
    merged: Facts = {}
    for key, kinds in facts.items():
        target = key if key in SECTION_ORDER else SectionKey.SUPERVISION.value
        for kind, rows in kinds.items():
            if rows:
                merged.setdefault(target, {}).setdefault(kind, []).extend(rows)
    return [
        DraftSection(key=key, title=title_of(key), sort_order=index, facts=merged[key])
        for index, key in enumerate(SECTION_ORDER)
        if key in merged
    ]


def merge(into: Facts, more: Facts) -> None:
    for key, kinds in more.items():
        for kind, rows in kinds.items():
            into.setdefault(key, {}).setdefault(kind, []).extend(rows)


# --- how the facts read ---------------------------------------------------------------------


def _day(iso: str) -> str:
    day = datetime.date.fromisoformat(iso)
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def _days(isos: Iterable[str]) -> str:
    shown = [d for d in isos if d]
    text = "、".join(_day(d) for d in shown[:DATES_SHOWN])
    if len(shown) > DATES_SHOWN:
        text += _("等 %(n)d 次") % {"n": len(shown)}
    return text


def _item_line(item: Fact) -> str:
    line = _("%(ref)s %(content)s（%(freq)s）：应完成 %(total)d 次，已完成 %(done)d 次") % {
        "ref": item["ref"],
        "content": item["content"],
        "freq": item["frequency"],
        "total": item["obligations"],
        "done": item["done"],
    }
    if item["done_on"]:
        line += _("（%(dates)s）") % {"dates": _days(item["done_on"])}
    if item["late_periods"]:
        line += _("；逾期完成：%(p)s") % {"p": "、".join(item["late_periods"])}
    if item["missed_periods"]:
        line += _("；逾期未完成：%(p)s") % {"p": "、".join(item["missed_periods"])}
    if item["pending"]:
        line += _("；尚未到期 %(n)d 次") % {"n": item["pending"]}
    if item["not_applicable"]:
        line += _("；不适用 %(n)d 次") % {"n": item["not_applicable"]}
    return line + "。"


def _summary(items: list[Fact]) -> str:
    total = sum(i["obligations"] for i in items)
    done = sum(i["done"] for i in items)
    late = sum(len(i["late_periods"]) for i in items)
    missed = sum(len(i["missed_periods"]) for i in items)
    return _(
        "本年度清单共 %(items)d 项事项、%(total)d 项任务，已完成 %(done)d 项（其中逾期完成 "
        "%(late)d 项），逾期未完成 %(missed)d 项。"
    ) % {"items": len(items), "total": total, "done": done, "late": late, "missed": missed}


def _bare(text: str) -> str:
    """A recorded sentence without its closing stop, to sit inside a composed one."""
    return str(text).strip().rstrip("。；;.， ")


def _deduction_line(d: Fact) -> str:
    return _("%(quarter)s %(ref)s 扣 %(lost)s 分：%(reason)s。") % {
        **d,
        "reason": _bare(d["reason"]),
    }


def _rectification_line(r: Fact) -> str:
    line = _("%(problem)s（%(state)s，整改期限 %(deadline)s") % {
        **r,
        "problem": _bare(r["problem"]),
    }
    if r.get("late"):
        line += _("，逾期提交复查")
    return line + _("）。")


def _finding_line(f: Fact) -> str:
    return _("%(on)s 督查发现（%(severity)s）：%(problem)s。") % {
        **f,
        "problem": _bare(f["problem"]),
    }


def _ledger_line(e: Fact) -> str:
    return _("%(kind)s %(points)s 分：%(reason)s。") % {**e, "reason": _bare(e["reason"])}


def _duty_line(d: Fact) -> str:
    return _("%(content)s：应完成 %(required)d 次，已完成 %(done)d 次（逾期 %(late)d 次）。") % d


LINES: dict[str, tuple[StrOrPromise, Callable[[Fact], str]]] = {
    "deductions": (gettext_lazy("季度检查扣分"), _deduction_line),
    "rectifications": (gettext_lazy("整改情况"), _rectification_line),
    "findings": (gettext_lazy("督查发现"), _finding_line),
    "entries": (gettext_lazy("加减分"), _ledger_line),
    "duties": (gettext_lazy("个人职责"), _duty_line),
}


def compose(key: str, title: str, facts: dict[str, list[Fact]]) -> str:
    """The text a section starts from: a summary line, a line per item, then the deductions,
    rectifications and findings, each as the record has them."""
    lines: list[str] = []
    items = facts.get("checklist", [])
    if items:
        lines.append(_summary(items))
        lines.extend(_item_line(item) for item in items)
    for kind, (label, line) in LINES.items():
        rows = facts.get(kind, [])
        if rows:
            lines.append(f"{label}：")
            lines.extend(f"{n}. {line(row)}" for n, row in enumerate(rows, 1))
    return "\n".join(lines) if lines else _("%(title)s：本年度无记录。") % {"title": title}
