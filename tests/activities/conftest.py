from __future__ import annotations

import pytest


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="mof-coordinator", first_name="林聯絡")


@pytest.fixture
def outsider(agency_tree, user_with_role):
    return user_with_role(agency_tree["moea"], "coordinator", username="moea-coordinator")
