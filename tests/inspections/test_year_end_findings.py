"""The year's results go back to the units (issue 35.4; 000: 「影送各單位檢討改進」): the items that fell
short are listed for the supervisor, and the ones picked become findings each agency must answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from servq.inspections.models import Finding
from servq.plans.models import ItemUnit
from servq.reporting import services as reporting
from tests.factories import PlanFactory, PlanItemFactory, open_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(agency_tree, user_with_role):
    supervisor = user_with_role(agency_tree["root"], "supervisor")
    coordinator = user_with_role(agency_tree["mof"], "coordinator")
    cycle = open_cycle(agency_tree, supervisor, year=2026)
    plan = PlanFactory(program=cycle.program, agency=agency_tree["mof"], cycle=cycle, status="approved")
    done, late, silent = (
        PlanItemFactory(plan=plan, position=n, text=t)
        for n, t in enumerate(["網站改版", "線上申辦", "意見調查"])
    )
    ItemUnit.objects.create(item=late, name="秘書處", unit=agency_tree["mof_unit"])
    period = reporting.set_up_periods(
        by=supervisor, cycle=cycle, frequency="yearly", due_rule="次年1月15日前"
    )[0]
    reporting.save_progress(by=coordinator, item=done, period=period, status="done", narrative="完成")
    reporting.save_progress(by=coordinator, item=late, period=period, status="late", narrative="延宕")
    return cycle, supervisor, coordinator, (done, late, silent)


def test_the_items_that_fell_short_go_back_as_findings_once_confirmed(client, agency_tree, year):
    cycle, supervisor, _coordinator, (_done, late, silent) = year
    url = reverse("inspections:year_end_findings", args=[cycle.pk, agency_tree["root"].pk])
    client.force_login(supervisor)
    page = client.get(url).content.decode()
    assert "線上申辦" in page and "意見調查" in page and "網站改版" not in page
    assert "落後" in page and "未填報" in page
    client.post(url, {"item": [late.pk, silent.pk]})  # not confirmed
    assert not Finding.objects.exists()
    client.post(url, {"item": [late.pk, silent.pk], "confirm": "yes"})
    findings = Finding.objects.order_by("pk")
    assert [(f.agency.code, f.source) for f in findings] == [("mof", "year_end"), ("mof", "year_end")]
    assert "「線上申辦」落後" in findings[0].text and findings[0].unit == agency_tree["mof_unit"]


def test_only_the_bodys_supervisors_send_results_back(client, agency_tree, year):
    cycle, _supervisor, coordinator, _items = year
    client.force_login(coordinator)
    url = reverse("inspections:year_end_findings", args=[cycle.pk, agency_tree["mof"].pk])
    assert client.get(url).status_code == 403
