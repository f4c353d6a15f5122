"""Issue 37.13–14: a draft consulted on and opened for public comment, and the approved plan posted
at the service premises — walked as the coordinator and a citizen at 1366 and 390 px (axe clean,
nothing wider than the screen)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import PlanFactory, PlanItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


@pytest.mark.parametrize("width", [1366, 390])
def test_a_draft_is_consulted_on_commented_on_in_public_and_answered(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    user_with_role(agency_tree["mof"], "coordinator", username="lin")
    plan = PlanFactory(agency=agency_tree["mof"], status="draft", goals="縮短臨櫃等候時間")
    PlanItemFactory(plan=plan, position=0, text="推動線上預約")
    today = timezone.localdate()
    page.set_viewport_size({"width": width, "height": 900})
    login("lin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/")
    page.get_by_label("日期", exact=True).fill(f"{today.year - 1911}/{today.month}/{today.day}")
    page.get_by_label("民眾", exact=True).check()
    page.get_by_label("方式", exact=True).fill("座談會")
    page.get_by_label("主要意見").fill("希望延長夜間服務")
    page.get_by_role("button", name="登錄意見徵詢").click()
    page.wait_for_load_state()
    assert plan.consultations.count() == 1
    page.get_by_label("開始日期").fill(today.isoformat())
    page.get_by_label("截止日期").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="開放公開徵詢").click()
    page.wait_for_load_state()
    _fits(page)
    assert axe_violations(page) == []

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/plans/{plan.pk}/comments/")
    assert "推動線上預約" in page.content()
    page.get_by_role("textbox", name="意見").fill("希望週末也能預約")
    page.get_by_role("button", name="送出意見").click()
    page.wait_for_load_state()
    assert "已收到您的意見" in page.content() and "等待機關回應" in page.content()
    _fits(page)
    assert axe_violations(page) == []

    login("lin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/#public-comments")
    page.get_by_label("機關回應（公開）").fill("將評估週六上午開放")
    page.get_by_role("button", name="儲存回應").click()
    page.wait_for_load_state()
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/plans/{plan.pk}/comments/")
    assert "將評估週六上午開放" in page.content()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_coordinator_records_the_posting_at_the_premises(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    user_with_role(agency_tree["mof"], "coordinator", username="lin")
    plan = PlanFactory(agency=agency_tree["mof"], status="published")
    page.set_viewport_size({"width": width, "height": 900})
    login("lin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    page.get_by_label("張貼日期").fill("115/1/20")
    page.get_by_label("張貼地點").fill("一樓服務台公布欄")
    _fits(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="登錄", exact=True).click()
    page.wait_for_load_state()
    assert "115年1月20日，一樓服務台公布欄" in page.content()


@pytest.mark.parametrize("width", [1366, 390])
def test_the_body_ticks_what_its_execution_plans_must_have(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    """Issue 37.9: the completeness list is the body's, ticked on its implementation plan."""
    user_with_role(agency_tree["root"], "supervisor", username="rdec")
    framework = PlanFactory(agency=agency_tree["root"], kind="implementation")
    page.set_viewport_size({"width": width, "height": 900})
    login("rdec")
    page.goto(f"{live_server.url}/plans/{framework.pk}/")
    page.get_by_text("執行計畫應具備的內容（送審時檢查）").click()
    page.get_by_label("實施步驟").uncheck()
    page.get_by_label("完成期限").uncheck()
    page.get_by_label("計畫期程每一年都有量化目標（指標目標值）").check()
    _fits(page)
    assert axe_violations(page) == []
    page.get_by_role("button", name="儲存", exact=True).click()
    page.wait_for_load_state()
    framework.refresh_from_db()
    assert "steps" not in framework.requirements["sections"] and framework.requirements["targets"]
    assert framework.requirements["item_fields"] == ["units"]
