"""The rectification ledger's rows and the state badge, from their Jinja2 fragments: the cells
the Django template made, escaped."""

import datetime

from django.template.defaultfilters import truncatechars
from django.urls import reverse

from accountability.models import Rectification
from accountability.selectors import LedgerRow
from responsibility.models import Organisation
from responsibility.templatetags.fragments import fragment


def row(**overrides) -> LedgerRow:
    values = {
        "pk": 5,
        "url": reverse("rectification_detail", args=[5]),
        "organisation_name": "<b>支部</b>",
        "unit_name": "甲厅",
        "problem": "问题" * 40,
        "source_label": str(Rectification.SourceType.FINDING.label),
        "person_name": "",
        "deadline": datetime.date(2000, 1, 31),
        "display_state": Rectification.OVERDUE,
        "display_state_label": "逾期",
        "is_late": False,
        "returned_count": 2,
    }
    return LedgerRow(**(values | overrides))


def test_the_ledger_rows_are_escaped_cut_and_labelled() -> None:
    html = str(fragment("accountability/_ledger_rows.html", rows=[row()]))
    assert '<td data-label="责任组织">&lt;b&gt;支部&lt;/b&gt;<div' in html
    assert f'<a href="{reverse("rectification_detail", args=[5])}">' in html
    cut = truncatechars("问题" * 40, 70)
    assert len(cut) == 70
    assert f">{cut}</a>" in html
    assert f'data-label="来源">{Rectification.SourceType.FINDING.label}</td>' in html
    assert '<td data-label="责任人">—</td>' in html
    assert '<td class="text-nowrap" data-label="整改期限">2000-01-31</td>' in html
    overdue = '<i class="bi bi-exclamation-octagon" aria-hidden="true"></i> 逾期</span>'
    assert f'<span class="badge text-bg-danger">{overdue}' in html
    assert "退回 2 次" in html


def test_a_closed_rectification_shows_its_state_and_person() -> None:
    closed = row(
        display_state=Rectification.State.CLOSED,
        display_state_label=str(Rectification.State.CLOSED.label),
        person_name="张<三>",
        returned_count=0,
    )
    html = str(fragment("accountability/_ledger_rows.html", rows=[closed]))
    assert '<td data-label="责任人">张&lt;三&gt;</td>' in html
    assert f'text-bg-success">{Rectification.State.CLOSED.label}</span>' in html
    assert "退回" not in html


def test_the_state_badge_reads_a_rectification() -> None:
    rectification = Rectification(
        organisation=Organisation(name="支部"),
        deadline=datetime.date(2000, 1, 31),
        state=Rectification.State.SUBMITTED,
        is_late=True,
        returned_count=1,
    )
    html = str(fragment("accountability/_state_badge.html", rectification=rectification))
    assert html.startswith('<span class="badge text-bg-warning">待复查</span>')
    assert (
        '<span class="badge text-bg-light border border-danger text-danger">逾期提交</span>' in html
    )
    assert '<span class="badge text-bg-light border">退回 1 次</span>' in html
