"""Every Jinja2 row fragment (<app>/jinja2/, config/jinja2.py) escapes what it shows: each renders
with hostile text in every text field of its rows, and none of it comes out as markup. A new
fragment without a case here fails the last test."""

import dataclasses
import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from accountability.selectors import LedgerRow
from assessment.forms import ReviewScoreForm
from assessment.models import ItemScore
from assessment.selectors import ItemFacts, ResultRow
from assessment.selectors.dashboards import RankedResult, UnitAverage
from assessment.whatif import Change
from responsibility.models import ChecklistItem
from responsibility.selectors import (
    Badge,
    Chip,
    GroupProgress,
    ItemRow,
    MonthCell,
    ObligationRow,
    ProgressRow,
)
from responsibility.selectors.entry_reviews import SampleRow
from responsibility.templatetags.fragments import fragment

HOSTILE = "<script>alert(1)</script>\"onmouseover=alert(1) x='&"
DAY = datetime.date(2026, 6, 5)


def hostile(cls: type, **others: Any) -> Any:
    """A row whose every text field holds HOSTILE; the other fields as given."""
    text = {f.name: HOSTILE for f in dataclasses.fields(cls) if f.type == "str"}
    return cls(**(text | others))


def badge() -> Badge:
    return hostile(Badge, is_late=True)


def chip() -> Chip:
    return hostile(Chip, pk=1, period_start=DAY, period_end=DAY, due_date=DAY, is_late=True)


def item() -> ItemRow:
    numbers = {"required_count": 2, "points": Decimal(3), "as_needed": True}
    return hostile(ItemRow, obligations=[chip()], **numbers)


def ledger_row() -> LedgerRow:
    return hostile(LedgerRow, pk=1, deadline=DAY, is_late=True, returned_count=2)


def score_lines() -> dict[str, Any]:
    """A review no longer editable, so the saved reason shows as text (the inputs' escaping:
    tests/assessment/test_score_markup.py)."""
    item = ChecklistItem(pk=7, ref=HOSTILE, content=HOSTILE, deduction_rule=HOSTILE)
    score = ItemScore(item=item, max_points=Decimal(3), score=Decimal(2), reason=HOSTILE)
    form = ReviewScoreForm(scores=[score], version=1)
    facts = ItemFacts(
        obligations=(chip(),), done=1, late=1, missing=1, evidence=2, accepted=1, returned=1
    )
    lines = form.lines({7: facts}, lambda _pk: HOSTILE)
    return {"lines": lines, "may_submit": False, "highlight": True}


def hostile_input() -> Any:
    """A reason input holding what was typed, with an error (shown outside the input)."""
    item = ChecklistItem(pk=7, ref=HOSTILE, content=HOSTILE)
    score = ItemScore(item=item, max_points=Decimal(3), score=Decimal(2), reason="")
    form = ReviewScoreForm({"version": "1", "score_7": HOSTILE}, scores=[score], version=1)
    form.is_valid()
    return form["score_7"]


MONTHS = [MonthCell(total=2, done=1, overdue=1, label=HOSTILE) for _ in range(12)]
SCORES = {
    name: Decimal("1.5")
    for name in ("process_score", "quarterly_score", "year_end_score", "ledger_points", "composite")
}

