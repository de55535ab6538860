"""Onboarding from Excel: the template workbook (layout), reading (reading) and checking (checks,
each row through its row form in row_forms) an uploaded one; importing it is a service
(`services.onboarding_import`).

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

from .checks import validate_workbook
from .layout import (
    FILE_SHEET,
    HELP_SHEET,
    MAX_DATA_ROWS,
    ORG_COLUMNS,
    ORG_EXAMPLE,
    ORG_SHEET,
    PEOPLE_COLUMNS,
    PEOPLE_EXAMPLE,
    PEOPLE_SHEET,
    TEMPLATE_FILENAME,
    Column,
    build_template,
)
from .reading import ImportPlan, ImportResult, OrgRow, PersonRow

__all__ = [
    "FILE_SHEET",
    "HELP_SHEET",
    "MAX_DATA_ROWS",
    "ORG_COLUMNS",
    "ORG_EXAMPLE",
    "ORG_SHEET",
    "PEOPLE_COLUMNS",
    "PEOPLE_EXAMPLE",
    "PEOPLE_SHEET",
    "TEMPLATE_FILENAME",
    "Column",
    "ImportPlan",
    "ImportResult",
    "OrgRow",
    "PersonRow",
    "build_template",
    "validate_workbook",
]
