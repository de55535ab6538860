"""The rectification ledger's rows, built in Python: the cells the template made, escaped."""

import datetime

from django.template.defaultfilters import truncatechars
from django.urls import reverse

from accountability.models import Rectification
from accountability.templatetags.rectification_markup import ledger_rows
from responsibility.models import Organisation, User


def rectification(**overrides) -> Rectification:
    values = {
        "pk": 5,
        "organisation": Organisation(name="<b>支部</b>", unit=Organisation(name="甲厅")),
        "problem": "问题" * 40,
        "source_type": Rectification.SourceType.FINDING,
        "responsible_person": None,
        "deadline": datetime.date(2000, 1, 31),
        "state": Rectification.State.IN_PROGRESS,
        "returned_count": 2,
        "is_late": False,
    }
    return Rectification(**(values | overrides))


def test_the_ledger_rows_are_escaped_cut_and_labelled() -> None:
    html = ledger_rows([rectification()])
    assert "<td>&lt;b&gt;支部&lt;/b&gt;<div" in html
    assert f'<a href="{reverse("rectification_detail", args=[5])}">' in html
    cut = truncatechars("问题" * 40, 70)
    assert len(cut) == 70
    assert f">{cut}</a>" in html
    assert f'<td class="small">{Rectification.SourceType.FINDING.label}</td>' in html
    assert "<td>—</td>" in html
    assert '<td class="text-nowrap">2000-01-31</td>' in html
    overdue = '<i class="bi bi-exclamation-octagon" aria-hidden="true"></i> 逾期</span>'
    assert f'<span class="badge text-bg-danger">{overdue}' in html
    assert "退回 2 次" in html


def test_a_closed_rectification_shows_its_state_and_person() -> None:
    person = User(username="z", first_name="张三")
    html = ledger_rows([rectification(state=Rectification.State.CLOSED, responsible_person=person)])
    assert f"<td>{person.display_name}</td>" in html
    assert f'text-bg-success">{Rectification.State.CLOSED.label}</span>' in html
