"""What every Excel importer and template shares: the one safe way to open an upload, reading
cells the way real offices fill them, one error type, and the templates' header and dropdowns.

One import stack, five parts; a new importer (beside checklists/templates, onboarding and
training attendance) uses all five and writes only its layout, row form, plan and service:

1. reader: `open_workbook` and `sheet_rows` here (the guards below);
2. row form: each data row as {field: cell} through a `excel_rows.RowForm` subclass by
   `excel_rows.check_row`, which turns field errors into `RowError`s naming sheet, row and
   column (`checklist_excel/row_form.py`, `onboarding/row_forms.py`,
   `assessment.forms.AttendanceRowForm`); checks between rows stay in the importer's plan;
3. preview: the importer's plan function (writes nothing) run by `views/excel_import.py`
   (`ImportTarget.plan`), which keeps the upload until 确认导入 and checks it again then;
4. commit: a service, keyword-only with `actor=`, atomic and audited (`services.template_import`,
   `services.checklist_import`, `services.onboarding_import`,
   `assessment.services.training_attendance_add`), called by `ImportTarget.apply`;
5. error table: the plan's `RowError`s, shown by templates/_import_errors.html
   (`excel_import.error_context`).

Every importer (checklists, onboarding, training attendance) opens its upload with
`open_workbook` and reads rows with `sheet_rows`, so all of them get the same guards:

- the size limit (settings.IMPORT_MAX_BYTES), then the zip's central directory is checked before
  openpyxl parses anything (entry count, total uncompressed size, compression ratio): a zip bomb
  is refused in milliseconds and without inflating a byte;
- formulas are refused with the cell's address, whether or not Excel/WPS cached a value: a
  cached value is whatever the last program computed, and a HYPERLINK or =2+3 must not slip in
  as text or as points;
- rows per sheet and characters per cell are capped, and a message quotes at most
  `QUOTE_CHARS` characters of a cell (`quoted`).

Full-width and zero-width spaces, codes stored as numbers (1001.0), required-field marks in
headers: all normalised here so each importer only decides what a column means. Problems are
`RowError`s (sheet, Excel row, column, Chinese message), shown by templates/_import_errors.html.
"""

from __future__ import annotations

import datetime
import io
import re
import zipfile
from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO, Any, Protocol

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
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

# Limits of an upload, checked on the zip's central directory before openpyxl reads anything.
# Measured on a workbook written by openpyxl with 30,000 people (8 columns, distinct names,
# phones and e-mails) and 3,000 organisations: 1.65 MB on disk, 10 zip entries, 14.5 MB
# uncompressed, the largest ratio 14.8 (a sheet's XML; styles and theme 4-7). So a 10 MB upload
# of the same kind is about 90-150 MB uncompressed; Excel and WPS files compress alike. A bomb
# (one cell of 300 MB in a 310 KB file) has a ratio near 1000.
MAX_ZIP_ENTRIES = 1000  # a workbook has 10-30 parts; one per sheet, image or comment beyond that
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # 10 MB at ratio 25, well above the measured 15
MAX_COMPRESSION_RATIO = 100  # per part; real sheets stay under 20
RATIO_EXEMPT_BYTES = 1024 * 1024  # tiny parts may compress better and cannot hurt
MAX_SHEET_ROWS = 100_000  # rows stored in one sheet, blank ones included
MAX_COLUMNS = 200  # columns read per row; every template has fewer than 20
MAX_CELL_CHARS = 32_767  # Excel's own limit per cell: a longer cell was not written by Excel
QUOTE_CHARS = 50  # characters of a cell that a message quotes


class TemplateColumn(Protocol):
    """A template column as the importers declare them: a key and the header people see."""

    # Read-only, so that frozen dataclasses match.
    @property
    def key(self) -> str: ...
    @property
    def header(self) -> str: ...


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


class ImportRefused(Exception):
    """The whole upload is refused (bomb, formula, overlong cell, unreadable); nothing is read
    further. `error` names the place the way every other problem does."""

    def __init__(
        self, message: str, *, sheet: str = "", row: int | None = None, column: str = ""
    ) -> None:
        super().__init__(message)
        self.error = RowError(sheet or _("文件"), row, column, message)


def unreadable_message() -> str:
    return _(
        "无法读取该文件：它不是有效的 Excel（.xlsx）文件。请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
    )


def quoted(value: Any, limit: int = QUOTE_CHARS) -> str:
    """A cell as a message quotes it: trimmed text, at most `limit` characters and "…"."""
    if isinstance(value, str) and len(value) > limit * 2:
        value = value[: limit * 2]  # never run the regexes over a huge cell
    text = cell_text(value)
    return text if len(text) <= limit else text[:limit] + "…"


