from __future__ import annotations

import pytest

from tests.factories import AgencyFactory, MembershipFactory, UserFactory


@pytest.fixture
def agency_tree(db):
    """行政院 (parent body) → two first-level agencies → a second-level agency and units."""
    root = AgencyFactory(code="ey", name="行政院", kind="parent_body", parent=None)
    mof = AgencyFactory(code="mof", name="財政部", kind="agency", parent=root)
    moea = AgencyFactory(code="moea", name="經濟部", kind="agency", parent=root)
    ntbt = AgencyFactory(code="ntbt", name="臺北國稅局", kind="agency", parent=mof)
    mof_unit = AgencyFactory(code="mof-sec", name="秘書處", kind="unit", parent=mof)
    moea_unit = AgencyFactory(code="moea-it", name="資訊中心", kind="unit", parent=moea)
    return {
        "root": root,
        "mof": mof,
        "moea": moea,
        "ntbt": ntbt,
        "mof_unit": mof_unit,
        "moea_unit": moea_unit,
    }


@pytest.fixture
def user_with_role():
    def make(agency, role, **kwargs):
        user = UserFactory(**kwargs)
        MembershipFactory(user=user, agency=agency, role=role)
        return user

    return make


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached reference data and rate limits never leak across."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
