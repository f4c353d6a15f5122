"""A header and rows as a spreadsheet an office opens: XLSX or ODS, every cell text (no formula,
no number guessing), the header bold and frozen, wrapped text. Shared by every export of tables."""

from __future__ import annotations

import io
from collections.abc import Sequence


def to_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = title[:31]
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([str(value) for value in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_ods(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    spreadsheet = OpenDocumentSpreadsheet()
    table = Table(name=title)
    for values in [header, *rows]:
        row = TableRow()
        for value in values:
            cell = TableCell(valuetype="string")
            for line in str(value).split("\n") or [""]:
                cell.addElement(P(text=line))
            row.addElement(cell)
        table.addElement(row)
    spreadsheet.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    spreadsheet.write(buffer)
    return buffer.getvalue()
