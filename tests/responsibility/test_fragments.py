"""responsibility's Jinja2 row fragments (responsibility/jinja2/, rendered by
responsibility.templatetags.fragments) render what the Django templates of their inner loops
rendered (tests/test_fragments.py checks that every fragment escapes)."""

import dataclasses
import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from responsibility import selectors
from responsibility.models import ChecklistItem, Obligation
from responsibility.selectors import (
    Badge,
    GroupProgress,
    MonthCell,
    ProgressRow,
    chips,
    obligation_rows,
    status_labels,
)
from responsibility.templatetags.fragments import fragment
from tests.factories import World


def test_it_escapes_what_the_month_cells_show() -> None:
    row = ProgressRow(
        organisation_id=1,
        name="支部",
        tier_name="党支部",
        url='/organisations/1/checklist/2026/"x',
        months=[MonthCell() for _ in range(12)],
    )
    row.months[5] = MonthCell(total=4, done=4, label="6月 已完成 4 / 4")
    row.months[6] = MonthCell(total=2, done=0, overdue=1)
    html = fragment("responsibility/_progress_rows.html", rows=[row])
    assert html.count('<td class="grid-cell') == 12
    assert (
        '<td class="grid-cell light-green" data-label="6月"><a href="/organisations/1/checklist/'
        '2026/&#34;x?month=6" aria-label="6月 已完成 4 / 4">4/4</a></td>'
    ) in html
    assert '<td class="grid-cell light-red" data-label="7月">' in html
    assert '<td class="grid-cell light-" data-label="1月"></td>' in html


