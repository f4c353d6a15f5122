from __future__ import annotations

import pytest

from servq.cases import services
from servq.cases.models import CaseCategory, RoutingRule
from servq.cases.services import load_default_categories


@pytest.fixture
def body(agency_tree):
    """行政院 takes cases for its tree: 財政部 by default, 臺北國稅局 for cases in 臺北."""
    root = agency_tree["root"]
    load_default_categories(by=None, body=root)
    CaseCategory.objects.filter(body=root).update(agency=agency_tree["mof"])
    RoutingRule.objects.create(body=root, area="臺北", agency=agency_tree["ntbt"])
    return root


@pytest.fixture
def categories(body):
    return {c.code: c for c in CaseCategory.objects.filter(body=body)}


@pytest.fixture
def handler(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="handler")


@pytest.fixture
def file_case(body, categories):
    def make(code="petition", text="希望延長服務時間", **extra):
        fields = {"channel": "web", "body": body, "category": categories[code], "description": text}
        return services.submit_case(**{**fields, **extra})

    return make