CASES = {
    "responsibility/_badge.html": lambda: {"obligation_badge": badge()},
    "responsibility/_chips.html": lambda: {"obligations": [chip()]},
    "responsibility/_input.html": lambda: {"field": hostile_input()},
    "responsibility/_options.html": lambda: {"choices": [(HOSTILE, HOSTILE)], "selected": HOSTILE},
    "responsibility/_obligation_rows.html": lambda: {
        "rows": [hostile(ObligationRow, due_date=DAY, badge=badge())]
    },
    "responsibility/_progress_rows.html": lambda: {
        "rows": [hostile(ProgressRow, organisation_id=1, months=MONTHS, overdue=1)]
    },
    "responsibility/_checklist_groups.html": lambda: {
        "groups": [GroupProgress(name=HOSTILE, items=[item()], total=2, overdue=1)],
        "can_adjust": True,
        "can_record": True,
    },
    "assessment/_result_rows.html": lambda: {
        "rows": [hostile(ResultRow, pk=1, rank_in_tier=1, published=True, version=2, **SCORES)]
    },
    "assessment/_score_rows.html": score_lines,
    "assessment/_unit_average_rows.html": lambda: {
        "units": [
            UnitAverage(1, HOSTILE, Decimal(80), 2, Decimal(70), Decimal(90), Decimal(160)),
            UnitAverage(None, HOSTILE, Decimal(80), 2, Decimal(70), Decimal(90), Decimal(160)),
        ],
        "results_url": HOSTILE,
    },
    "assessment/_ranking_rows.html": lambda: {
        "rows": [
            hostile(
                RankedResult,
                position=1,
                result_id=1,
                organisation_id=1,
                composite=Decimal("91.5"),
                is_stale=True,
            )
        ]
    },
    "assessment/_preview_rows.html": lambda: {
        "rows": [
            hostile(
                Change,
                organisation_id=1,
                grade_before="good",  # a grade change: both labels are shown
                grade_after="fairly_good",
                composite_before=Decimal(91),
                composite_after=Decimal(89),
                rank_before=1,
                rank_after=2,
                causes=(HOSTILE,),
            )
        ]
    },
    "responsibility/_entry_sample_rows.html": lambda: {
        "rows": [hostile(SampleRow, completed_on=DAY, is_late=True)]
    },
    "accountability/_ledger_rows.html": lambda: {"rows": [ledger_row()]},
    "accountability/_state_badge.html": lambda: {"rectification": ledger_row()},
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_it_escapes_hostile_text_in_every_field(name: str) -> None:
    html = str(fragment(name, **CASES[name]()))
    assert "&lt;script&gt;" in html  # the text is shown…
    assert "<script" not in html  # …never as markup
    assert '"onmouseover' not in html  # nor breaks out of an attribute
    assert "x='" not in html


def test_every_fragment_has_a_hostile_case() -> None:
    names = set()
    for app in ("responsibility", "assessment", "accountability"):
        root = Path(settings.BASE_DIR) / app / "jinja2"
        names |= {str(path.relative_to(root)) for path in root.rglob("*.html")}
    assert names == set(CASES)


NUMBERS = [
    *(Decimal(text) for text in ("0", "-0", "-0.001", "2.005", "2.015", "99.995", "100.00")),
    *(Decimal(text) for text in ("-2.5", "0.5", "1E+2", "1e-30", "12345.6789", "NaN", "-Inf")),
    *(Decimal(n).scaleb(-places) for n in range(-2003, 2003, 7) for places in (0, 1, 2, 3, 4)),
    *(0, 5, -7, None, "", 2.5, "abc"),
]
PLACES = (2, "-2", 0, -1, 1, "3", -3, "2g", "2u", "x")


@pytest.mark.parametrize("language", ["zh-hans", "de"])
def test_the_fragments_floatformat_prints_what_django_s_prints(language: str) -> None:
    """config.jinja2.floatformat takes a shorter road for scores; the text is Django's, in
    the product's language and in a locale with a decimal comma."""
    from django.template.defaultfilters import floatformat as django_floatformat
    from django.test import override_settings
    from django.utils import translation

    from config import jinja2

    with override_settings(LANGUAGES=[(language, language)]), translation.override(language):
        jinja2._points_only.cache_clear()
        try:
            differ = [
                (value, places, str(django_floatformat(value, places)), ours)
                for value in NUMBERS
                for places in PLACES
                if (ours := jinja2.floatformat(value, places))
                != str(django_floatformat(value, places))
            ]
            point = jinja2.floatformat(Decimal("87.355"), 2)
        finally:
            jinja2._points_only.cache_clear()
    assert not differ
    assert point == ("87,36" if language == "de" else "87.36")


def test_no_translation_the_fragments_use_holds_markup() -> None:
    """config.jinja2.gettext returns text that autoescaping escapes whole: a translation with
    markup in it would show as text. Every `_()`/`ngettext()` message of every fragment, in
    every language the product offers, is plain text."""
    import re

    from django.utils import translation

    messages = set()
    for app in ("responsibility", "assessment", "accountability"):
        for path in (Path(settings.BASE_DIR) / app / "jinja2").rglob("*.html"):
            messages |= set(re.findall(r'(?:_|gettext)\(\s*"([^"]+)"', path.read_text()))
    assert len(messages) > 20  # the pattern still finds them
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            marked = [m for m in messages if re.search(r"[<>&]", translation.gettext(m))]
        assert not marked, code
