"""Reading an onboarding workbook: cells to values, the sheets to records, the plan's rows."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from ..excel import ALL_SPACE_RE as _ALL_SPACE_RE
from ..excel import RowError, open_workbook, sheet_rows
from ..excel import cell_header as _header
from ..excel import cell_text as _text
from ..excel import chinese_labels as _chinese_labels
from ..excel import lookup_key as _lookup_key
from ..models import Post, Tier, User
from .layout import MAX_DATA_ROWS, ORG_SHEET, PEOPLE_SHEET, Column

_PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-]{2,18}$")
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0{1,2}:00(?::00)?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EMAIL_MAX = User._meta.get_field("email").max_length or 254


@dataclass
class OrgRow:
    row: int
    code: str
    name: str
    tier: Tier
    parent_code: str
    sort_order: int


@dataclass
class PersonRow:
    row: int
    username: str
    full_name: str
    phone: str
    email: str
    org_code: str
    kind: str
    start_date: datetime.date
    end_date: datetime.date | None

    @property
    def kind_label(self) -> str:
        return _chinese_labels(Post.Kind).get(self.kind, self.kind)


@dataclass
class ImportPlan:
    """What a checked file would write. Only applied when `errors` is empty."""

    errors: list[RowError] = field(default_factory=list)
    organisations: list[OrgRow] = field(default_factory=list)  # new ones, parents first
    posts: list[PersonRow] = field(default_factory=list)  # new ones
    people: dict[str, PersonRow] = field(default_factory=dict)  # username → merged details
    skipped_organisations: int = 0
    skipped_posts: int = 0
    data_rows: int = 0


@dataclass
class ImportResult:
    organisations_created: int = 0
    users_created: int = 0
    users_updated: int = 0
    posts_created: int = 0
    organisations_skipped: int = 0
    posts_skipped: int = 0

    def summary(self) -> str:
        text = _("导入成功：新建组织 %(orgs)d 个、人员 %(users)d 名、职务 %(posts)d 条。") % {
            "orgs": self.organisations_created,
            "users": self.users_created,
            "posts": self.posts_created,
        }
        if self.organisations_skipped or self.posts_skipped:
            text += _("已存在、未重复导入的组织 %(orgs)d 个、职务 %(posts)d 条。") % {
                "orgs": self.organisations_skipped,
                "posts": self.posts_skipped,
            }
        if self.users_updated:
            text += _("补充了 %(count)d 名已有人员的空白信息。") % {"count": self.users_updated}
        if self.users_created:
            text += _("新建人员尚未设置密码，请在管理后台为其设置后再通知本人登录。")
        return text


# Reading cells ---------------------------------------------------------------------------------


def _date(value: Any) -> datetime.date | None:
    """Excel dates, serial numbers, and text like 2024-01-01, 2024/1/1, 2024年1月1日, 20240101.

    Raises ValueError for anything else; returns None for a blank cell.
    """
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    not_a_date = ValueError(f"not a date: {value!r}")
    if isinstance(value, bool):
        raise not_a_date
    if isinstance(value, int | float):
        if float(value).is_integer() and 19000101 <= value <= 29991231:
            return _date(str(int(value)))
        if not 1 <= value < 2958466:
            raise not_a_date
        converted = from_excel(value)
        if not isinstance(converted, datetime.datetime):
            raise not_a_date
        return converted.date()
    text = _text(value)
    if not text:
        return None
    match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if match is None:
        raise not_a_date
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 2024-02-30
        raise not_a_date from None


def _tier_lookup() -> dict[str, Tier]:
    """Tiers by their kind's label (e.g. 单位) and by their name, which admins may have edited."""
    labels = _chinese_labels(Tier.Kind)
    tiers = list(Tier.objects.all())
    lookup = {_lookup_key(labels[t.kind]): t for t in tiers if t.kind in labels}
    lookup.update({_lookup_key(t.name): t for t in tiers})
    return lookup


def _post_kind_lookup() -> dict[str, str]:
    return {_lookup_key(label): value for value, label in _chinese_labels(Post.Kind).items()}


# Reading the workbook --------------------------------------------------------------------------


def _load_sheets(uploaded: IO[bytes] | bytes) -> tuple[dict[str, list[tuple[Any, ...]]], set[str]]:
    """Raw rows of the data sheets (header first) and the names of sheets with too many rows.

    Raises ImportRefused (bomb, formula, overlong cell, unreadable file).
    """
    wanted = {ORG_SHEET, PEOPLE_SHEET}
    sheets: dict[str, list[tuple[Any, ...]]] = {}
    too_long: set[str] = set()
    with open_workbook(uploaded) as workbook:
        for worksheet in workbook.worksheets:
            name = _ALL_SPACE_RE.sub("", worksheet.title)
            if name not in wanted or name in sheets:
                continue
            rows: list[tuple[Any, ...]] = []
            for _number, values in sheet_rows(worksheet):
                if len(rows) > MAX_DATA_ROWS:
                    if any(_text(value) for value in values):
                        too_long.add(name)
                        break
                    continue
                rows.append(values)
            sheets[name] = rows
    return sheets, too_long


def _sheet_records(
    sheet: str,
    rows: list[tuple[Any, ...]] | None,
    columns: tuple[Column, ...],
    errors: list[RowError],
) -> list[tuple[int, dict[str, Any]]]:
    """(Excel row number, {column key: raw value}) for each non-blank data row."""
    if rows is None:
        errors.append(
            RowError(
                sheet,
                None,
                "",
                _("缺少「%(sheet)s」工作表，请使用系统提供的模板。") % {"sheet": sheet},
            )
        )
        return []
    header = [_header(value) for value in rows[0]] if rows else []
    positions: dict[str, int] = {}
    for column in columns:
        found = [index for index, text in enumerate(header) if text == column.header]
        if len(found) > 1:
            errors.append(RowError(sheet, 1, column.header, _("表头中有多个同名的列。")))
        if found:
            positions[column.key] = found[0]
        elif column.header_required:
            errors.append(
                RowError(
                    sheet,
                    1,
                    column.header,
                    _("缺少必需的列「%(column)s」（表头应在第1行）。") % {"column": column.header},
                )
            )
    records: list[tuple[int, dict[str, Any]]] = []
    for number, values in enumerate(rows[1:], start=2):
        record = {
            key: values[index] if index < len(values) else None for key, index in positions.items()
        }
        if any(_text(value) for value in record.values()):
            records.append((number, record))
    return records
