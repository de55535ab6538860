"""One checklist row through a form: the cells as offices fill them, made the item's values."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..excel import ALL_SPACE_RE, chinese_labels, lookup_key, quoted, whole_number
from ..excel import cell_text as _text
from ..excel_rows import RowForm, TextCell
from ..models import Post
from ..models.checklists import Frequency, Group
from .layout import (
    FREQUENCY_ALIASES,
    GROUP_PREFIX_RE,
    HEADER_NOTE_RE,
    MAX_POINTS,
    MAX_SMALL_INT,
    NO,
    TEXT_LIMITS,
    YES,
    frequency_by_keyword,
    nfkc,
)

# Cells -----------------------------------------------------------------------------------------


def clean_code(value: Any) -> str:
    """A cell as trimmed text with full-width characters made ordinary (for codes)."""
    return nfkc(_text(value)).strip()


def _number_text(value: Any, units: tuple[str, ...]) -> str:
    """Full-width digits made ordinary and one trailing unit dropped (“５ 分” → “5”)."""
    text = clean_code(value)
    for unit in units:
        text = text.removesuffix(unit).strip()
    return text


def parse_decimal(value: Any) -> Decimal | None:
    """A cell as a decimal (“５”, “5分”, 2.5); None when blank; ValueError when not a number."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    text = _number_text(value, ("分",))
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def parse_whole(value: Any, units: tuple[str, ...]) -> int | None:
    """A cell as a whole number (“３”, “10天”); None when blank; ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        return whole_number(float(value))
    text = _number_text(value, units)
    if not text:
        return None
    return whole_number(text)


def shown(value: Any) -> str:
    """A cell value quoted in a message."""
    return quoted(value, 30)


def _choice_lookup(choices: type[Any], extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Chinese labels and codes (and aliases) → value, compared without spaces and case."""
    lookup = {lookup_key(label): value for value, label in chinese_labels(choices).items()}
    lookup.update({value.lower(): value for value in choices.values})
    lookup.update({lookup_key(alias): value for alias, value in (extra or {}).items()})
    return lookup


def _group_key(text: str) -> str:
    """Group cells may be numbered (“一、政治建设”) or carry points (“政治建设（20分）”)."""
    key = lookup_key(text)
    key = GROUP_PREFIX_RE.sub("", key)
    return HEADER_NOTE_RE.sub("", nfkc(key))


@functools.cache
def _lookups() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Frequencies, posts and groups by every wording the import accepts (fixed Chinese labels,
    so built once)."""
    return (
        _choice_lookup(Frequency, FREQUENCY_ALIASES),
        _choice_lookup(Post.Kind),
        {_group_key(value): value for value in Group.values},
    )


def group_value(text: str) -> str:
    """The group a cell names; ValidationError naming the choices otherwise."""
    group = _lookups()[2].get(_group_key(text))
    if group is None:
        raise ValidationError(
            _("无法识别类别「%(value)s」，可选：%(choices)s。")
            % {"value": shown(text), "choices": "、".join(Group.values)}
        )
    return group


def is_group_heading(text: str) -> bool:
    return _group_key(text) in _lookups()[2]


class CodeCell(TextCell):
    """A ref: full-width letters and digits made ordinary, so ＹＤ-01 is YD-01."""

    def to_python(self, value: Any) -> str:
        return clean_code(value)


class LongTextCell(TextCell):
    default_error_messages = {
        "max_length": gettext_lazy("不能超过%(limit_value)d个字符（现有%(show_value)d个）。"),
    }


class PointsCell(forms.Field):
    """Points: a number with at most two decimals between 0 and MAX_POINTS; “5分” is 5."""

    def clean(self, value: Any) -> Decimal:
        try:
            points = parse_decimal(value)
        except ValueError:
            raise ValidationError(
                _("不是有效的数字（“%(value)s”）。") % {"value": shown(value)}
            ) from None
        if points is None:
            raise ValidationError(_("不能为空。"))
        if points < 0:
            raise ValidationError(_("不能为负数（“%(value)s”）。") % {"value": shown(value)})
        if points > MAX_POINTS:
            raise ValidationError(_("不能超过 %(max)s。") % {"max": MAX_POINTS})
        if points != points.quantize(Decimal("0.01")):
            raise ValidationError(_("最多保留两位小数（“%(value)s”）。") % {"value": shown(value)})
        return points


class CountCell(forms.Field):
    """A whole number of times or days (“2次”, “10天”); blank is the default."""

    def __init__(self, *, default: int, minimum: int, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.default = default
        self.minimum = minimum

    def clean(self, value: Any) -> int:
        try:
            parsed = parse_whole(value, ("次", "天", "日"))
        except ValueError:
            parsed = -1
        if parsed is None:
            return self.default
        if not self.minimum <= parsed <= MAX_SMALL_INT:
            message = (
                _("须为正整数（“%(value)s”）。")
                if self.minimum == 1
                else _("须为不小于0的整数（“%(value)s”）。")
            )
            raise ValidationError(message % {"value": shown(value)})
        return parsed


class YesNoCell(forms.Field):
    """是/否, y/n, √/×; blank is 否."""

    def clean(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        text = ALL_SPACE_RE.sub("", clean_code(value)).lower()
        if text in YES:
            return True
        if not text or text in NO:
            return False
        raise ValidationError(_("请填写“是”或“否”（“%(value)s”）。") % {"value": shown(value)})


# The row ---------------------------------------------------------------------------------------


class ChecklistRowForm(RowForm):
    """One item row of a template or checklist workbook; the field names are the columns' keys
    (`layout.COLUMNS`). A blank 类别 has already been filled from the rows above."""

    ref = CodeCell(max_length=TEXT_LIMITS["ref"])
    group = TextCell()
    content = LongTextCell(max_length=TEXT_LIMITS["content"])
    standard = LongTextCell(max_length=TEXT_LIMITS["standard"], required=False)
    points = PointsCell()
    frequency = TextCell()
    required_count = CountCell(default=1, minimum=1)
    due_days = CountCell(default=10, minimum=0)
    evidence = LongTextCell(max_length=TEXT_LIMITS["evidence"], required=False)
    responsible_post = TextCell(required=False)
    is_meeting = YesNoCell(required=False)
    deduction_rule = LongTextCell(max_length=TEXT_LIMITS["deduction_rule"], required=False)
    source = LongTextCell(max_length=TEXT_LIMITS["source"], required=False)
    parent_ref = CodeCell(required=False)

    def clean_group(self) -> str:
        return group_value(self.cleaned_data["group"])

    def clean_frequency(self) -> str:
        text = self.cleaned_data["frequency"]
        key = lookup_key(nfkc(text)).lower()
        frequency = _lookups()[0].get(key) or frequency_by_keyword(key)
        if frequency is None:
            raise ValidationError(
                _("无法识别频次「%(value)s」，可选：%(choices)s。")
                % {"value": shown(text), "choices": "、".join(chinese_labels(Frequency).values())}
            )
        return frequency

    def clean_responsible_post(self) -> str:
        text = self.cleaned_data["responsible_post"]
        if not text:
            return ""
        post = _lookups()[1].get(lookup_key(text).lower())
        if post is None:
            raise ValidationError(
                _("无法识别责任岗位「%(value)s」，可选：%(choices)s。")
                % {"value": shown(text), "choices": "、".join(chinese_labels(Post.Kind).values())}
            )
        return post
