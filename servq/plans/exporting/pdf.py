"""The plan as PDF through Typst: A4 landscape, the header row repeated on every page, the CJK font
embedded (subset) so it prints right anywhere, tagged as PDF/UA-1 for screen readers.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

from servq.core import fonts
from servq.core.errors import ServiceError
from servq.plans.exporting.document import PlanDocument
from servq.plans.exporting.office import _outline, indicator_rows, table_rows

TEMPLATE = Path(__file__).with_name("plan.typ")


class FontMissing(ServiceError):
    """The CJK font the PDF embeds is not on this machine. A refusal like any other: the page the
    user came from says so, in their language, and names the fix (never a 500)."""


def column_widths(document: PlanDocument) -> list[float]:
    """Relative widths: framework columns narrow, the item wide, dates and units just wide enough."""
    widths = {
        "計畫要項": 1.2,
        "執行策略": 1.2,
        "": 1.2,
        "執行方法": 2.6,
        "執行重點": 2.2,
        "完成期限": 1.0,
        "承辦單位": 1.0,
        "預期效益": 2.2,
        "機關": 1.2,
        "辦理情形及成效": 3.0,
    }
    return [widths.get(name, 1.0) for name in document.columns]


def to_pdf(document: PlanDocument) -> bytes:
    import typst

    font_dir = Path(settings.SERVQ_PDF_FONT_DIR)
    if not fonts.usable(font_dir):
        raise FontMissing(
            f"無法產生 PDF：這台伺服器在 {font_dir}（SERVQ_PDF_FONT_DIR）沒有中文字型。請系統管理者執行 "
            "make setup（會把 Noto Sans 繁體中文字型下載到 var/fonts），或安裝 Debian 套件 fonts-noto-cjk。"
            "其他格式（ODT、DOCX、ODS、CSV）不受影響。"
        )
    data = {
        "title": document.title,
        "agency": document.agency,
        "font": settings.SERVQ_PDF_FONT,
        "revisions": document.revisions,
        "outline": [
            {"heading": heading, "kind": body[1:] if body.startswith("\0") else "text", "body": body}
            for heading, body in _outline(document)
        ],
        "columns": document.columns,
        "widths": column_widths(document),
        "rows": table_rows(document)[1:],
        "indicators": indicator_rows(document) if document.indicators else [],
    }
    return typst.compile(
        str(TEMPLATE),
        font_paths=[str(font_dir)],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        pdf_standards=["ua-1"],
    )
