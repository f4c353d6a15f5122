"""Documents out: a plan as ODT, DOCX and PDF laid out like the seed documents; its items as ODS, XLSX, CSV."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from servq.plans.exporting import office, pdf, sheets
from servq.plans.exporting.document import PlanDocument, build
from servq.plans.models import Plan


@dataclass(frozen=True)
class Format:
    extension: str
    content_type: str
    label: Any  # a lazy translation: the format's name in the reader's language
    render: Callable[[PlanDocument], bytes]


FORMATS: dict[str, Format] = {
    "odt": Format("odt", "application/vnd.oasis.opendocument.text", _("ODF 文件 (ODT)"), office.to_odt),
    "docx": Format(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _("Word 文件 (DOCX)"),
        office.to_docx,
    ),
    "pdf": Format("pdf", "application/pdf", "PDF", pdf.to_pdf),
    "ods": Format(
        "ods", "application/vnd.oasis.opendocument.spreadsheet", _("ODF 試算表 (ODS)"), sheets.to_ods
    ),
    "xlsx": Format(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _("Excel 試算表 (XLSX)"),
        sheets.to_xlsx,
    ),
    "csv": Format("csv", "text/csv; charset=utf-8", "CSV", sheets.to_csv),
}


def export(plan: Plan, fmt: str) -> bytes:
    """The plan rendered in one of FORMATS; raises KeyError for an unknown format."""
    return FORMATS[fmt].render(build(plan))


__all__ = ["FORMATS", "Format", "export"]
