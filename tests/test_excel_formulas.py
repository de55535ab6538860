"""Every Excel export writes text that Excel could read as a formula as typed text
(CSV/formula injection), by one rule: responsibility.excel.FORMULA_PREFIXES."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from accountability.exports import cell as ledger_cell
from assessment.sheet_writer import Column, SheetWriter
from responsibility.checklist_excel.export import _export_cell as checklist_cell

RISKY = ["=1+1", '=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1"]


def written(write) -> list:
    workbook = Workbook(write_only=True)
    write(workbook)
    target = io.BytesIO()
    workbook.save(target)
    sheet = load_workbook(io.BytesIO(target.getvalue())).worksheets[0]
    return [row[0] for row in sheet.iter_rows()]


def with_cells(make_cell):
    def write(workbook: Workbook) -> None:
        sheet = workbook.create_sheet("t")
        for value in RISKY:
            sheet.append([make_cell(sheet, value)])

    return write


def with_sheet_writer(workbook: Workbook) -> None:
    writer = SheetWriter(workbook, "t", [Column("文本")])
    for value in RISKY:
        writer.row([value])


@pytest.mark.parametrize(
    ("write", "header_rows", "quoted"),
    [
        (with_cells(ledger_cell), 0, True),
        (with_cells(checklist_cell), 0, True),
        (with_sheet_writer, 1, False),
    ],
    ids=["rectification ledger", "checklist", "annual results"],
)
def test_text_that_looks_like_a_formula_stays_text(write, header_rows: int, quoted: bool) -> None:
    cells = written(write)[header_rows:]
    assert [c.value for c in cells] == RISKY
    assert {c.data_type for c in cells} == {"s"}
    if quoted:  # shown with Excel's quote prefix, so editing the cell keeps it text
        assert all(c.quotePrefix for c in cells)
