"""What the platform search's tests share: a ministry with a service, FAQ entries and a dataset."""

from __future__ import annotations

import pytest

from servq.faq import services as faq
from servq.opendata import services as opendata
from servq.services import services as catalogue


@pytest.fixture
def world(agency_tree, user_with_role):
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
