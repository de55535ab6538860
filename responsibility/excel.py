"""What every Excel importer and template shares: reading cells the way real offices fill
them, and the templates' header row and dropdowns.

Full-width and zero-width spaces, codes stored as numbers (1001.0), required-field marks in
headers: all normalised here so each importer only decides what a column means.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Protocol

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

EDGE_SPACE_RE = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")
ALL_SPACE_RE = re.compile(r"[\s\u200b\ufeff]+")
HEADER_NOISE_RE = re.compile(r"[*＊]|[（(](必填|选填)[)）]")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text starting with one of these could run as a formula when the file is opened (CSV/formula
# injection, OWASP); every export writes such text as typed text, never as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEMPLATE_ROWS = 2000  # rows a template's dropdowns cover
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")


class TemplateColumn(Protocol):
    """A template column as the importers declare them: a key and the header people see."""

    key: str
    header: str


@dataclass(frozen=True)
class RowError:
    """One problem of an upload, named the way a person finds it in Excel."""

    sheet: str
    row: int | None  # as Excel shows it; None for problems with the file or a whole sheet
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.sheet}：{self.message}"
        return _("%(sheet)s 第%(row)s行「%(column)s」：%(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers lose their ".0" (1001.0 → "1001")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return EDGE_SPACE_RE.sub("", str(value))


def cell_header(value: Any) -> str:
    """Header cells compare without any spaces, asterisks or a (必填)/(选填) note."""
    return HEADER_NOISE_RE.sub("", ALL_SPACE_RE.sub("", cell_text(value)))


def read_upload(uploaded: IO[bytes] | bytes) -> bytes:
    """The upload's bytes, at most one byte past the import limit (so size can be checked)."""
    if isinstance(uploaded, bytes):
        return uploaded
    if hasattr(uploaded, "seek"):
        uploaded.seek(0)
    return uploaded.read(settings.IMPORT_MAX_BYTES + 1)


def lookup_key(value: str) -> str:
    """Tier, post and frequency labels compare without spaces and with either kind of
    brackets."""
    return ALL_SPACE_RE.sub("", value).replace("(", "（").replace(")", "）")


def whole_number(value: Any) -> int:
    """An integer cell, also when typed as text or stored as 3.0; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    number = float(cell_text(value))
    if not number.is_integer():
        raise ValueError(value)
    return int(number)


def chinese_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """{value: label}; labels are Chinese source strings, whatever the UI language is."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def write_header(worksheet: Worksheet, row: int, columns: Iterable[TemplateColumn]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = worksheet.cell(row=row, column=index, value=column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")


def dropdown(
    worksheet: Worksheet,
    columns: Sequence[TemplateColumn],
    key: str,
    choices: list[str],
    title: str,
) -> None:
    """A list validation on the column `key` for the template's data rows."""
    formula = '"' + ",".join(choices) + '"'
    if len(formula) > 255 or any("," in choice or '"' in choice for choice in choices):
        return  # Excel's inline lists are limited; the import checks the value anyway
    letter = get_column_letter([column.key for column in columns].index(key) + 1)
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=title,
        error=_("请从下拉列表中选择。"),
    )
    worksheet.add_data_validation(validation)
    validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
