"""The platform search's test world, shared by its unit tests (the ``world`` fixture) and its
browser test: a ministry with a published service, a published FAQ entry and a draft one, and a
dataset not yet published."""

from __future__ import annotations

from typing import Any

from servq.faq import services as faq
from servq.opendata import services as opendata
from servq.services import services as catalogue


def tax_world(agency_tree: dict[str, Any], user_with_role: Any) -> dict[str, Any]:
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="mof-c")
    unit_staff = user_with_role(agency_tree["mof_unit"], "unit_staff", username="mof-u")
    catalogue.save_service(
        by=coordinator,
        agency=agency_tree["mof"],
        data=catalogue.ServiceData(
            code="tax-cert",
            name="臺北市納稅證明書申請",
            time_limit="3個工作天",
            summary="申請綜合所得稅納稅證明書，可臨櫃或線上申辦。",
            documents=[catalogue.Document("國民身分證正本")],
            published=True,
        ),
    )
    faq.save_entry(
        by=coordinator,
        agency=agency_tree["mof"],
        question="納稅證明可以線上申請嗎？",
        answer="可以，使用自然人憑證。",
        published=True,
    )
    faq.save_entry(
        by=coordinator, agency=agency_tree["mof"], question="內部草稿：納稅證明收費", answer="未定。"
    )
    dataset = opendata.save_dataset(
        by=unit_staff,
        agency=agency_tree["mof"],
        unit=agency_tree["mof_unit"],
        title="各縣市納稅證明核發件數",
        description="每月核發的納稅證明件數。",
    )
    return {"coordinator": coordinator, "dataset": dataset}
