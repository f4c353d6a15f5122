"""Issue 33.10: the 行政院 supervisor had nothing to do — a body above bodies sees its agencies'
plans, on-time rates and results side by side (reporting/views/measures.py: compare)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from servq.cases import services as case_services
from servq.cases.models import CaseCategory
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_the_supervisor_sees_each_agency_below_with_its_plan_and_measures(
    client, agency_tree, user_with_role
):
    ey = user_with_role(agency_tree["root"], "supervisor", username="ey-supervisor")
    year = timezone.localdate().year
    plan = PlanFactory(agency=agency_tree["mof"], first_year=year, last_year=year, status="published")
    case_services.load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.update(agency=agency_tree["moea"])
    case, _ = case_services.submit_case(
        channel="web", body=agency_tree["root"], category=CaseCategory.objects.first(), description="路燈"
    )
    case_services.reply(by=ey, case=case, outcome="resolved", text="已修復")
    client.force_login(ey)
    page = client.get(reverse("reporting:compare"))
    rows = {row.agency.code: row for row in page.context["rows"]}
    assert set(rows) == {"mof", "moea"}, "the agencies directly below, no units, not the body"
    assert rows["mof"].plan == plan and rows["moea"].plan is None
    on_time = {c.key: c.value for c in rows["moea"].cells}["cases.on_time_rate"]
    assert on_time == 100
    assert {c.key: c.value for c in rows["mof"].cells}["cases.on_time_rate"] is None
    html = page.content.decode()
    assert "已公告" in html and "尚無計畫" in html and f"agency={agency_tree['moea'].pk}" in html


def test_the_year_is_typed_in_roc_and_nonsense_is_no_page(client, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["root"], "supervisor"))
    assert client.get(reverse("reporting:compare") + "?year=114").context["year"] == 2025
    assert client.get(reverse("reporting:compare") + "?year=abc").status_code == 404


@pytest.mark.parametrize("role", ["coordinator", "unit_staff", "head", "reviewer"])
def test_only_supervisors_compare_agencies(client, agency_tree, user_with_role, role):
    place = agency_tree["mof_unit"] if role == "unit_staff" else agency_tree["mof"]
    client.force_login(user_with_role(place, role))
    assert client.get(reverse("reporting:compare")).status_code == 403


def test_a_supervisor_of_one_agency_compares_only_what_is_below_it(client, agency_tree, user_with_role):
    client.force_login(user_with_role(agency_tree["mof"], "supervisor"))
    rows = client.get(reverse("reporting:compare")).context["rows"]
    assert [r.agency.code for r in rows] == ["ntbt"]
