"""The plan as data: one row an item, in CSV (UTF-8 with BOM, which Excel opens right), XLSX and ODS.

A cell that a spreadsheet would run as a formula (starting with = + - @, tab or carriage return) is
written with a leading apostrophe, the convention OWASP recommends: it shows as text and runs nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from servq.core import sheets
from servq.core.downloads import neutralize
from servq.core.rules import format_roc_date
from servq.plans.exporting.document import PlanDocument
from servq.plans.models import DeadlineKind

__all__ = ["neutralize"]

DATA_COLUMNS = [
    "計畫",
    "機關",
    "架構",
    "項目",
    "推動作法",
    "完成期限",
    "期限類別",
    "到期日",
    "到期日（西元）",
    "承辦單位",
    "預期效益",
]


RESULT_COLUMN = "辦理情形及成效"


def data_columns(document: PlanDocument) -> list[str]:
    columns = [c for c in DATA_COLUMNS if document.has_units or c != "承辦單位"]
    return [*columns, RESULT_COLUMN] if document.has_results else columns


def data_rows(document: PlanDocument) -> list[list[Any]]:
    """Each item as the sheet's cells: text, with 到期日（西元） a date (a spreadsheet sorts and counts
    it as one); CSV neutralises formula starts, the spreadsheets type text as text."""
    return [
        [
            v
            for v in (
                document.title,
                row.agency or document.agency,
                " › ".join(row.path),
                row.text,
                row.actions,
                row.deadline,
                _kind_label(row.deadline_kind),
                _roc(row.due),
                dt.date.fromisoformat(row.due) if row.due else "",
                *([row.units] if document.has_units else []),
                row.benefit,
                *([row.result] if document.has_results else []),
            )
        ]
        for row in document.rows
    ]


def _kind_label(kind: str) -> str:
    """「定期」, not 「recurring」: the sheet is read by people; the codes stay in the JSON export."""
    return str(DeadlineKind(kind).label) if kind in DeadlineKind.values else kind


def _roc(iso_date: str) -> str:
    """The due date as offices read it (民國); the Gregorian ISO date has its own column for machines."""
    return format_roc_date(dt.date.fromisoformat(iso_date)) if iso_date else ""


def to_csv(document: PlanDocument) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(data_columns(document))
    writer.writerows([neutralize(str(value)) for value in row] for row in data_rows(document))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(document: PlanDocument) -> bytes:
    return sheets.to_xlsx("計畫項目", data_columns(document), data_rows(document))


def to_ods(document: PlanDocument) -> bytes:
    return sheets.to_ods("計畫項目", data_columns(document), data_rows(document))
