"""The column layout shared by reading and the template; what a checked row is."""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..excel import RowError, chinese_labels, dropdown, write_header
from ..excel import cell_header as _header
from ..model_fields import max_length
from ..models import ChecklistItem, Post
from ..models.checklists import Frequency, Group

DATA_SHEET = "责任清单"
HELP_SHEET = "填写说明"
TEMPLATE_FILENAME = "责任清单导入模板.xlsx"
HEADER_SCAN_ROWS = 15
MAX_ITEMS = 1000  # a checklist has about a hundred items; more is a wrong file
POINTS_TOTAL = Decimal(100)
MAX_POINTS = Decimal("999.99")  # ItemFields.points: max_digits=5, decimal_places=2
MAX_SMALL_INT = 32767  # PositiveSmallIntegerField
# The model's limits, so the form and the import refuse the same text.
TEXT_LIMITS = {
    name: max_length(ChecklistItem, name)
    for name in ("ref", "content", "standard", "evidence", "deduction_rule", "source")
}
TOTAL_LABELS = frozenset({"合计", "小计", "总计", "总分", "合计分值"})


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...]
    required: bool  # the column must be present
    width: int
    note: str | Promise  # shown in the 填写说明 sheet
    text: bool = False  # formatted as text in the template so refs keep their form