def check_archive(data: bytes) -> None:
    """Refuse a zip bomb from the central directory alone (nothing is inflated).

    zipfile never inflates an entry past the size its central directory declares (it stops and
    fails the CRC), so the declared sizes bound what openpyxl can read.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ImportRefused(unreadable_message()) from None
    suspicious = _(
        "文件结构异常（%(reason)s），可能是恶意构造的文件，已拒绝导入。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
    )
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ImportRefused(
            suspicious
            % {
                "reason": _("包含 %(n)d 个部件，上限 %(max)d")
                % {"n": len(entries), "max": MAX_ZIP_ENTRIES}
            }
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > RATIO_EXEMPT_BYTES and entry.file_size > MAX_COMPRESSION_RATIO * max(
            entry.compress_size, 1
        ):
            raise ImportRefused(
                suspicious
                % {
                    "reason": _("压缩比超过 %(max)d 倍，解压后达 %(mb)d MB")
                    % {"max": MAX_COMPRESSION_RATIO, "mb": entry.file_size // (1024 * 1024)}
                }
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            suspicious
            % {
                "reason": _("解压后达 %(mb)d MB，上限 %(max)d MB")
                % {"mb": total // (1024 * 1024), "max": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)}
            }
        )


@contextmanager
def open_workbook(uploaded: IO[bytes] | bytes) -> Iterator[Workbook]:
    """The upload as a read-only workbook that keeps formulas (`sheet_rows` refuses them).

    Raises ImportRefused for a file over the size limit, a zip bomb or an unreadable file.
    """
    data = read_upload(uploaded)
    if not data:
        raise ImportRefused(_("文件为空，请重新选择文件。"))
    if len(data) > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(
            _("文件超过 %(size)d MB 的上限，请拆分后分批导入。")
            % {"size": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        )
    check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors for damaged or foreign files
        raise ImportRefused(unreadable_message()) from None
    try:
        yield workbook
    finally:
        workbook.close()


def _is_formula(cell: Any) -> bool:
    return getattr(cell, "data_type", None) == "f" or isinstance(
        cell.value, ArrayFormula | DataTableFormula
    )


def sheet_rows(
    worksheet: Any, *, max_rows: int = MAX_SHEET_ROWS
) -> Generator[tuple[int, tuple[Any, ...]]]:
    """(Excel row number, cell values) of every row stored in the sheet, blank ones included.

    Raises ImportRefused at the first formula or overlong cell, past `max_rows` rows, or when
    the sheet's XML is damaged.
    """
    title = worksheet.title
    worksheet.reset_dimensions()  # some writers record a wrong sheet size
    rows = worksheet.iter_rows(min_row=1, max_col=MAX_COLUMNS)
    number = 0
    while True:
        try:
            cells = next(rows, None)
        except Exception:  # damaged XML inside a readable archive
            raise ImportRefused(unreadable_message(), sheet=title) from None
        if cells is None:
            return
        number += 1
        if number > max_rows:
            raise ImportRefused(
                _("工作表「%(sheet)s」超过 %(max)d 行（含空行），请删除多余的行或拆分后分批导入。")
                % {"sheet": quoted(title), "max": max_rows},
                sheet=title,
            )
        for index, cell in enumerate(cells, start=1):
            letter = get_column_letter(index)
            address = f"{letter}{number}"
            if _is_formula(cell):
                raise ImportRefused(
                    _("单元格 %(cell)s 含公式，请粘贴为数值后再导入。") % {"cell": address},
                    sheet=title,
                    row=number,
                    column=letter,
                )
            value = cell.value
            if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                raise ImportRefused(
                    _("单元格 %(cell)s 超过 %(max)d 个字符（Excel 单元格的上限），请检查文件。")
                    % {"cell": address, "max": MAX_CELL_CHARS},
                    sheet=title,
                    row=number,
                    column=letter,
                )
        yield number, tuple(cell.value for cell in cells)


def rounded_number(value: Any, places: int) -> str:
    """A number cell as text rounded to `places` decimals (half up), for a form field to check
    the range on the value that will be stored (0.04 h → "0.0", refused by min_value). Text
    that is not a finite number is returned as is, for the form to refuse."""
    text = cell_text(value)
    if isinstance(value, bool):
        return text
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text
    if not number.is_finite():
        return text
    try:
        return str(number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
    except InvalidOperation:  # too many digits to round (1e400): the range check refuses it
        return text


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
