"""Reads of quality flags (质量提示): a reviewer's list for an organisation (and those below it),
and an obligation's own flags on its page. Each row says in words what was found and links the
other record when the reader may see it; another unit's record is named as such, never shown
(domain.md §8a)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import quality, scope
from ..models import Obligation, Organisation, QualityFlag, User, Year

PAGE_SIZE = 50
SHOW = ("open", "dismissed", "all")
FIELD_LABELS = {"description": gettext_lazy("完成情况"), "minutes": gettext_lazy("会议纪要")}


@dataclass(frozen=True)
class FlagRow:
    flag: QualityFlag
    explanation: str
    other: Obligation | None  # the other record, when the reader may view it
    other_hidden: bool  # there is one, in an organisation the reader may not view


def _queryset() -> QuerySet[QualityFlag]:
    return QualityFlag.objects.select_related(
        "obligation__item",
        "organisation",
        "other_obligation__item",
        "other_obligation__organisation",
        "evidence",
        "dismissed_by",
    )


def explain(flag: QualityFlag) -> str:
    """What the check found, in a sentence (the flag's `detail`, written by `quality.checks`)."""
    d: dict[str, Any] = flag.detail or {}
    kind = flag.kind
    if kind == QualityFlag.Kind.SAME_FILE:
        return _(
            "同一文件（SHA-256 %(sha)s…）共佐证 %(uses)s 项任务，其中包括不同周期或不同组织的任务。"
        ) % {"sha": str(d.get("sha256", ""))[:12], "uses": d.get("uses", 2)}
    if kind == QualityFlag.Kind.MEETING_DATE:
        return _("会议日期 %(held_on)s 不在任务周期 %(start)s 至 %(end)s 内。") % {
            "held_on": d.get("held_on"),
            "start": d.get("period_start"),
            "end": d.get("period_end"),
        }
    if kind == QualityFlag.Kind.SIMILAR_TEXT:
        return _(
            "本任务的%(field)s与另一记录的%(other_field)s高度相似（相似度 %(score)d%%，"
            "提示阈值 %(threshold)d%%）。"
        ) % {
            "field": FIELD_LABELS.get(d.get("field", ""), ""),
            "other_field": FIELD_LABELS.get(d.get("other_field", ""), ""),
            "score": round(100 * float(d.get("similarity", 0))),
            "threshold": round(100 * quality.SIMILARITY),
        }
    if kind == QualityFlag.Kind.ATTENDANCE:
        return _(
            "%(held_on)s 的会议填报实到 %(attended)s 人（应到 %(expected)s 人），"
            "而当日在本组织任职的人数为 %(roster)s 人。"
        ) % {
            "held_on": d.get("held_on"),
            "attended": d.get("attended"),
            "expected": d.get("expected"),
            "roster": d.get("roster"),
        }
    return _(
        "%(saved_on)s 同一人一次录入 %(count)s 项完成情况（截止日期前 %(days)s 天内），"
        "本项完成日期填为 %(completed_on)s，截止日期 %(due_date)s。"
    ) % {
        "saved_on": d.get("saved_on"),
        "count": d.get("count"),
        "days": quality.LAST_DAYS,
        "completed_on": d.get("completed_on"),
        "due_date": d.get("due_date"),
    }


def rows_for(user: User, flags: list[QualityFlag]) -> list[FlagRow]:
    user_scope = scope.scope_for(user)
    rows = []
    for flag in flags:
        other = flag.other_obligation
        visible = other is not None and user_scope.can("view", other.organisation)
        rows.append(
            FlagRow(
                flag=flag,
                explanation=explain(flag),
                other=other if visible else None,
                other_hidden=other is not None and not visible,
            )
        )
    return rows


def obligation_flags(user: User, obligation: Obligation) -> list[FlagRow]:
    """The obligation's flags for its page, open ones first: one query."""
    flags = _queryset().filter(obligation=obligation).order_by("-dismissed_at", "kind", "pk")
    # NULLs (open flags) sort first descending on PostgreSQL, last on SQLite: order in Python.
    ordered = sorted(flags, key=lambda f: (f.dismissed_at is not None, f.kind, f.pk))
    return rows_for(user, ordered)


@dataclass(frozen=True)
class FlagsPage:
    organisation: Organisation
    year: Year
    show: str
    kind: str
    counts: list[tuple[str, str, int]]  # kind, label, open flags
    open_total: int
    flagged_obligations: int
    page: Page[int]
    rows: list[FlagRow]


def organisation_flags(
    user: User,
    organisation: Organisation,
    year: Year,
    *,
    show: str = "open",
    kind: str = "",
    page: str | int | None = 1,
) -> FlagsPage:
    """The flags of an organisation and the organisations below it that `user` reviews, for
    one year: counts by kind (one query), then a page of rows (count and page: two)."""
    base = QualityFlag.objects.filter(
        scope.within(user, "review"),
        year=year,
        organisation__path__startswith=organisation.path,
    )
    totals = base.filter(dismissed_at__isnull=True).aggregate(
        flagged=Count("obligation", distinct=True),
        **{k: Count("pk", filter=Q(kind=k)) for k in QualityFlag.Kind.values},
    )
    counts = [(k, str(label), totals[k] or 0) for k, label in QualityFlag.Kind.choices]
    listed = base
    if show == "open":
        listed = listed.filter(dismissed_at__isnull=True)
    elif show == "dismissed":
        listed = listed.filter(dismissed_at__isnull=False)
    if kind in QualityFlag.Kind.values:
        listed = listed.filter(kind=kind)
    ids = listed.order_by("organisation__path", "obligation__due_date", "obligation_id", "kind")
    paginator = Paginator(ids.values_list("pk", flat=True), PAGE_SIZE)
    number = paginator.get_page(page)
    by_pk = {f.pk: f for f in _queryset().filter(pk__in=list(number.object_list))}
    flags = [by_pk[pk] for pk in number.object_list if pk in by_pk]
    return FlagsPage(
        organisation=organisation,
        year=year,
        show=show,
        kind=kind if kind in QualityFlag.Kind.values else "",
        counts=counts,
        open_total=sum(c for _k, _l, c in counts),
        flagged_obligations=totals["flagged"] or 0,
        page=number,
        rows=rows_for(user, flags),
    )
