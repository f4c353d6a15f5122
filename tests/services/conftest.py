from __future__ import annotations

import pytest

from servq.services import services
from servq.services.services import Document, ServiceData


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    """財政部's coordinator, who keeps its catalogue."""
    return user_with_role(agency_tree["mof"], "coordinator", username="mof-coordinator")


@pytest.fixture
def data():
    def make(**changes):
        fields = {
            "code": "tax-certificate",
            "name": "納稅證明書申請",
            "time_limit": "3個工作天",
            "summary": "申請綜合所得稅納稅證明",
            "legal_basis": "稅捐稽徵法",
            "channels": ["counter", "online"],
            "fees": "免費",
            "online_level": 3,
            "documents": [
                Document("身分證正本"),
                Document("戶籍謄本", e_check=True, e_source="內政部戶役政資訊系統"),
            ],
            "steps": "櫃檯人員：受理並核對身分（即時）\n承辦人：查調稅籍資料（2個工作天）\n課長：核發",
            "published": True,
        }
        return ServiceData(**{**fields, **changes})

    return make


@pytest.fixture
def service(agency_tree, coordinator, data):
    return services.save_service(by=coordinator, agency=agency_tree["mof"], data=data())
