"""The onboarding workbook's layout: its sheets, columns and examples, and the template
workbook built from them."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..excel import chinese_labels as _chinese_labels
from ..excel import dropdown as _dropdown
from ..excel import write_header as _write_header
from ..models import Post, Tier

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


def _post_kind_labels() -> list[str]:
    return list(_chinese_labels(Post.Kind).values())


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
