"""Every main page on a phone (390 px) and a desk (1366 px), with the demo's data, as each role that
uses it (issue 14.16): nothing wider than the screen, the menu folds and opens, tables become cards,
and axe-core finds nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from servq.plans.models import Plan, PlanCycle
from servq.reporting.models import ReportingPeriod

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)


def pages_by_role() -> dict[str, list[str]]:
    cycle = PlanCycle.objects.get(agency__code="demo")
    plan = Plan.objects.filter(cycle=cycle, agency__code="demo-civil").exclude(status="superseded").get()
    period = ReportingPeriod.objects.filter(cycle=cycle).order_by("end").first()
    assert period is not None
    return {
        "": [
            "/",
            "/plans/",
            f"/plans/{plan.pk}/",
            "/cases/new/",
            "/cases/track/",
            "/reporting/self-evaluations/",
            "/opendata/",
            "/service-points/",
            "/search/all/?q=%E6%88%B6%E7%B1%8D",  # 戶籍: plan items, services and FAQ answers together
        ],
        "coordinator": [
            "/",
            f"/plans/cycles/{cycle.pk}/",
            f"/plans/{plan.pk}/edit/",
            f"/reporting/cycles/{cycle.pk}/",
            f"/reporting/plans/{plan.pk}/periods/{period.pk}/",
            "/cases/",
            "/sites/",
            "/agencies/",
            "/opendata/manage/",
            "/records/points/",
        ],
        "supervisor": [
            "/",
            f"/reporting/cycles/{cycle.pk}/dashboard/",
            f"/reporting/cycles/{cycle.pk}/year-end/{cycle.agency.pk}/",
            "/cases/analytics/",
            "/cases/configuration/",
            "/sites/report/",
            "/notices/",
            "/audit/",
            "/reporting/compare/",
            "/awards/rulebook/",
        ],
    }


def test_every_main_page_fits_a_phone_and_a_desk(page, live_server, axe_violations):
    call_command("load_demo", verbosity=0)
    problems = []
    for role, paths in pages_by_role().items():
        page.context.clear_cookies()
        if role:
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("帳號").fill(role)
            page.get_by_label("密碼").fill("servq-demo")
            page.get_by_role("button", name="登入").click()
            page.wait_for_load_state()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status < 400, f"{path} as {role or 'citizen'}"
                wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if wider > 0:
                    problems.append(f"{path} as {role or 'citizen'} at {width}px: {wider}px too wide")
                found = axe_violations(page)
                if found:
                    problems.append(f"{path} as {role or 'citizen'} at {width}px: {found}")
    assert problems == []


def test_the_menu_folds_on_a_phone_and_opens_with_its_button(page, live_server):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/")
    menu = page.get_by_role("button", name="選單")
    assert menu.get_attribute("aria-expanded") == "false"
    assert not page.get_by_role("link", name="案件查詢").is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("link", name="案件查詢").is_visible()
    page.set_viewport_size({"width": 1366, "height": 800})
    assert not menu.is_visible() and page.get_by_role("link", name="案件查詢").is_visible()