def test_it_renders_progress_rows_with_links_to_the_checklists() -> None:
    url = reverse("checklist_detail", args=[7, 2026])
    row = ProgressRow(
        organisation_id=7,
        name="<b>支部</b>",
        tier_name="党支部",
        url=url,
        months=[MonthCell(total=2, done=1, overdue=1)] * 12,
        unit_name="甲&乙厅",
        total=24,
        done=12,
        overdue=12,
    )
    html = fragment("responsibility/_progress_rows.html", rows=[row]).strip()
    assert html.startswith(f'<tr><th scope="row" class="fw-normal cell-title"><a href="{url}">')
    assert "&lt;b&gt;支部&lt;/b&gt;</a>" in html
    assert "甲&amp;乙厅 · 党支部" in html
    assert html.count(f'href="{url}?month=') == 12
    assert html.endswith(
        '<td class="text-end cell-status" data-label="完成率">50%</td>'
        '<td class="text-end status-red fw-bold" data-label="逾期">12</td></tr>'
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_renders_obligation_chips_like_the_template_did(active_world: World) -> None:
    rows = list(
        Obligation.objects.filter(organisation=active_world.branch_a, item__ref="ZB-3-02")
        .order_by("period_start")
        .values_list(*selectors.ChipRow._fields)
    )
    rows = [selectors.ChipRow(*row) for row in rows]
    january = rows[0]._replace(status="done", is_late=True)
    june = rows[5]._replace(period_label="6月<b>")
    html = fragment(
        "responsibility/_chips.html",
        obligations=chips([january, june], datetime.date(2026, 6, 15)),
    ).strip()
    assert html.startswith(
        f'<a class="obligation-chip light-green status-done" href="/obligations/{january.pk}/"'
        ' title="1月 · 截止 2026-02-05 · 已完成 · 逾期完成">1月'
        ' <i class="bi bi-check" aria-hidden="true"></i>'
        '<span class="visually-hidden">逾期完成</span>*</a>'
    )
    assert "6月&lt;b&gt;" in html
    assert "<b>" not in html


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_renders_checklist_items_like_the_template_did(active_world: World) -> None:
    page = selectors.checklist_page(
        active_world.branch_a, active_world.year, today=datetime.date(2026, 6, 15)
    )
    group = next(g for g in page.groups if any(i.ref == "ZB-3-02" for i in g.items))
    item = next(i for i in group.items if i.ref == "ZB-3-02")
    item = dataclasses.replace(
        item,
        content="谈心<b>谈话",
        standard="标准&要求",
        evidence="记录<i>",
        points=Decimal("3.6"),
        required_count=2,
    )
    one = [dataclasses.replace(group, items=[item])]

    html = fragment("responsibility/_checklist_groups.html", groups=one, can_adjust=False)

    assert '<li class="list-group-item">' in html
    assert "<strong>谈心&lt;b&gt;谈话</strong>" in html
    assert f"{item.frequency_label} × 2 · 3.60 分 · 佐证：记录&lt;i&gt;" in html
    assert '<div class="small mt-1">标准&amp;要求</div>' in html
    assert "调整" not in html
    assert html.count('class="obligation-chip') == len(item.obligations) == 12
    item_pk = ChecklistItem.objects.get(checklist=page.checklist, ref="ZB-3-02").pk
    edit_url = reverse("checklist_item_edit", args=[item_pk])
    adjusted = fragment("responsibility/_checklist_groups.html", groups=one, can_adjust=True)
    assert f'href="{edit_url}">调整</a>' in adjusted


@pytest.mark.django_db
def test_the_checklist_rows_light_up_as_obligations_do(active_world: World) -> None:
    for today in (datetime.date(2026, 1, 1), datetime.date(2026, 6, 3), datetime.date(2027, 1, 1)):
        page = selectors.checklist_page(active_world.branch_a, active_world.year, today=today)
        shown = {chip.pk: chip for chip in page.groups[0].items[0].obligations}
        for obligation in Obligation.objects.filter(pk__in=shown):
            assert shown[obligation.pk].light == obligation.light(today)


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_renders_status_badges_like_the_template_did(active_world: World) -> None:
    june = datetime.date(2026, 6, 15)
    obligation = Obligation.objects.filter(organisation=active_world.branch_a).first()

    def badge(status: str, due: datetime.date, *, late: bool = False) -> str:
        obligation.status, obligation.due_date, obligation.is_late = status, due, late
        b = Badge.of(obligation, june, status_labels())
        return str(fragment("responsibility/_badge.html", obligation_badge=b))

    assert badge("done", datetime.date(2026, 6, 1)) == (
        '<span class="badge text-bg-success"><i class="bi bi-check-circle" aria-hidden="true">'
        "</i> 已完成</span>"
    )
    assert badge("done", datetime.date(2026, 6, 1), late=True).endswith(
        ' <span class="badge text-bg-light border border-danger text-danger"'
        ' title="逾期完成标记永久保留">逾期完成</span>'
    )
    assert badge("not_applicable", datetime.date(2026, 5, 1)) == (
        '<span class="badge text-bg-secondary">不适用</span>'
    )
    assert "text-bg-danger" in badge("in_progress", datetime.date(2026, 6, 14))
    assert "已逾期" in badge("in_progress", datetime.date(2026, 6, 14))
    assert "即将到期" in badge("not_started", datetime.date(2026, 6, 20))
    assert badge("in_progress", datetime.date(2026, 6, 21)) == (
        '<span class="badge badge-on-track"><i class="bi bi-circle" aria-hidden="true"></i>'
        " 进行中</span>"
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("in_june")
def test_it_renders_my_work_rows_like_the_template_did(active_world: World) -> None:
    obligation = (
        Obligation.objects.select_related("item", "organisation")
        .filter(organisation=active_world.branch_a, item__ref="ZB-3-02", period_label="5月")
        .get()
    )
    obligation.item.content = "<b>" + "谈" * 60
    obligation.organisation.name = "甲&乙支部"
    rows = obligation_rows([obligation], today=datetime.date(2026, 6, 15))

    html = fragment("responsibility/_obligation_rows.html", rows=rows).strip()

    url = reverse("obligation_detail", args=[obligation.pk])
    shortened = Template("{{ c|truncatechars:48 }}").render(Context({"c": obligation.item.content}))
    assert "谈" * 50 not in shortened
    assert html.startswith(f'<tr>\n    <td class="cell-title" data-label="事项"><a href="{url}">')
    assert f">{shortened}</a>" in html
    assert "ZB-3-02 · " in html
    assert '<span class="d-sm-none"> · 截止 2026-06-05</span>' in html
    assert html.count("甲&amp;乙支部") == 2
    assert '<td class="text-nowrap" data-label="周期">5月</td>' in html
    assert (
        '<td class="text-nowrap d-none d-sm-table-cell" data-label="截止日期">2026-06-05</td>'
    ) in html
    assert "已逾期</span></td>\n  </tr>" in html
    assert "<b>" not in html


def test_it_renders_select_options_with_the_current_one_selected() -> None:
    def render(choices: list, selected: object) -> str:
        return str(fragment("responsibility/_options.html", choices=choices, selected=selected))

    assert render([("a&b", "甲<乙>"), ("c", "丙")], "a&b") == (
        '<option value="a&amp;b" selected>甲&lt;乙&gt;</option><option value="c">丙</option>'
    )
    months = [(month, f"{month}月") for month in (1, 12)]
    assert render(months, 12).endswith('<option value="12" selected>12月</option>')
    assert render(months, "12").endswith('<option value="12" selected>12月</option>')
    assert "selected" not in render(months, None)
    assert "selected" not in render(months, "")
    blank = [("", "---------"), ("open", "整改中")]
    assert "selected" not in render(blank, None)
    assert render(blank, "").startswith('<option value="" selected>')
    assert render([(1234, "支部")], 1234) == '<option value="1234" selected>支部</option>'


def test_it_renders_checklist_group_sections_like_the_template_did() -> None:
    group = GroupProgress(name="组织<建设>", points=Decimal("12.50"), total=8, done=3, overdue=2)

    html = fragment(
        "responsibility/_checklist_groups.html",
        groups=[GroupProgress(name="政治建设", points=Decimal(10)), group],
        can_adjust=False,
    ).strip()

    first, second = html.split("</section>")[:2]
    assert first.startswith('<section class="card shadow-sm mb-3" aria-labelledby="g1">')
    assert '<span class="text-secondary small">10 分</span>' in first
    assert "逾期" not in first
    assert 'id="g2">组织&lt;建设&gt; <span class="text-secondary small">12.50 分</span>' in second
    # 完成率 counts only what is due (#18): 3 done of the 3 + 2 overdue, not of all 8.
    assert 'aria-label="组织&lt;建设&gt;完成进度" aria-valuenow="60"' in second
    assert 'style="width: 60%"' in second
    assert '3/8 · <span class="status-red">逾期 2</span>' in second
    assert '<ul class="list-group list-group-flush">' in second
