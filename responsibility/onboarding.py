"""Onboarding from Excel: the template workbook, checking an uploaded one, and importing it.

The workbook has two data sheets, 组织 (organisations) and 人员职务 (people and their posts),
plus a 填写说明 sheet with instructions and example rows that is never imported, so the
template itself uploads cleanly while it has no data rows.

Validation reads the whole file and collects every problem as a `RowError` (sheet, row number
as Excel shows it, column header, Chinese message) before anything is written; the import then
runs in one transaction. Decisions:

- An organisation code that already exists with the same name, tier and parent is "already
  present" and skipped, so re-importing a file is idempotent. An existing code whose name, tier
  or parent differs is an error: the import never renames or moves an organisation (that is
  done deliberately in the admin). The sort order is not compared.
- The tree has one top organisation. A blank 上级组织编码 is allowed on one row only, and only
  while the database has no top organisation yet (or the row is that top organisation).
- A post that already exists (same 用户名, 组织编码, 职务, 任职开始) with the same end date is
  skipped; with a different end date it is an error (end a post in the admin instead).
- Existing users are matched by exact username and reused; their 姓名/手机号/邮箱 are filled in
  from the file only where blank. New users get an unusable password for admins to set later.
- Within the file, one username must not carry different non-blank 姓名/手机号/邮箱 values.
- The file is opened by the shared safe reader (`excel.open_workbook`): a zip bomb, a formula
  (named by its cell address) or an overlong cell refuses the whole file.
- The view previews the plan and writes only on confirm (`views.excel_import`).
"""

from __future__ import annotations

import dataclasses
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.worksheet import Worksheet

from . import services
from .excel import ALL_SPACE_RE as _ALL_SPACE_RE
from .excel import ImportRefused, RowError, open_workbook, quoted, sheet_rows
from .excel import cell_header as _header
from .excel import cell_text as _text
from .excel import chinese_labels as _chinese_labels
from .excel import dropdown as _dropdown
from .excel import lookup_key as _lookup_key
from .excel import whole_number as _whole_number
from .excel import write_header as _write_header
from .models import Organisation, Post, Tier, User

ORG_SHEET = "组织"
PEOPLE_SHEET = "人员职务"
HELP_SHEET = "填写说明"
FILE_SHEET = "文件"  # the "sheet" named by errors about the file as a whole
TEMPLATE_FILENAME = "责任链批量导入模板.xlsx"
MAX_DATA_ROWS = 10000  # per sheet


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    header_required: bool  # the column must be present (values may still be optional)
    width: int
    note: str | Promise  # shown in the 填写说明 sheet
    text: bool = False  # formatted as text in the template so codes keep leading zeros
    date: bool = False


ORG_COLUMNS = (
    Column(
        "code",
        "组织编码",
        True,
        18,
        gettext_lazy("必填；唯一，最多50个字符，如 CZT-ZB1。"),
        text=True,
    ),
    Column("name", "组织名称", True, 32, gettext_lazy("必填；最多120个字符。")),
    Column(
        "tier",
        "层级",
        True,
        18,
        gettext_lazy("必填；从下拉列表选择，如 单位、党组（党委）、党支部。"),
    ),
    Column(
        "parent_code",
        "上级组织编码",
        True,
        18,
        gettext_lazy("除顶级组织外必填；填系统中已有的组织编码，或本表中其他行的组织编码。"),
        text=True,
    ),
    Column("sort_order", "排序", False, 8, gettext_lazy("选填；非负整数，数字小的排在前面。")),
)
PEOPLE_COLUMNS = (
    Column(
        "username",
        "用户名",
        True,
        18,
        gettext_lazy("必填；字母、数字和 @ . + - _，用于登录。"),
        text=True,
    ),
    Column("full_name", "姓名", True, 14, gettext_lazy("必填；最多50个字符。")),
    Column("phone", "手机号", False, 16, gettext_lazy("选填。"), text=True),
    Column("email", "邮箱", False, 26, gettext_lazy("选填；须为有效的邮箱地址。")),
    Column(
        "org_code",
        "组织编码",
        True,
        18,
        gettext_lazy("必填；系统中已有的组织编码，或「组织」表中的组织编码。"),
        text=True,
    ),
    Column("kind", "职务", True, 16, gettext_lazy("必填；从下拉列表选择，如 书记、委员、党员。")),
    Column(
        "start_date",
        "任职开始",
        True,
        14,
        gettext_lazy("必填；日期，如 2024-01-01 或 2024/1/1。"),
        date=True,
    ),
    Column(
        "end_date", "任职结束", False, 14, gettext_lazy("选填；日期，不早于任职开始。"), date=True
    ),
)
ORG_EXAMPLE = ("CZT-ZB9", "示例处党支部", "党支部", "CZT-JGDW", 90)
PEOPLE_EXAMPLE = (
    "zhangsan",
    "张三",
    "13800000000",
    "zhangsan@example.gov.cn",
    "CZT-ZB9",
    "书记",
    datetime.date(2024, 1, 1),
    None,
)

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


