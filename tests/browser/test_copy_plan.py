"""Issue 33.14: copying last year's plan left 17 fields to fix item by item (about 45 clicks) and
agency names 「未對應」; what cannot be carried is now fixed in one table, at 1366 and 390 px."""

from __future__ import annotations

import re

import pytest

from servq.plans import services
from servq.plans.models import ItemUnit
from tests.factories import PlanFactory, PlanItemFactory, open_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_coordinator_fixes_what_the_copy_could_not_carry_in_one_table(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="lin")
    cycle = open_cycle(agency_tree, user_with_role(agency_tree["root"], "supervisor"), year=2026)
    last = PlanFactory(agency=agency_tree["mof"], first_year=2025, last_year=2025)
    for n, text in enumerate(["電話禮貌", "網站檢測", "常見問題"]):
        item = PlanItemFactory(plan=last, position=n, text=text, deadline_raw="", deadline_kind="text")
        ItemUnit.objects.filter(item=item).delete()
    plan = services.start_plan(by=coordinator, cycle=cycle, agency=agency_tree["mof"], copy_from=last)
    page.set_viewport_size({"width": width, "height": 900})
    login("lin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/")
    page.get_by_role("link", name=re.compile("3 個項目缺完成期限或承辦單位")).click()
    page.wait_for_load_state()
    for n in range(3):
        row = page.get_by_role("row").nth(n + 1)
        row.get_by_role("textbox").first.fill("115年12月")
        row.get_by_role("textbox").nth(1).fill("秘書處")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []
    page.get_by_role("button", name="全部儲存").click()
    page.wait_for_load_state()
    assert "已儲存 3 個項目" in page.content()
    assert page.url.endswith(f"/plans/{plan.pk}/edit/")
    assert not [i for i in plan.items.all() if not i.deadline_raw or not i.units.exists()]
