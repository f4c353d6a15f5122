"""The staff menu grouped by what each role does (issue 33.15: 19 links in one row for every role),
at desk and phone width, with axe-core; the citizen's menu keeps the public links."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_coordinator_opens_a_group_and_goes_where_the_work_is(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    user_with_role(agency_tree["mof"], "coordinator", username="mof")
    page.set_viewport_size({"width": width, "height": 900})
    login("mof")
    page.goto(f"{live_server.url}/")
    if width < 600:
        page.get_by_role("button", name="選單").click()
    menu = page.get_by_role("navigation", name="主選單")
    top = menu.locator(":scope > ul > li")
    assert top.count() <= 7, f"{top.count()} items on the top row"
    assert not menu.get_by_role("link", name="管制考核").is_visible()  # folded in its group
    menu.get_by_text("計畫與管考", exact=True).click()
    assert menu.get_by_role("link", name="管制考核").is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.body.scrollWidth") <= width
    menu.get_by_text("考核與評獎", exact=True).click()  # one group open at a time
    assert not menu.get_by_role("link", name="管制考核").is_visible()
    menu.get_by_role("link", name="考核與輔導").click()
    page.wait_for_load_state()
    assert page.url.endswith("/inspections/")


def test_a_citizen_sees_the_public_links_at_once(page, live_server):
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/")
    menu = page.get_by_role("navigation", name="主選單")
    for name in ("計畫", "服務項目", "常見問題", "開放資料", "我要陳情", "案件查詢"):
        assert menu.get_by_role("link", name=name, exact=True).is_visible(), name