def _post_kind_labels() -> list[str]:
    return list(_chinese_labels(Post.Kind).values())


# Reading the workbook --------------------------------------------------------------------------


def _file_error(message: str) -> ImportPlan:
    return ImportPlan(errors=[RowError(FILE_SHEET, None, "", message)])


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


# Checking --------------------------------------------------------------------------------------


@dataclass
class _ExistingOrganisation:
    name: str
    tier_id: int
    tier_name: str
    parent_code: str


def _check_organisations(records: list[tuple[int, dict[str, Any]]], plan: ImportPlan) -> set[str]:
    """Fill plan.organisations (parents first); return every code the file defines."""
    errors = plan.errors
    tiers = _tier_lookup()
    existing = {
        code: _ExistingOrganisation(name, tier_id, tier_name, parent_code or "")
        for code, name, tier_id, tier_name, parent_code in Organisation.objects.values_list(
            "code", "name", "tier_id", "tier__name", "parent__code"
        )
    }
    existing_roots = [code for code, org in existing.items() if not org.parent_code]
    file_codes = {_text(record.get("code")) for _number, record in records} - {""}
    first_row: dict[str, int] = {}
    root_row: int | None = None
    new_rows: dict[str, OrgRow] = {}

    def error(row: int, column: str, message: str) -> None:
        errors.append(RowError(ORG_SHEET, row, column, message))

    for number, record in records:
        ok = True
        code = _text(record.get("code"))
        name = _text(record.get("name"))
        tier_text = _text(record.get("tier"))
        parent_code = _text(record.get("parent_code"))
        if not code:
            error(number, "组织编码", _("不能为空。"))
            ok = False
        elif len(code) > 50:
            error(number, "组织编码", _("不能超过50个字符。"))
            ok = False
        elif code in first_row:
            error(
                number,
                "组织编码",
                _("编码 %(code)s 与第%(row)d行重复。")
                % {"code": quoted(code), "row": first_row[code]},
            )
            ok = False
        else:
            first_row[code] = number
        if not name:
            error(number, "组织名称", _("不能为空。"))
            ok = False
        elif len(name) > 120:
            error(number, "组织名称", _("不能超过120个字符。"))
            ok = False
        tier = tiers.get(_lookup_key(tier_text))
        if not tier_text:
            error(number, "层级", _("不能为空。"))
            ok = False
        elif tier is None:
            error(
                number,
                "层级",
                _("无法识别层级「%(tier)s」，可选：%(choices)s。")
                % {
                    "tier": quoted(tier_text),
                    "choices": "、".join(t.name for t in Tier.objects.all()),
                },
            )
            ok = False
        sort_order = 0
        if _text(record.get("sort_order")):
            try:
                sort_order = _whole_number(record.get("sort_order"))
                # The model field's own validators: not negative, within the column's range.
                Organisation._meta.get_field("sort_order").run_validators(sort_order)
            except (ValueError, OverflowError, ValidationError):
                error(number, "排序", _("须为不超过 2147483647 的非负整数。"))
                ok = False
        if parent_code and parent_code not in file_codes and parent_code not in existing:
            error(
                number,
                "上级组织编码",
                _("找不到编码为 %(code)s 的组织。") % {"code": quoted(parent_code)},
            )
            ok = False
        if not ok or tier is None:
            continue

        present = existing.get(code)
        if present is not None:
            differences = []
            if present.name != name:
                differences.append(_("名称为「%(value)s」") % {"value": present.name})
            if present.tier_id != tier.pk:
                differences.append(_("层级为「%(value)s」") % {"value": present.tier_name})
            if present.parent_code != parent_code:
                differences.append(
                    _("上级组织编码为「%(value)s」") % {"value": present.parent_code or _("无")}
                )
            if differences:
                error(
                    number,
                    "组织编码",
                    _(
                        "系统中已有编码为 %(code)s 的组织，但其%(diff)s，与本行不一致；"
                        "如需修改请在管理后台操作。"
                    )
                    % {"code": code, "diff": "、".join(differences)},
                )
            else:
                plan.skipped_organisations += 1
            continue

        if not parent_code:
            if existing_roots:
                root = existing_roots[0]
                error(
                    number,
                    "上级组织编码",
                    _("系统中已有顶级组织「%(name)s」（编码 %(code)s），本行必须填写上级组织编码。")
                    % {"name": existing[root].name, "code": root},
                )
                continue
            if root_row is not None:
                error(
                    number,
                    "上级组织编码",
                    _("只能有一个顶级组织（第%(row)d行已是顶级组织），本行必须填写上级组织编码。")
                    % {"row": root_row},
                )
                continue
            root_row = number
        new_rows[code] = OrgRow(number, code, name, tier, parent_code, sort_order)

    plan.organisations = _parents_first(new_rows, errors)
    return file_codes


