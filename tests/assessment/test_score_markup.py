"""The scoring page's inputs render from the form's bound fields (assessment/_score_rows.html):
the number input's step, min and max and the reason's maxlength come from the fields, what was
typed is kept and escaped, and errors mark the input and are linked to it. A review that can no
longer be edited shows its scores and reasons as text (tests/assessment/test_review_page.py)."""

import re
from decimal import Decimal

from assessment.forms import ReviewScoreForm
from assessment.models import ItemScore
from responsibility.models import ChecklistItem
from responsibility.templatetags.fragments import fragment


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


def cells(form: ReviewScoreForm) -> str:
    """The score and reason cells of the page's rows (assessment/_score_rows.html)."""
    html = str(
        fragment(
            "assessment/_score_rows.html", lines=form.lines({}), may_submit=True, highlight=False
        )
    )
    inputs = re.findall(
        r'<td class="(?:score-cell[^"]*|cell-wide)" data-label="(?:得分|扣分理由)">.*?</td>',
        html,
        re.S,
    )
    return re.sub(r"\s+", " ", "".join(inputs)).strip()


def test_the_inputs_of_a_fresh_form_come_from_the_fields() -> None:
    html = cells(ReviewScoreForm(scores=scores(), version=1))
    assert html.count("<td") == 6
    assert re.search(
        r'<input type="number" name="score_8" value="4.25" class="form-control form-control-sm"'
        r' (?=.*step="0.01")(?=.*min="0")(?=.*max="5.50").*?id="id_score_8">',
        html,
    )
    assert 'maxlength="500"' in html
    assert 'value="少开&lt;1&gt;次"' in html
    assert '<label class="visually-hidden" for="id_score_7">ZB-&lt;1&gt; 得分</label>' in html
    assert " disabled" not in html
    assert "is-invalid" not in html


def test_the_inputs_of_a_form_with_errors_keep_the_input_and_link_the_errors() -> None:
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
    html = cells(form)
    assert 'value="&lt;b&gt;9&lt;/b&gt;"' in html
    assert 'aria-describedby="id_reason_8_error"' in html
    assert '<div class="invalid-feedback" id="id_reason_8_error">扣分必须填写理由。</div>' in html
    assert 'value="写了&lt;理由&gt;"' in html
    assert html.count("is-invalid") == 3
    assert html.count('aria-invalid="true"') == 3


def test_each_input_is_what_django_s_widget_would_render() -> None:
    """responsibility/_input.html writes the inputs the widgets' own templates would, byte for
    byte, fresh and with errors: only cheaper (bench/README.md, review_score)."""
    data = {"version": "1", "score_7": "<b>9</b>", "score_8": "4", "score_9": "99"}
    data |= {"reason_7": "", "reason_8": "", "reason_9": "写了<理由>"}
    for form in (
        ReviewScoreForm(scores=scores(), version=1),
        ReviewScoreForm(data, scores=scores(), version=1),
    ):
        form.is_valid()
        for _row, score_field, reason_field in form.rows:
            for field in (score_field, reason_field):
                assert str(fragment("responsibility/_input.html", field=field)) == str(field)
