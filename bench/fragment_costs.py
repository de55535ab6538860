"""What the long pages' row loops cost in each template engine, in-process, without a database.

    DEBUG=true python bench/fragment_costs.py [--repeat 200]

Renders the row fragments of My work (21 rows), the progress overview (a page of 30
organisations × 12 months, and 50) and the results list (a page of 50) from the typed rows the
selectors return: once through the Jinja2 fragment the page uses (<app>/jinja2/…, via
`{% fragment %}`), once through the same markup as a Django-template loop with no `{% include %}`
(URLs and labels precomputed in the rows, as the issue's fastest Django-template variant).
Prints the median and fastest of `--repeat` renders of each, in ms. Chose the engine for these
loops: see the README's "Where markup lives".
"""

# The Django-template twins below are one line a row, as the fragments print them.
# ruff: noqa: E501
from __future__ import annotations

import argparse
import datetime
import re
import statistics
import time
from decimal import Decimal

from django_setup import setup

# The Django-template twins of the Jinja2 fragments: same markup, labels translated once.
DTL_OBLIGATION_ROWS = """{% load i18n %}{% translate "截止" as due_word %}\
{% translate "事项" as l_item %}{% translate "组织" as l_org %}{% translate "周期" as l_period %}\
{% translate "截止日期" as l_due %}{% translate "状态" as l_status %}{% for row in rows %}
<tr>
    <td class="cell-title" data-label="{{ l_item }}"><a href="{{ row.url }}">{{ row.content|truncatechars:48 }}</a><div class="small text-secondary">{{ row.ref }} · {{ row.group }}<span class="d-sm-none"> · {{ due_word }} {{ row.due_date|date:"Y-m-d" }}</span><span class="d-md-none"> · {{ row.organisation_name }}</span></div></td>
    <td class="small d-none d-md-table-cell" data-label="{{ l_org }}">{{ row.organisation_name }}</td>
    <td class="text-nowrap" data-label="{{ l_period }}">{{ row.period_label }}</td>
    <td class="text-nowrap d-none d-sm-table-cell" data-label="{{ l_due }}">{{ row.due_date|date:"Y-m-d" }}</td>
    <td class="cell-status" data-label="{{ l_status }}">{% with b=row.badge %}{% if b.kind == "done" %}<span class="badge text-bg-success"><i class="bi bi-check-circle" aria-hidden="true"></i> {% translate "已完成" %}</span>{% elif b.kind == "not_applicable" %}<span class="badge text-bg-secondary">{% translate "不适用" %}</span>{% elif b.kind == "red" %}<span class="badge text-bg-danger"><i class="bi bi-exclamation-octagon" aria-hidden="true"></i> {% translate "已逾期" %}</span>{% elif b.kind == "yellow" %}<span class="badge text-bg-warning"><i class="bi bi-hourglass-split" aria-hidden="true"></i> {% translate "即将到期" %}</span>{% else %}<span class="badge badge-on-track"><i class="bi bi-circle" aria-hidden="true"></i> {{ b.status_label }}</span>{% endif %}{% if b.is_late %} <span class="badge text-bg-light border border-danger text-danger" title="{% translate "逾期完成标记永久保留" %}">{% translate "逾期完成" %}</span>{% endif %}{% endwith %}</td>
  </tr>{% endfor %}"""

DTL_PROGRESS_ROWS = """{% load i18n l10n %}{% translate "月" as month_word %}\
{% translate "完成率" as l_percent %}{% translate "逾期" as l_overdue %}{% localize off %}{% for row in rows %}
<tr><th scope="row" class="fw-normal cell-title"><a href="{{ row.url }}">{{ row.name }}</a><div class="small text-secondary">{{ row.unit_name }} · {{ row.tier_name }}</div></th>\
{% for cell in row.months %}<td class="grid-cell light-{{ cell.light }}" data-label="{{ forloop.counter }}{{ month_word }}">\
{% if cell.total %}<a href="{{ row.url }}?month={{ forloop.counter }}" aria-label="{{ cell.label }}">{{ cell.done }}/{{ cell.total }}</a>{% endif %}</td>\
{% endfor %}<td class="text-end cell-status" data-label="{{ l_percent }}">{{ row.percent }}%</td><td class="text-end{% if row.overdue %} status-red fw-bold{% endif %}" data-label="{{ l_overdue }}">{{ row.overdue }}</td></tr>{% endfor %}{% endlocalize %}"""