def _parents_first(new_rows: dict[str, OrgRow], errors: list[RowError]) -> list[OrgRow]:
    """New organisations ordered so each parent comes before its children; report cycles."""
    ordered: list[OrgRow] = []
    done: set[str] = set()
    for start in new_rows:
        chain: list[str] = []
        current = start
        while current in new_rows and current not in done and current not in chain:
            chain.append(current)
            current = new_rows[current].parent_code
        done.update(chain)
        if current in chain:
            cycle = chain[chain.index(current) :]
            for code in cycle:
                if len(cycle) == 1:
                    message = _("上级组织不能是其自身。")
                else:
                    loop = cycle[cycle.index(code) :] + cycle[: cycle.index(code)] + [code]
                    message = _("上级组织关系形成循环：%(loop)s。") % {"loop": " → ".join(loop)}
                errors.append(RowError(ORG_SHEET, new_rows[code].row, "上级组织编码", message))
        else:
            ordered.extend(new_rows[code] for code in reversed(chain))
    return ordered


def _check_people(
    records: list[tuple[int, dict[str, Any]]], file_codes: set[str], plan: ImportPlan
) -> None:
    errors = plan.errors
    kinds = _post_kind_lookup()
    usernames = {_text(record.get("username")) for _number, record in records} - {""}
    org_codes = {_text(record.get("org_code")) for _number, record in records} - {""}
    known_codes = file_codes | set(
        Organisation.objects.filter(code__in=org_codes - file_codes).values_list("code", flat=True)
    )
    existing_posts = {
        (username, code, kind, start): end
        for username, code, kind, start, end in Post.objects.filter(
            user__username__in=usernames
        ).values_list("user__username", "organisation__code", "kind", "start_date", "end_date")
    }
    first_row: dict[tuple[str, str, str, datetime.date], int] = {}
    details_row: dict[tuple[str, str], tuple[str, int]] = {}  # (username, key) → (value, row)

    def error(row: int, column: str, message: str) -> None:
        errors.append(RowError(PEOPLE_SHEET, row, column, message))

    for number, record in records:
        ok = True
        username = _text(record.get("username"))
        full_name = _text(record.get("full_name"))
        phone = _text(record.get("phone"))
        email = _text(record.get("email"))
        org_code = _text(record.get("org_code"))
        kind_text = _text(record.get("kind"))
        if not username:
            error(number, "用户名", _("不能为空。"))
            ok = False
        elif len(username) > 150:
            error(number, "用户名", _("不能超过150个字符。"))
            ok = False
        else:
            try:
                User.username_validator(username)
            except ValidationError:
                error(number, "用户名", _("只能包含字母、数字和 @ . + - _ 字符。"))
                ok = False
        if not full_name:
            error(number, "姓名", _("不能为空。"))
            ok = False
        elif len(full_name) > 50:
            error(number, "姓名", _("不能超过50个字符。"))
            ok = False
        if phone and not _PHONE_RE.match(phone):
            error(
                number, "手机号", _("「%(value)s」不是有效的电话号码。") % {"value": quoted(phone)}
            )
            ok = False
        if len(email) > _EMAIL_MAX:
            error(number, "邮箱", _("不能超过%(limit)d个字符。") % {"limit": _EMAIL_MAX})
            ok = False
        elif email:
            try:
                validate_email(email)
            except ValidationError:
                error(
                    number,
                    "邮箱",
                    _("「%(value)s」不是有效的邮箱地址。") % {"value": quoted(email)},
                )
                ok = False
        if not org_code:
            error(number, "组织编码", _("不能为空。"))
            ok = False
        elif org_code not in known_codes:
            error(
                number, "组织编码", _("找不到编码为 %(code)s 的组织。") % {"code": quoted(org_code)}
            )
            ok = False
        kind = kinds.get(_lookup_key(kind_text))
        if not kind_text:
            error(number, "职务", _("不能为空。"))
            ok = False
        elif kind is None:
            error(
                number,
                "职务",
                _("无法识别职务「%(kind)s」，可选：%(choices)s。")
                % {"kind": quoted(kind_text), "choices": "、".join(_post_kind_labels())},
            )
            ok = False
        start_date = end_date = None
        try:
            start_date = _date(record.get("start_date"))
            if start_date is None:
                error(number, "任职开始", _("不能为空。"))
                ok = False
        except ValueError:
            error(number, "任职开始", _("无法识别的日期，请填写如 2024-01-01 的日期。"))
            ok = False
        try:
            end_date = _date(record.get("end_date"))
        except ValueError:
            error(number, "任职结束", _("无法识别的日期，请填写如 2024-01-01 的日期。"))
            ok = False
        if start_date and end_date and end_date < start_date:
            error(number, "任职结束", _("不能早于任职开始日期。"))
            ok = False

        if username:
            for key, header, value in (
                ("full_name", "姓名", full_name),
                ("phone", "手机号", phone),
                ("email", "邮箱", email),
            ):
                if not value:
                    continue
                seen = details_row.setdefault((username, key), (value, number))
                if seen[0] != value:
                    error(
                        number,
                        header,
                        _(
                            "用户名 %(username)s 在第%(row)d行的%(column)s为「%(other)s」，"
                            "与本行「%(value)s」不一致。"
                        )
                        % {
                            "username": quoted(username),
                            "row": seen[1],
                            "column": header,
                            "other": quoted(seen[0]),
                            "value": quoted(value),
                        },
                    )
                    ok = False
        if not ok or kind is None or start_date is None:
            continue

        key = (username, org_code, kind, start_date)
        if key in first_row:
            error(
                number,
                "用户名",
                _("与第%(row)d行重复（用户名、组织编码、职务、任职开始均相同）。")
                % {"row": first_row[key]},
            )
            continue
        first_row[key] = number
        row = PersonRow(
            number, username, full_name, phone, email, org_code, kind, start_date, end_date
        )
        merged = plan.people.setdefault(username, dataclasses.replace(row))
        merged.phone = merged.phone or phone
        merged.email = merged.email or email
        if key in existing_posts:
            if existing_posts[key] != end_date:
                error(
                    number,
                    "任职结束",
                    _(
                        "系统中已有该任职记录，但任职结束日期为「%(value)s」，与本行不一致；"
                        "如需修改请在管理后台操作。"
                    )
                    % {"value": existing_posts[key] or _("空")},
                )
            else:
                plan.skipped_posts += 1
            continue
        plan.posts.append(row)


