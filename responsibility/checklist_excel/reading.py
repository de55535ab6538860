"""Reading a workbook row by row and checking every cell; nothing touches the database."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..excel import (
    ALL_SPACE_RE,
    ImportRefused,
    RowError,
    chinese_labels,
    lookup_key,
    open_workbook,
    quoted,
    sheet_rows,
    whole_number,
)
from ..excel import cell_text as _text
from ..models import Post
from ..models.checklists import Frequency, Group
from .layout import (
    ALIAS_LOOKUP,
    COLUMN_BY_KEY,
    COLUMNS,
    FREQUENCY_ALIASES,
    GROUP_PREFIX_RE,
    HEADER_LOOKUP,
    HEADER_NOTE_RE,
    HEADER_SCAN_ROWS,
    MAX_ITEMS,
    MAX_POINTS,
    MAX_SMALL_INT,
    NO,
    NOTE_PREFIXES,
    TEXT_LIMITS,
    TOTAL_LABELS,
    YES,
    CellError,
    ItemRow,
    ParsedFile,
    SkippedRow,
    frequency_by_keyword,
    header_key,
    nfkc,
)

# Reading cells ---------------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """A cell as trimmed text with full-width characters made ordinary (for codes)."""
    return nfkc(_text(value)).strip()


def _number_text(value: Any, units: tuple[str, ...]) -> str:
    """Full-width digits made ordinary and one trailing unit dropped (“５ 分” → “5”)."""
    text = _clean(value)
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


def _shown(value: Any) -> str:
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
    """Checks data rows one at a time; keeps the group a merged cell carries down."""

    def __init__(self, positions: dict[str, int], spelt: dict[str, str], parsed: ParsedFile):
        self.positions = positions
        self.spelt = spelt
        self.parsed = parsed
        self.group: str | None = None
        self.group_failed = False
        self.first_row: dict[str, int] = {}
        self.frequencies = _choice_lookup(Frequency, FREQUENCY_ALIASES)
        self.posts = _choice_lookup(Post.Kind)
        self.groups = {_group_key(value): value for value in Group.values}
        self.after_total = False

    def skip(self, row: int, reason: str, cells: list[str]) -> bool:
        """Leave a row out (it is not an item) and list it in the preview; never an error."""
        text = " ".join(cells)
        self.parsed.skipped.append(
            SkippedRow(row, reason, text if len(text) <= 50 else f"{text[:50]}…")
        )
        return False

    def error(self, row: int, key: str, message: str) -> None:
        self.parsed.errors.append(
            CellError(row, self.spelt.get(key, COLUMN_BY_KEY[key].header), message)
        )

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
        ref = _clean(raw.get("ref"))
        content = text.get("content", "")
        group_text = text.get("group", "")
        squeezed = {key: ALL_SPACE_RE.sub("", value) for key, value in text.items()}
        if squeezed.get("ref") in TOTAL_LABELS or (
            not ref
            and (squeezed.get("content") in TOTAL_LABELS or squeezed.get("group") in TOTAL_LABELS)
        ):
            self.after_total = True  # a 合计 row: what follows explains the table
            return False
        filled = [value for value in text.values() if value]
        if len(filled) == 1 and not (group_text and content):
            heading = self.groups.get(_group_key(filled[0]))
            if heading is not None or (group_text and not ref):
                # A heading row (“一、政治建设” across the columns, or only a 类别 cell):
                # it sets the group for the rows below it.
                self._group(number, filled[0])
                return False

        ok = True
        if not ref:
            self.error(number, "ref", _("不能为空。"))
            ok = False
        elif len(ref) > TEXT_LIMITS["ref"]:
            self.error(
                number, "ref", _("不能超过%(limit)d个字符。") % {"limit": TEXT_LIMITS["ref"]}
            )
            ok = False
        elif ref in self.first_row:
            self.error(
                number,
                "ref",
                _("编号 %(ref)s 与第%(row)d行重复。") % {"ref": ref, "row": self.first_row[ref]},
            )
            ok = False
        else:
            self.first_row[ref] = number

        if group_text:
            group = self._group(number, group_text)
        elif self.group is not None:
            group = self.group
        else:
            group = None
            if not self.group_failed:
                self.error(number, "group", _("不能为空。"))
        ok = ok and group is not None

        if not content:
            self.error(number, "content", _("不能为空。"))
            ok = False

        points = self._points(number, raw.get("points"))
        ok = ok and points is not None
        frequency = self._frequency(number, text.get("frequency", ""))
        ok = ok and frequency is not None
        required_count = self._whole(number, "required_count", raw.get("required_count"), 1, 1)
        due_days = self._whole(number, "due_days", raw.get("due_days"), 10, 0)
        ok = ok and required_count is not None and due_days is not None

        post_text = text.get("responsible_post", "")
        post = self.posts.get(lookup_key(post_text).lower(), "") if post_text else ""
        if post_text and not post:
            self.error(
                number,
                "responsible_post",
                _("无法识别责任岗位「%(value)s」，可选：%(choices)s。")
                % {
                    "value": _shown(post_text),
                    "choices": "、".join(chinese_labels(Post.Kind).values()),
                },
            )
            ok = False
        is_meeting = self._yes_no(number, raw.get("is_meeting"))
        ok = ok and is_meeting is not None

        for key in ("content", "standard", "evidence", "deduction_rule", "source"):
            if len(text.get(key, "")) > TEXT_LIMITS[key]:
                self.error(
                    number,
                    key,
                    _("不能超过%(limit)d个字符（现有%(count)d个）。")
                    % {"limit": TEXT_LIMITS[key], "count": len(text[key])},
                )
                ok = False
        if (
            not ok
            or group is None
            or points is None
            or frequency is None
            or required_count is None
            or due_days is None
            or is_meeting is None
        ):
            return True
        self.parsed.rows.append(
            ItemRow(
                row=number,
                ref=ref,
                group=group,
                content=content,
                standard=text.get("standard", ""),
                points=points,
                frequency=frequency,
                required_count=required_count,
                due_days=due_days,
                evidence=text.get("evidence", ""),
                responsible_post=post,
                is_meeting=is_meeting,
                deduction_rule=text.get("deduction_rule", ""),
                source=text.get("source", ""),
                parent_ref=_clean(raw.get("parent_ref")),
            )
        )
        return True

    def _group(self, number: int, group_text: str) -> str | None:
        group = self.groups.get(_group_key(group_text))
        if group is None:
            self.error(
                number,
                "group",
                _("无法识别类别「%(value)s」，可选：%(choices)s。")
                % {"value": _shown(group_text), "choices": "、".join(Group.values)},
            )
            self.group_failed = True
        else:
            self.group_failed = False
        self.group = group
        return group

    def _points(self, number: int, value: Any) -> Decimal | None:
        try:
            points = parse_decimal(value)
        except ValueError:
            self.error(
                number, "points", _("不是有效的数字（“%(value)s”）。") % {"value": _shown(value)}
            )
            return None
        if points is None:
            self.error(number, "points", _("不能为空。"))
            return None
        if points < 0:
            self.error(
                number, "points", _("不能为负数（“%(value)s”）。") % {"value": _shown(value)}
            )
            return None
        if points > MAX_POINTS:
            self.error(number, "points", _("不能超过 %(max)s。") % {"max": MAX_POINTS})
            return None
        if points != points.quantize(Decimal("0.01")):
            self.error(
                number, "points", _("最多保留两位小数（“%(value)s”）。") % {"value": _shown(value)}
            )
            return None
        return points

    def _frequency(self, number: int, value: str) -> str | None:
        if not value:
            self.error(number, "frequency", _("不能为空。"))
            return None
        key = lookup_key(nfkc(value)).lower()
        frequency = self.frequencies.get(key) or frequency_by_keyword(key)
        if frequency is None:
            self.error(
                number,
                "frequency",
                _("无法识别频次「%(value)s」，可选：%(choices)s。")
                % {
                    "value": _shown(value),
                    "choices": "、".join(chinese_labels(Frequency).values()),
                },
            )
        return frequency

    def _whole(self, number: int, key: str, value: Any, default: int, minimum: int) -> int | None:
        try:
            parsed = parse_whole(value, ("次", "天", "日"))
        except ValueError:
            parsed = -1
        if parsed is None:
            return default
        if not minimum <= parsed <= MAX_SMALL_INT:
            message = (
                _("须为正整数（“%(value)s”）。")
                if minimum == 1
                else _("须为不小于0的整数（“%(value)s”）。")
            )
            self.error(number, key, message % {"value": _shown(value)})
            return None
        return parsed

    def _yes_no(self, number: int, value: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        text = ALL_SPACE_RE.sub("", _clean(value)).lower()
        if text in YES:
            return True
        if not text or text in NO:
            return False
        self.error(
            number, "is_meeting", _("请填写“是”或“否”（“%(value)s”）。") % {"value": _shown(value)}
        )
        return None


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
