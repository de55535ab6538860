"""Markup of the inner loops of the largest pages, built in Python.

The template engine costs a few microseconds per variable and far more per blocktranslate or
`get_FOO_display`; in a loop of hundreds of cells that was most of the page. Profiled on the
province benchmark (bench/README.md): the progress overview's 50 × 12 month cells took ~35 ms
of a ~50 ms page, a branch checklist's 81 obligation chips ~15 ms of ~25 ms, My work's 21
rows (an include and a reverse each) ~11 ms of ~31 ms. Built here they cost a few
milliseconds. The markup is what the templates produced.
"""

from __future__ import annotations

import datetime
import functools
import html
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from ..models import ChecklistItem, Obligation
from ..models.checklists import Frequency
from ..selectors.checklists import ChipRow, GroupProgress, ProgressRow

register = template.Library()


def fixed(value: object, places: int | str = 2) -> str:
    """`floatformat` for rows built in Python, at a fraction of its cost (~25 µs a call, six a
    row of the results list): `fixed(v)` → "89.50"; `fixed(v, "-2")` → "89.50", or "2" for a
    whole number, as `floatformat:"-2"` prints them. Scores print with a point in every
    language the product speaks; blank stays blank."""
    if value is None or value == "":
        return ""
    text = str(places)
    digits = int(text.lstrip("-"))
    try:
        exact = Decimal(str(value))
        if text.startswith("-") and exact == exact.to_integral_value():
            digits = 0
        number = exact.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    except (ArithmeticError, ValueError):
        return str(value)
    return f"{number:f}"


@register.simple_tag
def select_options(
    choices: Iterable[Any], selected: object, value: str = "", label: str = ""
) -> SafeString:
    """A select's `<option>`s with the current one selected: from (value, label) pairs, or from
    objects whose `value` and `label` attributes name them. Values compare as text, so a
    number from the URL matches its option; they print unlocalised (no thousands separator in
    a primary key). In a template loop each option cost ~0.1 ms."""
    current = None if selected is None else str(selected)
    options = []
    for choice in choices:
        key, text = (getattr(choice, value), getattr(choice, label)) if value else choice
        key = str(key)
        mark = " selected" if key == current else ""
        options.append(
            f'<option value="{html.escape(key)}"{mark}>{html.escape(str(text))}</option>'
        )
    # Safe: values and labels are escaped; the rest is fixed markup.
    return mark_safe("".join(options))  # noqa: S308


CHECK = ' <i class="bi bi-check" aria-hidden="true"></i>'
EXCLAMATION = ' <i class="bi bi-exclamation" aria-hidden="true"></i>'


@register.simple_tag
def progress_rows(rows: Iterable[ProgressRow], year: int) -> SafeString:
    """The progress overview's rows: organisation (linking to its checklist), one cell a
    month, completion and overdue count."""
    checklist_url = url_pattern("checklist_detail", year)
    rows_html = []
    for row in rows:
        organisation = row.organisation
        url = checklist_url.format(pk=organisation.pk)
        overdue = ' status-red fw-bold"' if row.overdue else '"'
        rows_html.append(
            f'<tr><th scope="row" class="fw-normal"><a href="{html.escape(url)}">'
            f"{html.escape(organisation.name)}</a>"
            f'<div class="small text-secondary">{html.escape(row.unit_name)} · '
            f"{html.escape(organisation.tier.name)}</div></th>"
            f"{month_cells(row, url)}"
            f'<td class="text-end">{row.percent}%</td>'
            f'<td class="text-end{overdue}>{row.overdue}</td></tr>'
        )
    # Safe: names and URLs are escaped; the rest are numbers and fixed markup.
    return mark_safe("\n".join(rows_html))  # noqa: S308


def month_cells(row: ProgressRow, checklist_url: str) -> SafeString:
    """One `<td>` per month, linking to the checklist filtered to that month."""
    label = gettext("%(m)s月 已完成 %(d)s / %(t)s")
    url = html.escape(checklist_url)
    cells = []
    for month, cell in enumerate(row.months, start=1):
        link = ""
        if cell.total:
            text = html.escape(label % {"m": month, "d": cell.done, "t": cell.total})
            link = f'<a href="{url}?month={month}" aria-label="{text}">{cell.done}/{cell.total}</a>'
        cells.append(f'<td class="grid-cell light-{cell.light}">{link}</td>')
    # Safe: the URL and label are escaped, the rest are integers and a fixed colour name.
    return mark_safe("".join(cells))  # noqa: S308


def url_pattern(name: str, *after: object) -> str:
    """`reverse(name, args=[pk, *after])` as a format string with a `{pk}` field: one reverse
    for a page's links instead of one each (~45 µs apiece; a branch's checklist has ~80)."""
    url = reverse(name, args=[URL_SENTINEL, *after])
    if url.count(str(URL_SENTINEL)) != 1:
        raise ValueError(f"{name} does not take its pk as one path segment: {url}")
    return url.replace("{", "{{").replace("}", "}}").replace(str(URL_SENTINEL), "{pk}")