COLUMNS = (
    Column(
        "ref",
        "编号",
        ("序号", "事项编号", "清单编号", "条目编号"),
        True,
        12,
        gettext_lazy("必填；清单内唯一，最多30个字符，如 ZB-1-01。已有编号的事项会被更新。"),
        text=True,
    ),
    Column(
        "group",
        "类别",
        ("分类", "类型", "责任类别", "项目类别", "板块"),
        True,
        16,
        gettext_lazy("必填；从下拉列表选择。可合并单元格：空白时沿用上一行的类别。"),
    ),
    Column(
        "content",
        "工作内容",
        (
            "内容",
            "工作任务",
            "任务",
            "责任内容",
            "工作事项",
            "责任事项",
            "具体内容",
            "工作要点",
            "考核内容",
        ),
        True,
        48,
        gettext_lazy("必填。"),
    ),
    Column(
        "standard",
        "完成标准",
        ("标准", "工作标准", "考核标准", "完成要求", "工作要求"),
        False,
        40,
        gettext_lazy("选填；说明怎样算完成。"),
    ),
    Column(
        "points",
        "分值",
        ("分数", "标准分"),
        True,
        8,
        gettext_lazy("必填；不小于0的数字，最多两位小数，如 5 或 2.5。模板各事项合计须为100分。"),
    ),
    Column(
        "frequency",
        "频次",
        (
            "频率",
            "工作频次",
            "周期",
            "开展频次",
            "完成时限/频次",
            "频次/时限",
            "完成时限",
            "时间要求",
            "完成时间",
        ),
        True,
        10,
        gettext_lazy(
            "必填；一次性、每月、每季度、每半年、每年、每届或根据需要（适时、根据工作需要）。"
        ),
    ),
    Column(
        "required_count",
        "每期次数",
        ("次数", "每期完成次数"),
        False,
        10,
        gettext_lazy("选填；每个周期须完成的次数，默认1。"),
    ),
    Column(
        "due_days",
        "截止天数",
        ("时限天数", "完成时限天"),
        False,
        10,
        gettext_lazy("选填；周期结束后多少天内完成（一次性事项自年初起算），默认10。"),
    ),
    Column(
        "evidence",
        "佐证材料",
        ("佐证", "佐证资料", "台账资料", "印证材料"),
        False,
        24,
        gettext_lazy("选填；最多200个字符。"),
    ),
    Column(
        "responsible_post",
        "责任岗位",
        ("责任人岗位",),
        False,
        14,
        gettext_lazy("选填；如 书记、副书记、委员、纪检委员、专职党务干部、兼职党务干部。"),
    ),
    Column(
        "is_meeting",
        "会议类事项",
        ("是否会议", "会议类"),
        False,
        12,
        gettext_lazy("选填；是 或 否，默认否。会议类事项填报时需登记会议记录。"),
    ),
    Column(
        "deduction_rule",
        "扣分规则",
        ("扣分标准", "评分标准", "评分细则"),
        False,
        30,
        gettext_lazy("选填；最多200个字符。"),
    ),
    Column(
        "source",
        "依据",
        ("文件依据", "政策依据", "来源"),
        False,
        30,
        gettext_lazy("选填；最多200个字符。"),
    ),
    Column(
        "parent_ref",
        "上级事项编号",
        ("上级编号", "上级清单编号", "对应上级事项"),
        False,
        14,
        gettext_lazy(
            "选填，仅用于组织的年度清单或工作要点：上级组织本年度责任清单中对应事项的编号。"
            "导入模板时忽略此列。"
        ),
        text=True,
    ),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

HEADER_NOTE_RE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")
GROUP_PREFIX_RE = re.compile(
    r"^(?:[(（]?[一二三四五六七八九十\d]+[)）、.．]|第[一二三四五六七八九十\d]+[部分类项]、?)"
)

# How real 责任清单 and 要点清单 word a frequency (the published lists of provincial organs:
# 每月至少召开1次, 按季度, 每半年, 年内, 届满前, 适时, 根据工作需要 …), in one table that the README
# lists ("Frequencies in imported sheets"). A cell is compared without spaces, after full-width
# forms become ordinary ones: first as an exact wording (the labels, these aliases), then by the
# first rule below whose keyword it contains, in this order (半年 before 年, 季 before 月).
FREQUENCY_ALIASES = {
    "一次": Frequency.ONCE,
    "单次": Frequency.ONCE,
    "一次性": Frequency.ONCE,
    "每年一次": Frequency.YEARLY,
    "每年度": Frequency.YEARLY,
    "年度": Frequency.YEARLY,
    "全年": Frequency.YEARLY,
    "每年1次": Frequency.YEARLY,
    "每季": Frequency.QUARTERLY,
    "季度": Frequency.QUARTERLY,
    "每季度一次": Frequency.QUARTERLY,
    "每季度1次": Frequency.QUARTERLY,
    "每月一次": Frequency.MONTHLY,
    "每月1次": Frequency.MONTHLY,
    "月度": Frequency.MONTHLY,
    "半年": Frequency.HALF_YEARLY,
    "每半年一次": Frequency.HALF_YEARLY,
    "每半年1次": Frequency.HALF_YEARLY,
    "每届一次": Frequency.PER_TERM,
    "任期": Frequency.PER_TERM,
    "适时": Frequency.AS_NEEDED,
    "根据需要": Frequency.AS_NEEDED,
    "根据工作需要": Frequency.AS_NEEDED,
    "不定期": Frequency.AS_NEEDED,
}
FREQUENCY_KEYWORDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        (
            "适时",
            "根据需要",
            "根据工作需要",
            "视情",
            "视工作需要",
            "不定期",
            "随时",
            "必要时",
            "按需",
            "经常性",
            "常态化",
        ),
        Frequency.AS_NEEDED,
    ),
    (("每届", "届满", "换届", "任期"), Frequency.PER_TERM),
    (("半年",), Frequency.HALF_YEARLY),
    (("季",), Frequency.QUARTERLY),
    (("每月", "按月", "月度", "逐月", "一月一次", "月1次", "月一次"), Frequency.MONTHLY),
    (("每年", "年度", "全年", "一年", "年内", "年初", "年底", "年终", "年中"), Frequency.YEARLY),
    (("一次", "1次", "单次"), Frequency.ONCE),
)
# A row under the table that explains it rather than listing an item (填表说明, 注：…).
NOTE_PREFIXES = ("注", "说明", "备注", "附注", "填表说明", "填报说明", "附件", "备考")


def frequency_by_keyword(text: str) -> str | None:
    """The frequency a free wording names (“每月至少召开1次” → monthly), or None."""
    for keywords, frequency in FREQUENCY_KEYWORDS:
        if any(keyword in text for keyword in keywords):
            return frequency
    return None


YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓", "✔"})
NO = frozenset({"否", "n", "no", "false", "0", "×", "✗", "-"})


def nfkc(text: str) -> str:
    """Full-width letters, digits and punctuation become their ordinary forms."""
    return unicodedata.normalize("NFKC", text)


def header_key(value: Any) -> str:
    return nfkc(_header(value)).lower()


HEADER_LOOKUP = {header_key(column.header): column.key for column in COLUMNS}
ALIAS_LOOKUP = {header_key(alias): column.key for column in COLUMNS for alias in column.aliases}