def validate_workbook(uploaded: IO[bytes] | bytes) -> ImportPlan:
    """Read and check the whole workbook; nothing is written. See the module docstring."""
    try:
        sheets, too_long = _load_sheets(uploaded)
    except ImportRefused as refused:
        return ImportPlan(errors=[refused.error])
    plan = ImportPlan()
    for sheet in sorted(too_long):
        plan.errors.append(
            RowError(
                sheet,
                None,
                "",
                _("数据超过 %(count)d 行，请拆分后分批导入。") % {"count": MAX_DATA_ROWS},
            )
        )
    org_records = _sheet_records(ORG_SHEET, sheets.get(ORG_SHEET), ORG_COLUMNS, plan.errors)
    people_records = _sheet_records(
        PEOPLE_SHEET, sheets.get(PEOPLE_SHEET), PEOPLE_COLUMNS, plan.errors
    )
    if plan.errors:
        return plan
    plan.data_rows = len(org_records) + len(people_records)
    file_codes = _check_organisations(org_records, plan)
    _check_people(people_records, file_codes, plan)
    sheet_order = {FILE_SHEET: 0, ORG_SHEET: 1, PEOPLE_SHEET: 2}
    plan.errors.sort(key=lambda e: (sheet_order.get(e.sheet, 3), e.row or 0))
    return plan


