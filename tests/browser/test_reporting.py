"""Reporting pages in Chromium: a coordinator reports an item, the supervisor reads the dashboard;
every page passes axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest

from servq.plans.models import ItemUnit
from servq.reporting import services
from servq.reporting.models import ItemProgress
from tests.factories import PlanFactory, PlanItemFactory, open_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reporting(agency_tree, user_with_role):
    supervisor = user_with_role(agency_tree["root"], "supervisor", username="rdec")
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="lin")
    cycle = open_cycle(agency_tree, supervisor)
    plan = PlanFactory(
        program=cycle.program,
        agency=agency_tree["mof"],
        cycle=cycle,
        status="approved",
        first_year=2026,
        last_year=2026,
    )
    for n, text in enumerate(["每月檢測網站連結", "更新常見問題集"]):
        item = PlanItemFactory(plan=plan, position=n, text=text)
        ItemUnit.objects.create(item=item, name="秘書處", unit=agency_tree["mof_unit"])
    periods = services.set_up_periods(
        by=supervisor, cycle=cycle, frequency="quarterly", due_rule="結束後10個工作日內"
    )
    services.set_schedule(
        by=supervisor, cycle=cycle, steps=[("各機關提報年度執行成果", "各機關", "12 月下旬至次年 1 月")]
    )
    return {"cycle": cycle, "plan": plan, "period": periods[0], "coordinator": coordinator}


def test_coordinator_reports_progress_in_the_browser(page, live_server, login, reporting, axe_violations):
    login("lin")
    plan, period = reporting["plan"], reporting["period"]
    page.goto(f"{live_server.url}/reporting/plans/{plan.pk}/periods/{period.pk}/")
    assert axe_violations(page) == []
    first, second = page.locator("section.progress-item").all()[:2]
    first.get_by_label("執行狀態").select_option("on_track")
    first.get_by_label("辦理情形及成效").fill("一月起每月以 servq 檢測網站連結")
    second.get_by_label("辦理情形及成效").fill("三月更新常見問題集 42 則")
    # Saving from the second item keeps what was typed in the first (the probe's data loss).
    second.get_by_role("button", name="儲存全部").click()
    page.wait_for_load_state()
    assert "已儲存 2 個項目的辦理情形" in page.content()
    assert dict(ItemProgress.objects.values_list("item__position", "narrative")) == {
        0: "一月起每月以 servq 檢測網站連結",
        1: "三月更新常見問題集 42 則",
    }


def test_leaving_the_page_with_unsaved_text_asks_first(page, live_server, login, reporting):
    login("lin")
    plan, period = reporting["plan"], reporting["period"]
    page.goto(f"{live_server.url}/reporting/plans/{plan.pk}/periods/{period.pk}/")
    page.locator("section.progress-item").first.get_by_label("辦理情形及成效").fill("還沒存")
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.get_by_role("link", name=plan.title).click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert (
        "還沒存" in page.locator("section.progress-item").first.get_by_label("辦理情形及成效").input_value()
    )


def test_cycle_dashboard_and_public_pages_pass_axe(page, live_server, login, reporting, axe_violations):
    cycle, plan, period = reporting["cycle"], reporting["plan"], reporting["period"]
    for item in plan.items.all():
        services.save_progress(
            by=reporting["coordinator"], item=item, period=period, status="late", narrative="落後"
        )
    page.goto(f"{live_server.url}/reporting/self-evaluations/")
    assert axe_violations(page) == []
    login("rdec")
    for path in [
        f"/reporting/cycles/{cycle.pk}/",
        f"/reporting/cycles/{cycle.pk}/dashboard/?period={period.pk}",
    ]:
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    chart = page.get_by_role("img", name="項目執行狀態")
    assert chart.is_visible()
    assert "2" in page.get_by_role("table", name="項目執行狀態（圖表資料）").inner_text()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_body_above_bodies_compares_its_agencies_side_by_side(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    """Issue 33.10: the 行政院 supervisor had nothing to do; they find 所屬機關比較 from their 待辦."""
    user_with_role(agency_tree["root"], "supervisor", username="ey-supervisor")
    PlanFactory(agency=agency_tree["mof"], status="published")
    page.set_viewport_size({"width": width, "height": 900})
    login("ey-supervisor")
    page.get_by_role("link", name="所屬機關比較：各機關的計畫、如期率與成果並列").click()
    page.wait_for_load_state()
    table = page.get_by_role("table")
    assert table.get_by_role("rowheader", name="財政部").is_visible()
    assert table.get_by_role("rowheader", name="經濟部").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []
