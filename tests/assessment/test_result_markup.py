"""The results list's rows, built in Python: same cells as the template made, escaped."""

from decimal import Decimal
from types import SimpleNamespace

from django.template.defaultfilters import floatformat

from assessment.dashboards import UnitAverage
from assessment.templatetags.result_markup import result_rows, unit_average_rows
from responsibility.templatetags.fast_markup import fixed


def result(**overrides):
    organisation = SimpleNamespace(
        name="<b>支部</b>",
        unit=SimpleNamespace(name="省财政厅"),
        tier=SimpleNamespace(name="党支部"),
    )
    values = {
        "pk": 7,
        "organisation": organisation,
        "process_score": Decimal("91.5"),
        "quarterly_score": None,
        "year_end_score": Decimal("80"),
        "ledger_points": Decimal("2.00"),
        "composite": Decimal("88.456"),
        "grade": "fairly_good",
        "grade_note": '受"问责"影响',
        "rank_in_tier": None,
        "published_at": None,
        "version": 2,
        "stale_since": None,
        "stale_reasons": [],
    }
    return SimpleNamespace(**(values | overrides))


def test_a_row_shows_every_cell_escaped() -> None:
    html = str(result_rows([result()]))
    assert '<a href="/assessment/results/detail/7/">&lt;b&gt;支部&lt;/b&gt;</a>' in html
    assert '<td class="text-end">91.50</td>' in html
    assert '<td class="text-end">—</td>' in html  # no quarterly score yet, no rank
    assert '<td class="text-end">2</td>' in html  # the ledger drops trailing zeros
    assert '<td class="text-end fw-bold">88.46</td>' in html
    assert 'class="badge grade-fairly_good">较好</span>' in html
    assert 'title="受&quot;问责&quot;影响"' in html
    assert "未发布 · v2" in html
    assert "待更新" not in html


def test_a_stale_row_shows_the_mark_with_when_and_the_neutral_kind_of_change() -> None:
    import datetime

    from django.utils import timezone

    from assessment import stale

    at = datetime.datetime(2026, 12, 1, 9, 30, tzinfo=datetime.UTC)
    html = result_rows(
        [
            result(
                published_at=at,
                stale_since=at,
                stale_reasons=[stale.reason(stale.Change.CAP, at, "被问责（诫勉）<b>")],
            )
        ]
    )
    assert '<span class="badge text-bg-warning">待更新</span>' in html
    assert f"待更新（{timezone.localtime(at):%Y-%m-%d}起）：等次限制有变化" in html
    assert "被问责" not in html  # the list never shows a cap's detail


def test_fixed_mirrors_floatformat() -> None:
    assert fixed(Decimal("89.5")) == "89.50"
    assert fixed(Decimal("89.50"), "-2") == "89.50"
    assert fixed(Decimal("3.6"), "-2") == "3.60"
    assert fixed(Decimal("2.00"), "-2") == "2"
    assert fixed(Decimal("2.001"), "-2") == "2.00"
    assert fixed(None) == ""
    assert fixed(Decimal("1.005")) == "1.01"  # half up, as floatformat rounds
    assert fixed(Decimal("7")) == "7.00"
    for value in ("0", "2", "2.5", "3.6", "89.50", "2.001", "1.005", "-1.25", "100.00"):
        for places in (2, "-2", 1, "-1"):
            assert fixed(Decimal(value), places) == floatformat(Decimal(value), places), (
                value,
                places,
            )


def test_the_unit_averages_table_is_escaped_and_formatted_like_the_template() -> None:
    units = [
        UnitAverage(7, "<i>甲厅</i>", Decimal("88.456"), 3, Decimal("80"), Decimal("95.5"), 0),
        UnitAverage(None, "", Decimal("70"), 1, Decimal("70"), Decimal("70"), 0),
    ]
    html = unit_average_rows(units, "/assessment/results/2026/?x=1&y=2")
    assert html.count("<tr>") == 2
    assert (
        '<a href="/assessment/results/2026/?x=1&amp;y=2?unit=7">&lt;i&gt;甲厅&lt;/i&gt;</a>' in html
    )
    assert '<td class="text-end fw-bold">88.46</td>' in html
    assert '<td class="text-end">80.00</td><td class="text-end">95.50</td>' in html
    assert '<th scope="row" class="fw-normal">未归属单位</th><td class="text-end">1</td>' in html