# Writing ---------------------------------------------------------------------------------------


def apply_plan(plan: ImportPlan, *, actor: User) -> ImportResult:
    """Write a checked plan in one transaction: organisations, then people, then posts."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    result = ImportResult(
        organisations_skipped=plan.skipped_organisations, posts_skipped=plan.skipped_posts
    )
    with transaction.atomic():
        needed = {row.parent_code for row in plan.organisations} | {
            row.org_code for row in plan.posts
        }
        by_code = {org.code: org for org in Organisation.objects.filter(code__in=needed)}
        for row in plan.organisations:
            by_code[row.code] = services.organisation_create(
                actor=actor,
                code=row.code,
                name=row.name,
                tier=row.tier,
                parent=by_code[row.parent_code] if row.parent_code else None,
                sort_order=row.sort_order,
            )
            result.organisations_created += 1

        wanted = {row.username for row in plan.posts}
        users = {user.username: user for user in User.objects.filter(username__in=wanted)}
        for username in sorted(wanted):
            details = plan.people[username]
            user = users.get(username)
            if user is None:
                user = User(
                    username=username,
                    full_name=details.full_name,
                    phone=details.phone,
                    email=details.email,
                )
                user.set_unusable_password()
                user.save()
                services.audit_record(
                    actor=actor,
                    action="user.create",
                    obj=user,
                    changes={"username": username, "source": "onboarding"},
                )
                users[username] = user
                result.users_created += 1
                continue
            before = {"full_name": user.full_name, "phone": user.phone, "email": user.email}
            user.full_name = user.full_name or details.full_name
            user.phone = user.phone or details.phone
            user.email = user.email or details.email
            changes = services.diff(
                before, {"full_name": user.full_name, "phone": user.phone, "email": user.email}
            )
            if changes:
                user.save(update_fields=list(changes))
                services.audit_record(actor=actor, action="user.update", obj=user, changes=changes)
                result.users_updated += 1

        for row in plan.posts:
            services.post_create(
                actor=actor,
                user=users[row.username],
                organisation=by_code[row.org_code],
                kind=row.kind,
                start_date=row.start_date,
                end_date=row.end_date,
            )
            result.posts_created += 1
    return result


def import_workbook(
    uploaded: IO[bytes] | bytes, *, actor: User
) -> tuple[ImportPlan, ImportResult | None]:
    """Check, then import if there is no error; all in one transaction."""
    try:
        with transaction.atomic():
            plan = validate_workbook(uploaded)
            if plan.errors:
                return plan, None
            return plan, apply_plan(plan, actor=actor)
    except IntegrityError:
        # Someone else created the same organisation or user between our check and write.
        return _file_error(_("导入时数据被其他人同时修改，未导入任何数据，请重新上传。")), None


# The template ----------------------------------------------------------------------------------

_EXAMPLE_FONT = Font(italic=True, color="7F7F7F")


def _data_sheet(workbook: Workbook, title: str, columns: tuple[Column, ...]) -> Worksheet:
    worksheet = workbook.create_sheet(title)
    _write_header(worksheet, 1, columns)
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        dimension = worksheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.text:
            dimension.number_format = "@"
        elif column.date:
            dimension.number_format = "yyyy-mm-dd"
    return worksheet


def build_template() -> bytes:
    """The workbook admins download: two empty data sheets and a 填写说明 sheet."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    tier_names = list(Tier.objects.values_list("name", flat=True))

    organisations = _data_sheet(workbook, ORG_SHEET, ORG_COLUMNS)
    _dropdown(organisations, ORG_COLUMNS, "tier", tier_names, _("层级"))
    people = _data_sheet(workbook, PEOPLE_SHEET, PEOPLE_COLUMNS)
    _dropdown(people, PEOPLE_COLUMNS, "kind", _post_kind_labels(), _("职务"))

    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 18
    for letter in "BCDEFGH":
        help_sheet.column_dimensions[letter].width = 20
    lines = [
        _("填写说明（本工作表不会被导入）"),
        _("1. 在「组织」表填写要新建的组织，在「人员职务」表填写人员及其职务；表头请勿修改。"),
        _("2. 每行一条记录，从第2行开始填写；请不要合并单元格。"),
        _("3. 上级组织可以是系统中已有的组织，也可以是「组织」表中的其他行（顺序不限）。"),
        _("4. 已存在且信息一致的组织和职务会自动跳过，重复上传同一文件不会产生重复数据。"),
        _("5. 系统会先检查整个文件：只要有一处错误，就不会导入任何数据，并列出所有错误。"),
        _("6. 新建的人员没有密码，需由管理员在管理后台设置后才能登录。"),
        _(
            "7. 整棵组织树只能有一个顶级组织（上级组织编码留空）；"
            "系统中已有顶级组织时，新组织都须填写上级组织编码。"
        ),
    ]
    help_sheet.append([lines[0]])
    help_sheet["A1"].font = Font(bold=True, size=14)
    for line in lines[1:]:
        help_sheet.append([line])
    for title, columns, example in (
        (ORG_SHEET, ORG_COLUMNS, ORG_EXAMPLE),
        (PEOPLE_SHEET, PEOPLE_COLUMNS, PEOPLE_EXAMPLE),
    ):
        help_sheet.append([])
        help_sheet.append([_("「%(sheet)s」表各列") % {"sheet": title}])
        help_sheet.cell(row=help_sheet.max_row, column=1).font = Font(bold=True)
        for column in columns:
            help_sheet.append([column.header, str(column.note)])
        help_sheet.append([_("示例（仅供参考，请在「%(sheet)s」表中填写）") % {"sheet": title}])
        help_sheet.cell(row=help_sheet.max_row, column=1).font = Font(bold=True)
        _write_header(help_sheet, help_sheet.max_row + 1, columns)
        help_sheet.append(list(example))
        for cell in help_sheet[help_sheet.max_row]:
            cell.font = _EXAMPLE_FONT
            if isinstance(cell.value, datetime.date):
                cell.number_format = "yyyy-mm-dd"

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
