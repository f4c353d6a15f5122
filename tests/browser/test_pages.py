"""The pages people use, in Chromium: they work and pass axe-core's WCAG 2.1 AA rules."""

from __future__ import annotations

import pytest

from tests.factories import FrameworkNodeFactory, PlanFactory, PlanItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def published_plan(agency_tree):
    plan = PlanFactory(agency=agency_tree["mof"], title="財政部提升服務執行計畫", status="published")
    plan.revisions.create(date="2017-06-05", label="106年6月5日台財綜字第10615912470號函訂定")
    outer = FrameworkNodeFactory(plan=plan, title="一、完備基礎服務項目", position=0)
    inner = FrameworkNodeFactory(
        plan=plan, parent=outer, title="(一) 建立業務標準作業流程", position=1, depth=1
    )
    item = PlanItemFactory(
        plan=plan,
        node=inner,
        text="訂定申辦業務標準作業流程",
        deadline_raw="106年12月",
        deadline_kind="date",
        deadline_due="2017-12-31",
        expected_benefit="◎處理一致且正確。",
    )
    item.units.create(name="秘書處", unit=agency_tree["mof_unit"], position=0)
    item.units.create(name="不存在科", position=1)
    indicator = plan.indicators.create(name="開放資料集累計數", unit="項", cumulative=True)
    for year, value in [(2015, 720), (2016, 960), (2017, 1200), (2018, 1440)]:
        indicator.targets.create(year=year, value=value)
    return plan


def test_plan_page_reads_like_the_plan_and_passes_axe(page, live_server, published_plan, axe_violations):
    page.goto(f"{live_server.url}/plans/{published_plan.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == "財政部提升服務執行計畫"
    table = page.get_by_role("table", name="一、完備基礎服務項目 › (一) 建立業務標準作業流程")
    assert "訂定申辦業務標準作業流程" in table.inner_text()
    assert "106年12月31日" in table.inner_text()
    assert "未對應" in table.inner_text()
    assert "107年：1,440 項" in page.get_by_role(
        "table", name="量化指標"
    ).inner_text() or "107年：1440 項" in (page.get_by_role("table", name="量化指標").inner_text())
    assert axe_violations(page) == []


def test_plan_list_and_home_pass_axe(page, live_server, published_plan, axe_violations):
    for path in ["/", "/plans/"]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path


def test_login_logout_and_staff_pages(page, live_server, login, agency_tree, user_with_role, axe_violations):
    user_with_role(agency_tree["root"], "supervisor", username="kao")
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []
    login("kao")
    page.goto(f"{live_server.url}/agencies/")
    assert "臺北國稅局" in page.inner_text("main")
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/audit/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="登出").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="登入").is_visible()


def test_language_switch_to_english(page, live_server, published_plan):
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == "Service quality improvement plans"
    assert page.get_by_role("button", name="繁體中文").is_visible()
