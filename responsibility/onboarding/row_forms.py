"""One onboarding row through a form: an organisation row, a person-and-post row. The lookups
(tiers, the codes the file and the database know) are read once per file and passed in."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..excel import lookup_key, quoted, whole_number
from ..excel_rows import RowForm, TextCell
from ..models import Organisation, Tier, User
from .layout import ORG_COLUMNS, PEOPLE_COLUMNS, _post_kind_labels
from .reading import _EMAIL_MAX, _PHONE_RE, _date, _post_kind_lookup

ORG_HEADERS = {column.key: column.header for column in ORG_COLUMNS}
PEOPLE_HEADERS = {column.key: column.header for column in PEOPLE_COLUMNS}


_post_kinds = functools.cache(_post_kind_lookup)  # fixed Chinese labels: built once


class DateCell(forms.Field):
    """An Excel date, a serial number, or text like 2024-01-01, 2024/1/1, 2024年1月1日."""

    default_error_messages = {"required": gettext_lazy("不能为空。")}

    def to_python(self, value: Any) -> datetime.date | None:
        try:
            return _date(value)
        except ValueError:
            raise ValidationError(_("无法识别的日期，请填写如 2024-01-01 的日期。")) from None


def _known(code: str, known_codes: set[str]) -> str:
    if code and code not in known_codes:
        raise ValidationError(_("找不到编码为 %(code)s 的组织。") % {"code": quoted(code)})
    return code


class OrganisationRowForm(RowForm):
    """A row of 组织. `known_codes`: the codes the file defines and the database has."""

    code = TextCell(max_length=50)
    name = TextCell(max_length=120)
    tier = TextCell()
    parent_code = TextCell(required=False)
    sort_order = TextCell(required=False)

    def __init__(
        self, *args: Any, tiers: dict[str, Tier], known_codes: set[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tiers = tiers
        self.known_codes = known_codes

    def clean_tier(self) -> Tier:
        text = self.cleaned_data["tier"]
        tier = self.tiers.get(lookup_key(text))
        if tier is None:
            raise ValidationError(
                _("无法识别层级「%(tier)s」，可选：%(choices)s。")
                % {
                    "tier": quoted(text),
                    "choices": "、".join(t.name for t in Tier.objects.all()),
                }
            )
        return tier

    def clean_sort_order(self) -> int:
        if not self.cleaned_data["sort_order"]:
            return 0
        try:
            sort_order = whole_number(self.data.get("sort_order"))
            # The model field's own validators: not negative, within the column's range.
            Organisation._meta.get_field("sort_order").run_validators(sort_order)
        except (ValueError, OverflowError, ValidationError):
            raise ValidationError(_("须为不超过 2147483647 的非负整数。")) from None
        return sort_order

    def clean_parent_code(self) -> str:
        return _known(self.cleaned_data["parent_code"], self.known_codes)


class PersonRowForm(RowForm):
    """A row of 人员职务. `known_codes`: organisation codes the file defines or the database has
    (of those the file cites)."""

    username = TextCell(max_length=150)
    full_name = TextCell(max_length=50)
    phone = TextCell(required=False)
    email = TextCell(required=False)
    org_code = TextCell()
    kind = TextCell()
    start_date = DateCell()
    end_date = DateCell(required=False)

    def __init__(self, *args: Any, known_codes: set[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_codes = known_codes

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        try:
            User.username_validator(username)
        except ValidationError:
            raise ValidationError(_("只能包含字母、数字和 @ . + - _ 字符。")) from None
        return username

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data["phone"]
        if phone and not _PHONE_RE.match(phone):
            raise ValidationError(_("「%(value)s」不是有效的电话号码。") % {"value": quoted(phone)})
        return phone

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if len(email) > _EMAIL_MAX:
            raise ValidationError(_("不能超过%(limit)d个字符。") % {"limit": _EMAIL_MAX})
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(
                    _("「%(value)s」不是有效的邮箱地址。") % {"value": quoted(email)}
                ) from None
        return email

    def clean_org_code(self) -> str:
        return _known(self.cleaned_data["org_code"], self.known_codes)

    def clean_kind(self) -> str:
        text = self.cleaned_data["kind"]
        kind = _post_kinds().get(lookup_key(text))
        if kind is None:
            raise ValidationError(
                _("无法识别职务「%(kind)s」，可选：%(choices)s。")
                % {"kind": quoted(text), "choices": "、".join(_post_kind_labels())}
            )
        return kind

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("不能早于任职开始日期。"))
        return data
