"""The platform search in Chromium with axe-core, at 1366 and 390 px: a citizen searches across
kinds from the menu, narrows by classification, and reads a result."""

from __future__ import annotations

import pytest

from servq.services import services as catalogue
from tests.search.worlds import tax_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_citizen_searches_every_kind_and_narrows_by_classification(
    page, live_server, agency_tree, user_with_role, axe_violations, width
):
    tax_world(agency_tree, user_with_role)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/")
    if width < 600:
        page.get_by_role("button", name="選單").click()
    page.get_by_role("navigation", name="主選單").get_by_role("link", name="搜尋", exact=True).click()
    page.get_by_label("關鍵字").fill("納稅證明")
    page.get_by_role("button", name="搜尋", exact=True).click()
    page.wait_for_load_state()
    content = page.content()
    assert "找到 2 筆" in content and "內部草稿" not in content
    first_result = page.locator("ol.results > li").first.bounding_box()
    assert first_result and first_result["y"] < 900, "the results start on the first screen, facets or not"
    facets = page.get_by_role("navigation", name="分類檢索").bounding_box()
    assert facets and (facets["x"] > first_result["x"] if width > 900 else facets["y"] > first_result["y"])
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="常見問題（1）").click()
    page.wait_for_load_state()
    assert "找到 1 筆" in page.content()
    page.get_by_role("link", name="納稅證明可以線上申請嗎？").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="納稅證明可以線上申請嗎？").is_visible()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_supervisor_keeps_synonyms_and_a_citizen_finds_by_them(
    page, live_server, agency_tree, user_with_role, login, axe_violations, width
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="mof")
    catalogue.save_service(
        by=coordinator,
        agency=agency_tree["mof"],
        data=catalogue.ServiceData(code="dl", name="駕駛執照換發", time_limit="當日", published=True),
    )
    user_with_role(agency_tree["root"], "supervisor", username="root-s")
    page.set_viewport_size({"width": width, "height": 900})
    login("root-s")
    page.goto(f"{live_server.url}/search/all/?q=駕照")
    assert "沒有找到符合的資料" in page.content()
    page.get_by_role("link", name="維護同義詞").click()
    page.wait_for_load_state()
    box = page.get_by_label("同義詞（一行一組）")
    box.fill("駕照，駕駛執照\n只有一個詞")
    page.get_by_role("button", name="儲存").click()
    page.wait_for_load_state()
    assert "第 2 行" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("同義詞（一行一組）").input_value() == "駕照，駕駛執照\n只有一個詞"  # kept
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_label("同義詞（一行一組）").fill("駕照，駕駛執照")
    page.get_by_role("button", name="儲存").click()
    page.wait_for_load_state()
    assert "已儲存同義詞" in page.content()
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/search/all/?q=駕照")
    assert page.get_by_role("link", name="駕駛執照換發").is_visible()