URL_SENTINEL = 918273645


def obligation_chips(
    obligations: Iterable[ChipRow | Obligation], today: datetime.date | None = None
) -> SafeString:
    """One chip per obligation: period, three-colour light, done tick, late mark."""
    if not obligations:
        return mark_safe("")
    today = today or timezone.localdate()
    words = fixed_words(translation.get_language(), get_script_prefix())
    chips = []
    for obligation in obligations:
        light = str(obligation.light(today))
        status = obligation.status
        title = (
            f"{obligation.period_label} · {words['due']} {obligation.due_date:%Y-%m-%d}"
            f" · {words['statuses'].get(status, status)}"
        )
        mark = ""
        if status == Obligation.Status.DONE:
            mark = CHECK
        elif light == Obligation.Light.RED:
            mark = EXCLAMATION
        if obligation.is_late:
            title += f" · {words['late']}"
            mark += words["late_mark"]
        chips.append(
            f'<a class="obligation-chip light-{light} status-{html.escape(status)}" '
            f'href="{words["url"].format(pk=obligation.pk)}" title="{html.escape(title)}">'
            f"{html.escape(obligation.period_label)}{mark}</a>"
        )
    # Safe: every value from the database is escaped; the rest is fixed markup.
    return mark_safe("\n".join(chips))  # noqa: S308


@functools.lru_cache(maxsize=32)
def fixed_words(language: str | None, script_prefix: str) -> dict[str, Any]:
    """The fixed words and link patterns of the rows built here, once per language (and mount
    point) per process rather than once per row: translating lazy labels was most of a chip's
    cost."""
    del language, script_prefix  # the cache key: gettext and reverse read them themselves
    return {
        "due": gettext("截止"),
        "late": gettext("逾期完成"),
        "late_mark": f'<span class="visually-hidden">{html.escape(gettext("逾期完成"))}</span>*',
        "statuses": {value: str(label) for value, label in Obligation.Status.choices},
        "url": html.escape(url_pattern("obligation_detail"), quote=True),
        "points": gettext("分"),
        "evidence": gettext("佐证"),
        "adjust": html.escape(gettext("调整")),
        "edit_url": html.escape(url_pattern("checklist_item_edit"), quote=True),
        "record": html.escape(gettext("记录一次")),
        "record_url": html.escape(url_pattern("occurrence_create"), quote=True),
        "badges": {
            "done": '<span class="badge text-bg-success"><i class="bi bi-check-circle"'
            f' aria-hidden="true"></i> {html.escape(gettext("已完成"))}</span>',
            "not_applicable": '<span class="badge text-bg-secondary">'
            f"{html.escape(gettext('不适用'))}</span>",
            "red": '<span class="badge text-bg-danger"><i class="bi bi-exclamation-octagon"'
            f' aria-hidden="true"></i> {html.escape(gettext("已逾期"))}</span>',
            "yellow": '<span class="badge text-bg-warning"><i class="bi bi-hourglass-split"'
            f' aria-hidden="true"></i> {html.escape(gettext("即将到期"))}</span>',
            "late": '<span class="badge text-bg-light border border-danger text-danger"'
            f' title="{html.escape(gettext("逾期完成标记永久保留"))}">'
            f"{html.escape(gettext('逾期完成'))}</span>",
        },
    }


@register.simple_tag
def checklist_groups(
    groups: Iterable[GroupProgress], can_adjust: bool, can_record: bool = False
) -> SafeString:
    """The checklist's group sections: name and points, progress bar, done/total and overdue
    count, then the group's items."""
    sections = []
    for number, group in enumerate(groups, start=1):
        points = html.escape(gettext("%(p)s 分") % {"p": fixed(group.points, "-2")})
        progress = html.escape(gettext("%(g)s完成进度") % {"g": group.name})
        overdue = ""
        if group.overdue:
            overdue = html.escape(gettext("逾期 %(n)s") % {"n": group.overdue})
            overdue = f' · <span class="status-red">{overdue}</span>'
        sections.append(
            f'<section class="card shadow-sm mb-3" aria-labelledby="g{number}">\n'
            '  <div class="card-header d-flex flex-wrap justify-content-between'
            ' align-items-center gap-2">\n'
            f'    <h2 class="h6 mb-0" id="g{number}">{html.escape(group.name)}'
            f' <span class="text-secondary small">{points}</span></h2>\n'
            '    <div class="d-flex align-items-center gap-2 small group-progress">\n'
            f'      <div class="progress flex-grow-1" role="progressbar" aria-label="{progress}"'
            f' aria-valuenow="{group.percent}" aria-valuemin="0" aria-valuemax="100">'
            f'<div class="progress-bar bg-success" style="width: {group.percent}%"></div></div>\n'
            f'      <span class="text-nowrap">{group.done}/{group.total}{overdue}</span>\n'
            "    </div>\n  </div>\n"
            '  <ul class="list-group list-group-flush">\n'
            f"  {checklist_items(group.items, can_adjust, can_record)}\n"
            "  </ul>\n</section>"
        )
    # Safe: names and labels are escaped, items are built by checklist_items, the rest are
    # integers and fixed markup.
    return mark_safe("\n".join(sections))  # noqa: S308


