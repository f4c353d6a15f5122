"""A header and rows as a spreadsheet an office opens: XLSX or ODS. Shared by every export of tables.

Each cell keeps the type its caller gave it (issue 36.2: scores stored as text gave #DIV/0! in
Calc): a number (int, float, Decimal) is a number, a date is a date shown as 2026-03-05, anything
else is text — typed as text, so a value such as 「=HYPERLINK(…)」 is shown as written and never runs,
with no visible quote before it. Strings are never guessed into numbers (「0912」 stays 0912). The
header is bold and frozen, text wraps, and each column is as wide as its longest line (CJK counted
twice), within bounds."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

MIN_WIDTH, MAX_WIDTH = 6, 60


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _display_width(text: str) -> int:
    """How many character widths a line takes: a CJK character two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def column_widths(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> list[int]:
    widths = [_display_width(_text(h)) for h in header]
    for row in rows:
        for i, value in enumerate(row[: len(widths)]):
            longest = max((_display_width(line) for line in _text(value).split("\n")), default=0)
            widths[i] = max(widths[i], longest)
    return [min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths]


def to_xlsx(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its first sheet
    sheet.title = title[:31]
    sheet.append(list(header))
    for heading in sheet[1]:
        heading.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=c)
            if _is_number(value):
                cell.value = float(value) if isinstance(value, Decimal) else value
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            else:
                cell.value = _text(value)
                cell.data_type = "s"  # text, even when it starts with = (never a formula)
            cell.alignment = wrap
    for c, width in enumerate(column_widths(header, rows), start=1):
        sheet.column_dimensions[get_column_letter(c)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_ods(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableColumnProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    spreadsheet = OpenDocumentSpreadsheet()
    table = Table(name=title)
    for n, width in enumerate(column_widths(header, rows)):
        style = Style(name=f"col{n}", family="table-column")
        style.addElement(TableColumnProperties(columnwidth=f"{width * 0.22:.2f}cm"))
        spreadsheet.automaticstyles.addElement(style)
        table.addElement(TableColumn(stylename=style))
    for values in [header, *rows]:
        row = TableRow()
        for value in values:
            row.addElement(_ods_cell(value, TableCell, P))
        table.addElement(row)
    spreadsheet.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    spreadsheet.write(buffer)
    return buffer.getvalue()


def _ods_cell(value: Any, cell_type: Any, paragraph: Any) -> Any:
    if _is_number(value):
        cell = cell_type(valuetype="float", value=str(value))
        cell.addElement(paragraph(text=str(value)))
    elif isinstance(value, dt.date):
        cell = cell_type(valuetype="date", datevalue=value.isoformat())
        cell.addElement(paragraph(text=value.isoformat()))
    else:
        cell = cell_type(valuetype="string")
        for line in _text(value).split("\n") or [""]:
            cell.addElement(paragraph(text=line))
    return cell
