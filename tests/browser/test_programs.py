"""Issue 24's pages in Chromium, at a desk (1366 px) and on a phone (390 px): the cycle board with
categories and publication, the first-run case categories with their sources, the year-end layout,
and the embeddable plan page. Each passes axe-core and nothing is wider than the screen."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from servq.plans.models import PlanCycle
from tests.factories import PlanFactory, PlanItemFactory, open_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (1366, 390)


def wider_than_the_screen(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def cycle(agency_tree, user_with_role):
    supervisor = user_with_role(agency_tree["root"], "supervisor", username="kao")
    cycle = open_cycle(agency_tree, supervisor)
    PlanCycle.objects.filter(pk=cycle.pk).update(publish_by=dt.date(2026, 4, 30))
    plan = PlanFactory(
        agency=agency_tree["mof"],
        program=cycle.program,
        cycle=cycle,
        first_year=2026,
        last_year=2026,
        status="published",
        published_at=timezone.make_aware(dt.datetime(2026, 4, 1, 9)),
    )
    PlanItemFactory(plan=plan, position=0, text="臨櫃服務一次辦好")
    user_with_role(agency_tree["mof"], "coordinator", username="lin")
    return cycle


def test_a_coordinator_chooses_the_category_on_a_phone_and_a_desk(
    page, live_server, login, cycle, axe_violations
):
    login("lin")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/plans/cycles/{cycle.pk}/")
        assert wider_than_the_screen(page) <= 0, width
        assert axe_violations(page) == [], width
    # Issue 37.10: one or both categories, ticked.
    page.get_by_label("整體服務類", exact=False).check()
    page.get_by_label("專案規劃類", exact=False).check()
    page.get_by_role("button", name="設定類別").click()
    page.wait_for_load_state()
    assert "財政部的參與類別：整體服務類、專案規劃類。" in page.inner_text("body")
    assert "如期公告" in page.inner_text("body")


def test_the_supervisor_adopts_case_categories_and_sets_the_year_end_layout(
    page, live_server, login, cycle, axe_violations
):
    login("kao")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/cases/configuration/")
        assert "處理人民陳情案件要點》第十五點" in page.inner_text("body")
        assert wider_than_the_screen(page) <= 0, width
        assert axe_violations(page) == [], width
    page.get_by_label("陳情 處理期限（日）").fill("10")
    page.get_by_role("button", name="採用勾選的類別").click()
    assert "已設定 4 個案件類別" in page.inner_text("body")
    assert 'value="本機關自訂"' in page.content()  # the changed limit is the body's own, not servq's
    page.goto(f"{live_server.url}/reporting/cycles/{cycle.pk}/year-end/{cycle.agency.pk}/")
    assert "計畫要項／執行策略／執行方法／完成期限／辦理情形及成效" in page.inner_text("body")
    page.get_by_label("列出承辦單位欄").check()
    page.get_by_role("button", name="設定附表格式").click()
    assert "完成期限／承辦單位／辦理情形及成效" in page.inner_text("body")
    assert axe_violations(page) == []


def test_the_embed_page_reads_on_a_phone(page, live_server, cycle, axe_violations):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 700})
        page.goto(f"{live_server.url}/plans/agency/mof/115/embed/")
        assert "臨櫃服務一次辦好" in page.inner_text("body")
        assert wider_than_the_screen(page) <= 0, width
        assert axe_violations(page) == [], width
