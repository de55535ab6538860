"""Checking an onboarding workbook: each row through its row form (`row_forms`), then the
rows against each other and the database. The result is the plan, or every problem by sheet,
row and column. Nothing is written."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _

from ..excel import ImportRefused, RowError, quoted
from ..excel import cell_text as _text
from ..excel_rows import check_row
from ..models import Organisation, Post
from .layout import FILE_SHEET, MAX_DATA_ROWS, ORG_COLUMNS, ORG_SHEET, PEOPLE_COLUMNS, PEOPLE_SHEET
from .reading import ImportPlan, OrgRow, PersonRow, _load_sheets, _sheet_records, _tier_lookup
from .row_forms import ORG_HEADERS, PEOPLE_HEADERS, OrganisationRowForm, PersonRowForm

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

    known_codes = file_codes | existing.keys()
    for number, record in records:
        checked = check_row(
            OrganisationRowForm,
            record,
            sheet=ORG_SHEET,
            row=number,
            columns=ORG_HEADERS,
            tiers=tiers,
            known_codes=known_codes,
        )
        errors.extend(checked.errors)
        code: str = checked.values.get("code", "")
        if code:
            if code in first_row:
                error(
                    number,
                    "组织编码",
                    _("编码 %(code)s 与第%(row)d行重复。")
                    % {"code": quoted(code), "row": first_row[code]},
                )
                continue
            first_row[code] = number
        if not checked.ok:
            continue
        name, tier, parent_code, sort_order = (
            checked.values[key] for key in ("name", "tier", "parent_code", "sort_order")
        )

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
        checked = check_row(
            PersonRowForm,
            record,
            sheet=PEOPLE_SHEET,
            row=number,
            columns=PEOPLE_HEADERS,
            known_codes=known_codes,
        )
        errors.extend(checked.errors)
        ok = checked.ok
        values = checked.values
        username = values.get("username", "")
        if username:
            for key, header in (("full_name", "姓名"), ("phone", "手机号"), ("email", "邮箱")):
                value = values.get(key)
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
        if not ok:
            continue
        full_name, phone, email, org_code, kind, start_date, end_date = (
            values[key]
            for key in ("full_name", "phone", "email", "org_code", "kind", "start_date", "end_date")
        )

        post_key = (username, org_code, kind, start_date)
        if post_key in first_row:
            error(
                number,
                "用户名",
                _("与第%(row)d行重复（用户名、组织编码、职务、任职开始均相同）。")
                % {"row": first_row[post_key]},
            )
            continue
        first_row[post_key] = number
        row = PersonRow(
            number, username, full_name, phone, email, org_code, kind, start_date, end_date
        )
        merged = plan.people.setdefault(username, dataclasses.replace(row))
        merged.phone = merged.phone or phone
        merged.email = merged.email or email
        if post_key in existing_posts:
            if existing_posts[post_key] != end_date:
                error(
                    number,
                    "任职结束",
                    _(
                        "系统中已有该任职记录，但任职结束日期为「%(value)s」，与本行不一致；"
                        "如需修改请在管理后台操作。"
                    )
                    % {"value": existing_posts[post_key] or _("空")},
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
