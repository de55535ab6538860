"""Reading a workbook row by row: the header, headings, notes and the 合计 row; each item row
is checked by its row form (`row_form`). Nothing touches the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..excel import ALL_SPACE_RE, ImportRefused, RowError, open_workbook, sheet_rows
from ..excel import cell_text as _text
from ..excel_rows import check_row
from .layout import (
    ALIAS_LOOKUP,
    COLUMN_BY_KEY,
    COLUMNS,
    HEADER_LOOKUP,
    HEADER_NOTE_RE,
    HEADER_SCAN_ROWS,
    MAX_ITEMS,
    NOTE_PREFIXES,
    TOTAL_LABELS,
    CellError,
    ItemRow,
    ParsedFile,
    SkippedRow,
    header_key,
)
from .row_form import ChecklistRowForm, clean_code, group_value, is_group_heading

# Reading the workbook --------------------------------------------------------------------------


def _file_error(message: str) -> ParsedFile:
    return ParsedFile(errors=[CellError(None, "", message)])


def _header_positions(
    values: tuple[Any, ...],
) -> tuple[dict[str, int], dict[str, str], list[RowError]] | None:
    """For a header row: {key: index}, {key: header as spelt}, errors. None if not a header."""
    exact: dict[str, list[int]] = {}
    alias: dict[str, list[int]] = {}
    for index, value in enumerate(values):
        text = header_key(value)
        if not text:
            continue
        key = HEADER_LOOKUP.get(text)
        if key is not None:
            exact.setdefault(key, []).append(index)
            continue
        bare = HEADER_NOTE_RE.sub("", text)
        key = ALIAS_LOOKUP.get(text) or HEADER_LOOKUP.get(bare) or ALIAS_LOOKUP.get(bare)
        if key is not None:
            alias.setdefault(key, []).append(index)
    found = {key: (exact.get(key) or alias[key]) for key in exact.keys() | alias.keys()}
    if "ref" not in found or "content" not in found:
        return None
    positions = {key: indexes[0] for key, indexes in found.items()}
    spelt = {
        key: ALL_SPACE_RE.sub("", _text(values[index])) or COLUMN_BY_KEY[key].header
        for key, index in positions.items()
    }
    errors: list[RowError] = []
    for key, indexes in exact.items():
        if len(indexes) > 1:
            errors.append(
                CellError(
                    None,
                    COLUMN_BY_KEY[key].header,
                    _("表头中有多个「%(column)s」列（%(letters)s列），请只保留一个。")
                    % {
                        "column": COLUMN_BY_KEY[key].header,
                        "letters": "、".join(get_column_letter(i + 1) for i in indexes),
                    },
                )
            )
    return positions, spelt, errors


class _RowReader:
    """Sorts data rows into items, headings and notes; each item row goes through
    `ChecklistRowForm`. Keeps what runs across rows: the group a merged cell carries down, the
    refs seen, the 合计 row."""

    def __init__(self, positions: dict[str, int], spelt: dict[str, str], parsed: ParsedFile):
        self.positions = positions
        self.columns = {column.key: spelt.get(column.key, column.header) for column in COLUMNS}
        self.parsed = parsed
        self.group: str | None = None
        self.group_failed = False
        self.first_row: dict[str, int] = {}
        self.after_total = False

    def skip(self, row: int, reason: str, cells: list[str]) -> bool:
        """Leave a row out (it is not an item) and list it in the preview; never an error."""
        text = " ".join(cells)
        self.parsed.skipped.append(
            SkippedRow(row, reason, text if len(text) <= 50 else f"{text[:50]}…")
        )
        return False

    def error(self, row: int, key: str, message: str) -> None:
        self.parsed.errors.append(CellError(row, self.columns[key], message))

    def read(self, number: int, values: tuple[Any, ...]) -> bool:
        """Check one row; False when it was blank or a heading, so it counts as no item."""
        raw = {
            key: values[index] if index < len(values) else None
            for key, index in self.positions.items()
        }
        text = {key: _text(value) for key, value in raw.items()}
        if not any(text.values()):
            return False
        filled_in_order = [_text(value) for value in values if _text(value)]
        if self.after_total:
            return self.skip(number, _("合计行之后的内容"), filled_in_order)
        if ALL_SPACE_RE.sub("", filled_in_order[0]).startswith(NOTE_PREFIXES):
            return self.skip(number, _("表格下方的说明"), filled_in_order)
        ref = clean_code(raw.get("ref"))
        group_text = text.get("group", "")
        squeezed = {key: ALL_SPACE_RE.sub("", value) for key, value in text.items()}
        if squeezed.get("ref") in TOTAL_LABELS or (
            not ref
            and (squeezed.get("content") in TOTAL_LABELS or squeezed.get("group") in TOTAL_LABELS)
        ):
            self.after_total = True  # a 合计 row: what follows explains the table
            return False
        filled = [value for value in text.values() if value]
        # A heading row (“一、政治建设” across the columns, or only a 类别 cell) sets the
        # group for the rows below it.
        if (
            len(filled) == 1
            and not (group_text and text.get("content"))
            and (is_group_heading(filled[0]) or (group_text and not ref))
        ):
            self._heading(number, filled[0])
            return False

        checked = check_row(
            ChecklistRowForm,
            {**raw, "group": group_text or self.group or ""},
            sheet="",
            row=number,
            columns=self.columns,
        )
        errors = [CellError(e.row, e.column, e.message) for e in checked.errors]
        if group_text:
            self.group = checked.values.get("group")
            self.group_failed = self.group is None
        elif self.group_failed:
            # The 类别 cell this row inherits was already refused on its own row.
            errors = [e for e in errors if e.column != self.columns["group"]]
        if "ref" in checked.values:
            if ref in self.first_row:
                errors.insert(
                    0,
                    CellError(
                        number,
                        self.columns["ref"],
                        _("编号 %(ref)s 与第%(row)d行重复。")
                        % {"ref": ref, "row": self.first_row[ref]},
                    ),
                )
            else:
                self.first_row[ref] = number
        self.parsed.errors.extend(errors)
        if checked.ok and not errors:
            self.parsed.rows.append(ItemRow(row=number, **checked.values))
        return True

    def _heading(self, number: int, group_text: str) -> None:
        try:
            self.group = group_value(group_text)
        except ValidationError as refused:
            self.error(number, "group", refused.messages[0])
            self.group = None
        self.group_failed = self.group is None


def read_workbook(source: IO[bytes]) -> ParsedFile:
    """Read and check every data row without touching the database (see the module docstring).

    `source` is opened by the shared safe reader (size, zip bomb, formulas, caps): a refusal
    there is the file's only error.
    """
    try:
        with open_workbook(source) as workbook:
            return _read_sheets(workbook)
    except ImportRefused as refused:
        return ParsedFile(errors=[refused.error])


def _read_sheets(workbook: Any) -> ParsedFile:
    for worksheet in workbook.worksheets:
        rows = sheet_rows(worksheet)
        for number, values in rows:
            if number > HEADER_SCAN_ROWS:
                rows.close()  # release the sheet's stream before trying the next sheet
                break
            found = _header_positions(values)
            if found is None:
                continue
            positions, spelt, errors = found
            parsed = ParsedFile(
                errors=errors,
                sheet=worksheet.title,
                header_row=number,
                columns=frozenset(positions),
            )
            for column in COLUMNS:
                if column.required and column.key not in positions:
                    parsed.errors.append(
                        CellError(
                            number,
                            column.header,
                            _("缺少必需的列「%(column)s」（表头在第%(row)d行）。")
                            % {"column": column.header, "row": number},
                        )
                    )
            if parsed.errors:
                return parsed
            _read_data(rows, positions, spelt, parsed)
            return parsed
    return _file_error(
        _(
            "在各工作表的前%(rows)d行中找不到表头：表头行至少应包含「编号」和「工作内容」两列。"
            "请使用系统提供的模板，或检查表头文字。"
        )
        % {"rows": HEADER_SCAN_ROWS}
    )


def _read_data(
    rows: Iterator[tuple[int, tuple[Any, ...]]],
    positions: dict[str, int],
    spelt: dict[str, str],
    parsed: ParsedFile,
) -> None:
    reader = _RowReader(positions, spelt, parsed)
    items = 0
    for number, values in rows:
        if reader.read(number, values):
            items += 1
            if items > MAX_ITEMS:
                parsed.errors.append(
                    CellError(
                        None,
                        "",
                        _("数据超过 %(count)d 行，请检查文件或拆分后分批导入。")
                        % {"count": MAX_ITEMS},
                    )
                )
                return
    if items == 0 and not parsed.errors:
        parsed.errors.append(
            CellError(
                None,
                "",
                _("工作表「%(sheet)s」的表头（第%(row)d行）下面没有数据行。")
                % {"sheet": parsed.sheet, "row": parsed.header_row},
            )
        )
