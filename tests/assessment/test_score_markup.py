"""The scoring page's inputs, built in Python: the same markup the template's input cells made,
for a fresh form and one with errors. A review that can no longer be edited shows its scores
and reasons as text, in the template (tests/assessment/test_review_page.py)."""

import re
from decimal import Decimal
from pathlib import Path

from django.template import Context, Template

from assessment.forms import ReviewScoreForm
from assessment.models import ItemScore
from assessment.templatetags.score_markup import score_inputs
from responsibility.models import ChecklistItem

# The input cells of review_score.html's rows before they were built in Python.
TEMPLATE_ROWS = Template((Path(__file__).parent / "score_rows_reference.html").read_text())


def scores() -> list[ItemScore]:
    items = [
        ChecklistItem(
            pk=7, ref="ZB-<1>", content="按期召开支部委员会" * 8, deduction_rule="少一次扣 1 分"
        ),
        ChecklistItem(pk=8, ref="ZB-2", content="组织生活会 & 民主评议", deduction_rule=""),
        ChecklistItem(pk=9, ref="ZB-3", content="谈心谈话", deduction_rule="<b>未谈</b>扣分"),
    ]
    return [
        ItemScore(item=items[0], max_points=Decimal("3.00"), score=Decimal("3.00"), reason=""),
        ItemScore(
            item=items[1], max_points=Decimal("5.50"), score=Decimal("4.25"), reason="少开<1>次"
        ),
        ItemScore(item=items[2], max_points=Decimal("2.00"), score=Decimal("2.00"), reason=""),
    ]


def same(form: ReviewScoreForm) -> tuple[str, str]:
    built = "\n".join(
        score_inputs(score, reason, row.max_points) for row, score, reason in form.rows
    )
    expected = TEMPLATE_ROWS.render(Context({"form": form}))
    return re.sub(r"\s+", " ", built).strip(), re.sub(r"\s+", " ", expected).strip()


def test_the_inputs_of_a_fresh_form_match_the_template() -> None:
    built, expected = same(ReviewScoreForm(scores=scores(), version=1))
    assert built == expected
    assert 'value="4.25"' in built
    assert 'value="少开&lt;1&gt;次"' in built
    assert "ZB-&lt;1&gt; 得分" in built
    assert " disabled" not in built


def test_the_inputs_of_a_form_with_errors_keep_the_input_and_match_the_template() -> None:
    data = {
        "version": "1",
        "score_7": "<b>9</b>",
        "reason_7": "",
        "score_8": "4",
        "reason_8": "",
        "score_9": "99",
        "reason_9": "写了<理由>",
    }
    form = ReviewScoreForm(data, scores=scores(), version=1)
    assert not form.is_valid()
    built, expected = same(form)
    assert built == expected
    assert 'value="&lt;b&gt;9&lt;/b&gt;"' in built
    assert 'aria-describedby="id_reason_8_err"' in built
    assert "扣分必须填写理由。" in built
    assert 'value="写了&lt;理由&gt;"' in built
    assert built.count("is-invalid") == 3