def points_text(value: Decimal) -> str:
    """Points as people write them: 5, 2.5 (not 5.00, 2.50)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# Checked rows ----------------------------------------------------------------------------------


class CellError(RowError):
    """A RowError of the checklist sheet, built as (row, column, message): the importer reads one
    sheet, so its messages leave the sheet out. `row` is as Excel shows it (None for the file as
    a whole); `column` is the header as the file spells it, or ours when the column is missing.
    """

    def __init__(self, row: int | None, column: str, message: str, sheet: str = "") -> None:
        super().__init__(sheet, row, column, message)

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("第%(row)s行「%(column)s」：%(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ItemRow:
    """One checked data row."""

    row: int
    ref: str
    group: str
    content: str
    standard: str
    points: Decimal
    frequency: str
    required_count: int
    due_days: int
    evidence: str
    responsible_post: str
    is_meeting: bool
    deduction_rule: str
    source: str
    parent_ref: str

    def fields(self) -> dict[str, Any]:
        """The item's fields as the models name them, without sort_order."""
        return {
            name: getattr(self, name)
            for name in ChecklistItem.EDITABLE_FIELDS
            if name != "sort_order"
        }

    @property
    def points_label(self) -> str:
        return points_text(self.points)

    @property
    def group_label(self) -> str:
        return str(Group(self.group).label)

    @property
    def frequency_label(self) -> str:
        return str(Frequency(self.frequency).label)


@dataclass
class SkippedRow:
    """A row that is not an item (a note under the table, anything after the 合计 row), shown
    in the preview so the person sees what was left out."""

    row: int
    reason: str
    text: str


@dataclass
class ParsedFile:
    # CellErrors, or the RowError of an upload the shared reader refused as a whole.
    errors: list[RowError] = field(default_factory=list)
    rows: list[ItemRow] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    sheet: str = ""
    header_row: int = 0
    columns: frozenset[str] = frozenset()  # keys of the columns the file has

    @property
    def has_parent_column(self) -> bool:
        return "parent_ref" in self.columns

    def present(self, values: dict[str, Any]) -> dict[str, Any]:
        """Only the fields the file has a column for: an update leaves the others alone."""
        return {name: value for name, value in values.items() if name in self.columns}


# The template ----------------------------------------------------------------------------------


def build_template() -> bytes:
    """The product's own empty workbook: a 责任清单 sheet and a 填写说明 sheet."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = DATA_SHEET
    write_header(worksheet, 1, COLUMNS)
    worksheet.freeze_panes = "A2"
    for index, column in enumerate(COLUMNS, start=1):
        dimension = worksheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        if column.text:
            dimension.number_format = "@"
    dropdown(worksheet, COLUMNS, "group", list(Group.values), _("类别"))
    dropdown(worksheet, COLUMNS, "frequency", list(chinese_labels(Frequency).values()), _("频次"))
    officer_labels = [
        label for value, label in chinese_labels(Post.Kind).items() if value in Post.OFFICER_KINDS
    ]
    dropdown(worksheet, COLUMNS, "responsible_post", officer_labels, _("责任岗位"))
    dropdown(worksheet, COLUMNS, "is_meeting", ["是", "否"], _("会议类事项"))

    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 90
    lines = [
        _("填写说明（本工作表不会被导入）"),
        _("1. 在「责任清单」工作表中每行填写一个事项，表头请勿修改；类别可合并单元格。"),
        _("2. 也可以直接上传本单位自己的表格：表头可在前15行内，至少包含「编号」和「工作内容」。"),
        _("3. 上传后系统先检查整个文件并列出将新增、更新的事项，确认后才一次性导入。"),
        _("4. 只要有一处错误，就不会导入任何数据；问题会注明行号和列名。"),
        _("5. 导入清单模板时，各事项分值合计须为100分；文件中未列出的模板事项会被停用。"),
        _("6. 导入组织年度清单或工作要点时，按编号新增或更新事项，文件中未列出的事项保持不变。"),
    ]
    help_sheet.append([lines[0]])
    help_sheet["A1"].font = Font(bold=True, size=14)
    for line in lines[1:]:
        help_sheet.append([line])
    help_sheet.append([])
    help_sheet.append([_("各列说明")])
    help_sheet.cell(row=help_sheet.max_row, column=1).font = Font(bold=True)
    for column in COLUMNS:
        help_sheet.append([column.header, str(column.note)])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
