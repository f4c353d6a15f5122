"""What the platform search's tests share: a ministry with a service, FAQ entries and a dataset."""

from __future__ import annotations

import pytest

from tests.search.worlds import tax_world


@pytest.fixture
def world(agency_tree, user_with_role):
    return tax_world(agency_tree, user_with_role)