def checklist_items(
    items: Iterable[ChecklistItem], can_adjust: bool, can_record: bool = False
) -> SafeString:
    """A checklist group's items: what to do, how often, points, evidence, who, the standard,
    the adjust link for the supervisor and the obligation chips (a branch has ~22 items; in
    the template they and their chips were ~40% of the page's time)."""
    words = fixed_words(translation.get_language(), get_script_prefix())
    today = timezone.localdate()
    rows = []
    for item in items:
        facts = item.frequency_label
        if item.required_count > 1:
            facts += f" × {item.required_count}"
        facts += f" · {fixed(item.points, '-2')} {words['points']}"
        if item.evidence:
            facts += f" · {words['evidence']}：{item.evidence}"
        if item.responsible_post:
            facts += f" · {item.responsible_post_label}"
        standard = (
            f'<div class="small mt-1">{html.escape(item.standard)}</div>' if item.standard else ""
        )
        adjust = (
            f'<a class="btn btn-sm btn-outline-secondary align-self-start" '
            f'href="{words["edit_url"].format(pk=item.pk)}">{words["adjust"]}</a>'
            if can_adjust
            else ""
        )
        if can_record and item.frequency == Frequency.AS_NEEDED:
            adjust += (
                f'<a class="btn btn-sm btn-outline-primary align-self-start" '
                f'href="{words["record_url"].format(pk=item.pk)}">{words["record"]}</a>'
            )
        chips = ""
        if item.shown_obligations:
            chips = obligation_chips(item.shown_obligations, today)
            chips = f'<div class="d-flex flex-wrap gap-1 mt-2">{chips}</div>'
        rows.append(
            '<li class="list-group-item"><div class="d-flex flex-wrap justify-content-between'
            ' gap-2"><div class="item-text">'
            f'<span class="text-secondary small me-1">{html.escape(item.ref)}</span>'
            f"<strong>{html.escape(item.content)}</strong>"
            f'<div class="small text-secondary">{html.escape(facts)}</div>{standard}</div>'
            f"{adjust}</div>{chips}</li>"
        )
    # Safe: every value from the database is escaped; the rest is fixed markup.
    return mark_safe("\n".join(rows))  # noqa: S308


@register.simple_tag
def obligation_badge(obligation: Obligation, today: datetime.date | None = None) -> SafeString:
    """An obligation's status as a badge: done, not applicable, or its light (red overdue,
    yellow due within 5 days, green on track with its status); plus the permanent late mark."""
    words = fixed_words(translation.get_language(), get_script_prefix())
    return mark_safe(badge(obligation, today or timezone.localdate(), words))  # noqa: S308


def badge(obligation: Obligation, today: datetime.date, words: dict[str, Any]) -> str:
    badges = words["badges"]
    status = obligation.status
    light = str(obligation.light(today))
    if status in (Obligation.Status.DONE, Obligation.Status.NOT_APPLICABLE):
        markup = badges[status]
    elif light in (Obligation.Light.RED, Obligation.Light.YELLOW):
        markup = badges[light]
    else:
        label = html.escape(words["statuses"].get(status, status))
        markup = (
            '<span class="badge badge-on-track"><i class="bi bi-circle" aria-hidden="true">'
            f"</i> {label}</span>"
        )
    if obligation.is_late:
        markup += " " + badges["late"]
    return markup


@register.simple_tag
def obligation_rows(obligations: Iterable[Obligation]) -> SafeString:
    """My work's table rows: item (linking to the obligation) with its reference, group and
    organisation, period, due date and status badge (in the template, ~0.4 ms a row)."""
    words = fixed_words(translation.get_language(), get_script_prefix())
    today = timezone.localdate()
    due_word = html.escape(words["due"])
    rows = []
    for obligation in obligations:
        item = obligation.item
        organisation = html.escape(obligation.organisation.name)
        due = f"{obligation.due_date:%Y-%m-%d}"
        rows.append(
            f'<tr>\n    <td><a href="{words["url"].format(pk=obligation.pk)}">'
            f"{html.escape(Truncator(item.content).chars(48))}</a>"
            f'<div class="small text-secondary">{html.escape(item.ref)} · '
            f'{html.escape(item.group)}<span class="d-sm-none"> · {due_word} {due}</span>'
            f'<span class="d-md-none"> · {organisation}</span></div></td>\n'
            f'    <td class="small d-none d-md-table-cell">{organisation}</td>\n'
            f'    <td class="text-nowrap">{html.escape(obligation.period_label)}</td>\n'
            f'    <td class="text-nowrap d-none d-sm-table-cell">{due}</td>\n'
            f"    <td>{badge(obligation, today, words)}</td>\n  </tr>"
        )
    # Safe: every value from the database is escaped; the rest is fixed markup.
    return mark_safe("\n".join(rows))  # noqa: S308
