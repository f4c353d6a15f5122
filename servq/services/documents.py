"""What a service publishes besides its page: schema.org GovernmentService data, the application
form as ODF text and PDF (built from the catalogue, so it never disagrees with the page), and the
catalogue sheet's row."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from servq.core import fonts
from servq.core.errors import ServiceError
from servq.services import rules
from servq.services.models import Service

TEMPLATE = Path(__file__).with_name("form.typ")


def government_service(service: Service, request: HttpRequest) -> dict[str, Any]:
    """schema.org GovernmentService, for search engines and portals that harvest service lists."""
    url = request.build_absolute_uri(reverse("services:detail", args=[service.pk]))
    # A channel's languages are availableLanguage (inLanguage is no property of GovernmentService).
    languages = [{"@type": "Language", "alternateName": code} for code in service.form_languages]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "@id": url,
        "url": url,
        "name": service.name,
        "description": service.summary or service.name,
        "provider": {"@type": "GovernmentOrganization", "name": service.agency.name},
        "serviceOperator": {"@type": "GovernmentOrganization", "name": service.agency.name},
        "availableChannel": [
            {"@type": "ServiceChannel", "name": rules.CHANNELS[c], "availableLanguage": languages}
            for c in service.channels
            if c in rules.CHANNELS
        ],
    }
    if service.eligibility:
        data["audience"] = {"@type": "Audience", "audienceType": service.eligibility}
    if service.apply_url:
        data["availableChannel"].append(
            {
                "@type": "ServiceChannel",
                "name": f"{service.name}線上申辦",
                "serviceUrl": service.apply_url,
                "availableLanguage": languages,
            }
        )
    return data


def form_lines(service: Service) -> dict[str, Any]:
    """The form's content: what the applicant fills, what they attach, what happens next."""
    documents = [
        d.name + (f"（免附：本機關以電子方式向{d.e_source or '相關機關'}查驗）" if d.e_check else "")
        for d in service.documents.all()
    ]
    return {
        "title": f"{service.name}申請書",
        "agency": service.agency.name,
        "fields": [
            "申請人姓名",
            "身分證統一編號",
            "出生日期",
            "聯絡電話",
            "電子郵件",
            "通訊地址",
            "申請事項說明",
        ],
        "documents": documents or ["（無）"],
        "limit": service.time_limit.describe(),
        "fees": service.fees or "免費",
        "note": "本表依政府資訊公開法第七條公開；個人資料僅供本案處理使用。",
    }


def form_odt(service: Service) -> bytes:
    from odf.dc import Title as DcTitle
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import P

    lines = form_lines(service)
    doc = OpenDocumentText()
    title = Style(name="FormTitle", family="paragraph")
    title.addElement(ParagraphProperties(textalign="center"))
    title.addElement(TextProperties(fontsize="16pt", fontweight="bold"))
    bold = Style(name="FormHeading", family="paragraph")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(title)
    doc.automaticstyles.addElement(bold)
    doc.meta.addElement(DcTitle(text=lines["title"]))
    doc.text.addElement(P(stylename=title, text=lines["title"]))
    doc.text.addElement(P(text=f"受理機關：{lines['agency']}"))
    table = Table(name="申請人")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    for label in lines["fields"]:
        row = TableRow()
        for text in (label, ""):
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=text))
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)
    doc.text.addElement(P(stylename=bold, text="應備文件"))
    for i, document in enumerate(lines["documents"], start=1):
        doc.text.addElement(P(text=f"{i}. {document}"))
    doc.text.addElement(P(text=f"處理期限：{lines['limit']}　規費：{lines['fees']}"))
    doc.text.addElement(P(text=lines["note"]))
    doc.text.addElement(P(text="申請人簽章：＿＿＿＿＿＿＿＿　　申請日期：＿＿＿年＿＿月＿＿日"))
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


class FontMissing(ServiceError):
    pass


def form_pdf(service: Service) -> bytes:
    import typst

    font_dir = Path(settings.SERVQ_PDF_FONT_DIR)
    if not fonts.usable(font_dir):
        raise FontMissing(
            f"無法產生 PDF：這台伺服器在 {font_dir} 沒有中文字型（請執行 make setup）。ODT 格式不受影響。"
        )
    data = {**form_lines(service), "font": settings.SERVQ_PDF_FONT}
    return typst.compile(
        str(TEMPLATE),
        font_paths=[str(font_dir)],
        ignore_system_fonts=True,
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        pdf_standards=["ua-1"],
    )


def catalogue_row(service: Service) -> list[str]:
    """The service as one row of the catalogue sheet, in the columns import_catalogue reads."""
    return [
        service.agency.code,
        service.code,
        service.name,
        service.time_limit.describe().replace(" ", ""),
        service.summary,
        service.legal_basis,
        service.eligibility,
        "、".join(rules.CHANNELS[c].split("（")[0] for c in service.channels if c in rules.CHANNELS),
        service.fees,
        str(service.online_level),
        service.apply_url,
        " ".join(service.form_languages),
        service.unit.name if service.unit else "",
        "；".join(
            d.name + (f"（可電子查驗：{d.e_source}）" if d.e_check else "") for d in service.documents.all()
        ),
        rules.format_steps(s.as_rule() for s in service.steps.all()).replace("\n", "→"),
        service.alternatives,
        "是" if service.published else "否",
    ]
