"""The demo's search synonyms: words citizens type one way and documents write another."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from servq.core import demo
from servq.search import services
from servq.search.models import Synonym

SYNONYMS = "身分證、國民身分證\n駕照、駕駛執照\n健保卡、全民健康保險卡\n市民熱線、1999\n身障、身心障礙"


def ensure_demo_synonyms() -> bool:
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    if supervisor is None or Synonym.objects.exists():
        return False
    services.save_synonyms(by=supervisor, text=SYNONYMS)
    return True


@demo.part(97, "search")
def _load_demo_part(log: demo.Log) -> str | None:
    return "demo: five search synonym groups kept by the supervisor" if ensure_demo_synonyms() else None
