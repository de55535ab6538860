"""Checklists and Excel: the import template, reading a workbook, the import plan, the export.

Two things are imported from one column layout (`layout.COLUMNS`):

- a tier's template (责任清单模板, admins): items are matched by 编号 and created or updated;
  active items the file no longer lists are deactivated, never deleted; points must sum to 100;
- an organisation's annual checklist or key-points list (工作要点, its reviewers or admins):
  items are matched by 编号 and created or updated through `services.checklist_item_create` /
  `checklist_item_update`, so the lock rules and the audit trail apply; items the file does not
  list are left alone. 上级事项编号 cites an item of the nearest ancestor's checklist for the
  same year (the parent organisation's, when it has one).

Reading follows the shapes real offices send (`reading`). The sheet is the first one whose first
15 rows hold a header row (a row with at least 编号 and 工作内容); title rows above it are
skipped. Headers compare without spaces (also full-width), asterisks, (必填)/(选填) or a trailing
note in brackets, and through aliases (序号 → 编号, 工作任务 → 工作内容, 分数 → 分值 …); an exact
header wins over an alias, so a sheet with both 序号 and 编号 uses 编号. Unknown columns are
ignored. An empty 类别 inherits the row above: in streaming mode a merged cell has its value in
the top-left cell only. A row holding only a group name (“一、政治建设” across the columns) sets
the group for the rows below it; a 合计/小计 row is skipped. Numbers may be text, full-width or
carry a unit (“５”, “5分”, “10天”). A formula anywhere in the rows read refuses the file with the
cell's address (`excel.sheet_rows`), cached value or not. Updating an existing item changes only
the fields the file has a column for.

Workbooks are opened by the shared safe reader (`excel.open_workbook`: size, zip bomb, row and
cell caps) and read row by row (`reading`); each item row is checked by `row_form.ChecklistRowForm`
through the shared `excel_rows.check_row`. Nothing is written until the whole file has been
checked and planned (`importing`), and then in one transaction by `services.template_import` /
`services.checklist_import`. Every problem is a `CellError` naming the Excel row and the column
header as the file spells it. The export
(`export`) streams a write-only workbook; text that Excel would take for a formula stays text.
"""

from ..excel import XLSX_CONTENT_TYPE
from .export import export_filename, export_items, write_export
from .importing import (
    ACTION_LABELS,
    CREATE,
    DEACTIVATE,
    UNCHANGED,
    UPDATE,
    ImportPlan,
    ImportResult,
    PlannedItem,
    checklist_editable_error,
    plan_checklist,
    plan_template,
    upper_checklist,
)
from .layout import COLUMNS, TEMPLATE_FILENAME, CellError, ItemRow, ParsedFile, build_template
from .reading import read_workbook
from .row_form import ChecklistRowForm, parse_decimal, parse_whole

__all__ = [
    "ACTION_LABELS",
    "COLUMNS",
    "CREATE",
    "DEACTIVATE",
    "TEMPLATE_FILENAME",
    "UNCHANGED",
    "UPDATE",
    "XLSX_CONTENT_TYPE",
    "CellError",
    "ChecklistRowForm",
    "ImportPlan",
    "ImportResult",
    "ItemRow",
    "ParsedFile",
    "PlannedItem",
    "build_template",
    "checklist_editable_error",
    "export_filename",
    "export_items",
    "parse_decimal",
    "parse_whole",
    "plan_checklist",
    "plan_template",
    "read_workbook",
    "upper_checklist",
    "write_export",
]
