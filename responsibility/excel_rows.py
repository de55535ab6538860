"""Row forms: every importer checks a data row the way a web form checks a POST.

An importer reads a row into a dict ({field name: raw cell value}), hands it to its row form
(a `RowForm`: one field per column, `clean_<field>` for lookups the importer passes in) through
`check_row`, and gets back the cleaned values or `RowError`s naming the sheet, the Excel row and
the column header the person sees. Checks between rows (a duplicate code, a parent defined
further down) stay in the importer: a form sees one row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext, gettext_lazy

from .excel import RowError, cell_text

if TYPE_CHECKING:
    from .models import User


class RowForm(forms.Form):
    """One data row of an upload. Field errors are Chinese and say what is wrong with the cell;
    `check_row` adds where (sheet, row, column)."""

    use_required_attribute = False


class TextCell(forms.CharField):
    """A cell as trimmed text: 1001.0 → "1001", full-width and zero-width spaces trimmed."""

    default_error_messages = {
        "required": gettext_lazy("不能为空。"),
        "max_length": gettext_lazy("不能超过%(limit_value)d个字符。"),
    }

    def to_python(self, value: Any) -> str:
        return cell_text(value)


@dataclass
class CheckedRow:
    """A row after its form: the cleaned values (only the valid fields when there are errors)
    and the errors, in the form's field order."""

    values: dict[str, Any]
    errors: list[RowError]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_row(
    form_class: type[RowForm],
    values: Mapping[str, Any],
    *,
    sheet: str,
    row: int,
    columns: Mapping[str, str],
    **form_kwargs: Any,
) -> CheckedRow:
    """Row dict → row form → cleaned values or RowErrors, for every importer.

    `columns` maps a field name to the column header as the file spells it; an error of the
    row as a whole (the form's own `clean`) names no column.
    """
    form = form_class(dict(values), **form_kwargs)
    form.is_valid()
    errors = [
        RowError(
            sheet, row, "" if name == NON_FIELD_ERRORS else columns.get(name, name), str(message)
        )
        for name, messages in form.errors.items()
        for message in messages
    ]
    return CheckedRow(dict(getattr(form, "cleaned_data", {})), errors)


@dataclass
class NamedPeople:
    """Rows that name people by 用户名 (a training's attendance, a meeting's sign-in sheet):
    each person at most once, and only among `people`, those the import may name; `unknown`
    says why a name is not among them."""

    sheet: str
    people: Mapping[str, User]
    unknown: Callable[[str], str]
    seen: dict[str, int] = field(default_factory=dict)  # username → its row

    def person(self, username: str, row: int, errors: list[RowError]) -> User | None:
        """The person the row names, or None with its error added to `errors`."""
        if username in self.seen:
            message = gettext("与第%(row)d行重复。") % {"row": self.seen[username]}
            errors.append(RowError(self.sheet, row, "用户名", message))
            return None
        self.seen[username] = row
        person = self.people.get(username)
        if person is None:
            errors.append(RowError(self.sheet, row, "用户名", self.unknown(username)))
        return person