DTL_RESULT_ROWS = """{% load i18n %}{% translate "已发布" as published %}{% translate "未发布" as unpublished %}\
{% translate "待更新" as stale_word %}{% for r in rows %}
<tr><td class="cell-title" data-label="{% translate "组织" %}"><a href="{{ r.url }}">{{ r.name }}</a><div class="small text-secondary">{{ r.unit_name }}</div></td>
<td class="small" data-label="{% translate "层级" %}">{{ r.tier_name }}</td>
<td class="text-end" data-label="{% translate "过程监督" %}">{{ r.process_score|floatformat:2 }}</td>
<td class="text-end" data-label="{% translate "季度检查" %}">{{ r.quarterly_score|floatformat:2|default:"—" }}</td>
<td class="text-end" data-label="{% translate "年底述职" %}">{{ r.year_end_score|floatformat:2|default:"—" }}</td>
<td class="text-end" data-label="{% translate "加减分" %}">{{ r.ledger_points|floatformat:"-2" }}</td>
<td class="text-end fw-bold cell-score" data-label="{% translate "综合得分" %}">{{ r.composite|floatformat:2 }}</td>
<td class="cell-status" data-label="{% translate "等次" %}"><span class="badge grade-{{ r.grade }}">{{ r.grade_label }}</span>{% if r.grade_note %} <i class="bi bi-info-circle" role="img" title="{{ r.grade_note }}" aria-label="{{ r.grade_note }}"></i>{% endif %}</td>
<td class="text-end" data-label="{% translate "排名" %}">{{ r.rank_in_tier|default:"—" }}</td>
<td class="small cell-wide" data-label="{% translate "状态" %}">{% if r.published %}{{ published }}{% else %}{{ unpublished }}{% endif %}{% if r.version > 1 %} · v{{ r.version }}{% endif %}{% if r.stale_summary %} <span class="badge text-bg-warning">{{ stale_word }}</span><div class="small text-secondary">{{ r.stale_summary }}</div>{% endif %}</td></tr>{% endfor %}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    setup()
    from django.template import engines
    from django.utils import translation

    from assessment.selectors import ResultRow
    from responsibility.selectors import Badge, MonthCell, ObligationRow, ProgressRow

    translation.activate("zh-hans")
    day = datetime.date(2026, 6, 5)
    obligation_rows = [
        ObligationRow(
            url=f"/obligations/{n}/",
            content="按规定召开支部委员会会议，研究部署党建工作" * 2,
            ref=f"ZB-{n}",
            group="组织建设",
            organisation_name="省财政厅机关第一党支部",
            period_label=f"{n % 12 + 1}月",
            due_date=day,
            badge=Badge(
                kind=("red", "yellow", "on_track")[n % 3], status_label="进行中", is_late=False
            ),
        )
        for n in range(21)
    ]

    def progress(count: int) -> list[ProgressRow]:
        return [
            ProgressRow(
                organisation_id=n,
                name=f"省财政厅机关第{n}党支部",
                tier_name="党支部",
                url=f"/organisations/{n}/checklist/2026/",
                months=[
                    MonthCell(total=4, done=3, overdue=n % 2, label=f"{m}月 已完成 3 / 4")
                    for m in range(1, 13)
                ],
                unit_name="省财政厅",
                total=48,
                done=36,
                overdue=n % 2,
            )
            for n in range(count)
        ]

    results = [
        ResultRow(
            pk=n,
            url=f"/assessment/results/detail/{n}/",
            name=f"省财政厅机关第{n}党支部",
            unit_name="省财政厅",
            tier_name="党支部",
            process_score=Decimal("91.50"),
            quarterly_score=Decimal("88.25") if n % 2 else None,
            year_end_score=Decimal("90.00"),
            ledger_points=Decimal("2.00"),
            composite=Decimal("90.12"),
            grade="good",
            grade_label="好",
            grade_note="",
            rank_in_tier=n + 1,
            published=True,
            version=1,
            stale_summary="",
        )
        for n in range(50)
    ]
    cases = [
        (
            "My work, 21 rows",
            "responsibility/_obligation_rows.html",
            DTL_OBLIGATION_ROWS,
            obligation_rows,
        ),
        (
            "progress overview, 30 × 12",
            "responsibility/_progress_rows.html",
            DTL_PROGRESS_ROWS,
            progress(30),
        ),
        (
            "progress overview, 50 × 12",
            "responsibility/_progress_rows.html",
            DTL_PROGRESS_ROWS,
            progress(50),
        ),
        ("results list, 50 rows", "assessment/_result_rows.html", DTL_RESULT_ROWS, results),
    ]
    jinja, django = engines["jinja2"], engines["django"]
    print(f"{'loop':30} {'engine':8} {'median ms':>10} {'fastest ms':>11}")
    for label, name, dtl_source, rows in cases:
        pair = (("jinja2", jinja.get_template(name)), ("django", django.from_string(dtl_source)))
        same = {re.sub(r"\s+", " ", t.render({"rows": rows})).strip() for _, t in pair}
        assert len(same) == 1, f"{label}: the two templates print different markup"
        for engine, template in pair:
            template.render({"rows": rows})  # warm: compile, translations
            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                template.render({"rows": rows})
                timings.append((time.perf_counter() - start) * 1000)
            print(f"{label:30} {engine:8} {statistics.median(timings):10.2f} {min(timings):11.2f}")


if __name__ == "__main__":
    main()
