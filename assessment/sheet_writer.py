"""A streaming (write_only) openpyxl sheet with typed, formatted columns: every export's
writer (the annual results workbook, the cadres' sheet, accountability's ledger)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from responsibility.excel import FORMULA_PREFIXES

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2E6E6")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    title: str
    width: int = 12
    number_format: str | None = None


class SheetWriter:
    """A write-only sheet with a styled, frozen, printed header and formula-safe cells.

    openpyxl writes each appended row out before taking the next, so a column's cells are made
    and styled once and then reused row after row: a styled cell per value would cost more
    than writing it.
    """

    def __init__(self, workbook: Workbook, title: str, columns: Sequence[Column]) -> None:
        self.sheet: WriteOnlyWorksheet = workbook.create_sheet(title)
        self.columns = columns
        for index, column in enumerate(columns, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = column.width
        self.sheet.freeze_panes = "A2"
        self.sheet.print_title_rows = "1:1"
        header = []
        for column in columns:
            cell = WriteOnlyCell(self.sheet, value=column.title)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = HEADER_ALIGNMENT
            header.append(cell)
        self.sheet.append(header)
        # A column's number cell is made when a number first comes, so a format no cell
        # uses is not written into the workbook's styles.
        self._numbers: list[WriteOnlyCell | str | None] = [c.number_format for c in columns]
        self._texts = [WriteOnlyCell(self.sheet) for _column in columns]

    def _number_cell(self, index: int) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.sheet)
        cell.number_format = self._numbers[index]
        self._numbers[index] = cell
        return cell

    def row(self, values: Iterable[Any]) -> None:
        cells = []
        for index, (value, number, text) in enumerate(
            zip(values, self._numbers, self._texts, strict=True)
        ):
            kind = type(value)  # the usual types by identity: this runs for every cell
            if kind is Decimal:
                value, kind = float(value), float
            elif kind is not str and kind is not int and kind is not float and value is not None:
                value, kind = _usual(value)
            if kind is str:
                if not value:
                    value = None  # a blank cell is left out, not written as empty text
                # Text that looks like a formula stays text: an export must never execute.
                elif value.startswith(FORMULA_PREFIXES):
                    text.value = value
                    text.data_type = "s"
                    value = text
            elif number is not None and kind in NUMBER_TYPES:
                if isinstance(number, str):
                    number = self._number_cell(index)
                number.value = value
                value = number
            cells.append(value)
        self.sheet.append(cells)


# Written into the column's formatted cell: numbers, and dates and times (Excel keeps them as
# numbers too), so a column declared "yyyy-mm-dd hh:mm" shows that rather than the default.
NUMBER_TYPES = frozenset({float, int, datetime.datetime, datetime.date})


def _usual(value: Any) -> tuple[Any, type]:
    """A value of another type as the usual type it is written as (a str or int subclass as
    str or int, a Decimal as float, an aware datetime as local time)."""
    if isinstance(value, str):
        return str(value), str
    if isinstance(value, Decimal):
        return float(value), float
    if isinstance(value, int):
        return value, int  # bool too: it takes the column's number format, as numbers do
    if isinstance(value, float):
        return value, float
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).replace(tzinfo=None), datetime.datetime
    return value, type(value)
