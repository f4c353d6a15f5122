"""Issue 33.12–13: one language a page — 民國 dates on the Chinese pages, the Gregorian calendar and
no ROC year on the English ones — walked as the supervisor at 1366 and 390 px."""

from __future__ import annotations

import pytest

from tests.factories import open_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_year_end_page_speaks_one_calendar_a_language(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    user_with_role(agency_tree["root"], "supervisor", username="rdec")
    cycle = open_cycle(agency_tree, user_with_role(agency_tree["root"], "supervisor"), year=2026)
    url = f"{live_server.url}/reporting/cycles/{cycle.pk}/year-end/{agency_tree['root'].pk}/"
    page.set_viewport_size({"width": width, "height": 900})
    login("rdec")
    page.goto(url)
    assert "115年度執行成果" in page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("button", name="English").click()  # the language switch every page carries
    page.wait_for_load_state()
    page.goto(url)
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "2026 year-end report" in heading and "年" not in heading
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []
