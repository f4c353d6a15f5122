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


@pytest.fixture
def staff_with_a_case(agency_tree, user_with_role):
    """A unit staff member of 財政部秘書處 with a citizen's case assigned to them."""
    from servq.cases import services as case_services
    from servq.cases.models import CaseCategory

    staff = user_with_role(agency_tree["mof_unit"], "unit_staff", first_name="陳承辦")
    case_services.load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.filter(body=agency_tree["root"]).update(agency=agency_tree["mof"])
    category = CaseCategory.objects.filter(body=agency_tree["root"]).order_by("pk").first()
    case, _ = case_services.submit_case(
        channel="web",
        body=agency_tree["root"],
        category=category,
        description="路燈不亮",
        email="m@example.tw",
    )
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="mof-coordinator")
    case_services.assign(by=coordinator, case=case, unit=agency_tree["mof_unit"], assignee=staff)
    return staff, case
