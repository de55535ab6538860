"""The results list's rows and the dashboard's unit averages, from their Jinja2 fragments: the
cells the Django template made, escaped."""

import datetime
from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils import timezone

from assessment import stale
from assessment.selectors import ResultRow
from assessment.selectors.dashboards import UnitAverage
from responsibility.templatetags.fragments import fragment


def result(**overrides) -> ResultRow:
    values = {
        "pk": 7,
        "url": "/assessment/results/detail/7/",
        "name": "<b>支部</b>",
        "unit_name": "省财政厅",
        "tier_name": "党支部",
        "process_score": Decimal("91.5"),
        "quarterly_score": None,
        "year_end_score": Decimal("80"),
        "ledger_points": Decimal("2.00"),
        "composite": Decimal("88.456"),
        "grade": "fairly_good",
        "grade_label": "较好",
        "grade_note": '受"问责"影响',
        "rank_in_tier": None,
        "published": False,
        "version": 2,
        "stale_summary": "",
    }
    return ResultRow(**(values | overrides))


def rows(*results: ResultRow) -> str:
    return str(fragment("assessment/_result_rows.html", rows=results))


def test_a_row_shows_every_cell_escaped() -> None:
    html = rows(result())
    assert '<a href="/assessment/results/detail/7/">&lt;b&gt;支部&lt;/b&gt;</a>' in html
    assert '<td class="text-end" data-label="过程监督">91.50</td>' in html
    assert '<td class="text-end" data-label="季度检查">—</td>' in html  # no quarterly score yet
    assert '<td class="text-end" data-label="排名">—</td>' in html  # no rank
    assert '<td class="text-end" data-label="加减分">2</td>' in html  # trailing zeros dropped
    assert '<td class="text-end fw-bold cell-score" data-label="综合得分">88.46</td>' in html
    assert 'class="badge grade-fairly_good">较好</span>' in html
    assert 'title="受&#34;问责&#34;影响"' in html
    assert "未发布 · v2" in html
    assert "待更新" not in html


def test_a_stale_row_shows_the_mark_with_when_and_the_neutral_kind_of_change() -> None:
    at = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
    mark = stale.mark_of(at, [stale.reason(stale.Change.CAP, at, "被问责（诫勉）<b>")])
    html = rows(result(published=True, stale_summary=mark.summary()))
    assert '<span class="badge text-bg-warning">待更新</span>' in html
    assert f"待更新（{timezone.localtime(at):%Y-%m-%d}起）：等次限制有变化" in html
    assert "被问责" not in html  # the list never shows a cap's detail


def test_scores_print_as_floatformat_prints_them() -> None:
    for value in ("0", "2", "2.5", "3.6", "89.50", "2.001", "1.005", "-1.25", "100.00"):
        html = rows(result(ledger_points=Decimal(value), composite=Decimal(value)))
        assert f'data-label="加减分">{floatformat(Decimal(value), "-2")}</td>' in html
        assert f'data-label="综合得分">{floatformat(Decimal(value), 2)}</td>' in html


def test_the_unit_averages_table_is_escaped_and_formatted_like_the_template() -> None:
    units = [
        UnitAverage(7, "<i>甲厅</i>", Decimal("88.456"), 3, Decimal("80"), Decimal("95.5"), 0),
        UnitAverage(None, "", Decimal("70"), 1, Decimal("70"), Decimal("70"), 0),
    ]
    html = str(
        fragment(
            "assessment/_unit_average_rows.html",
            units=units,
            results_url="/assessment/results/2026/?x=1&y=2",
        )
    )
    assert html.count("<tr>") == 2
    assert (
        '<a href="/assessment/results/2026/?x=1&amp;y=2?unit=7">&lt;i&gt;甲厅&lt;/i&gt;</a>' in html
    )
    assert 'data-label="平均">88.46</td>' in html
    assert 'data-label="最低">80.00</td><td class="text-end" data-label="最高">95.50</td>' in html
    assert '<th scope="row" class="fw-normal cell-title">未归属单位</th>' in html
