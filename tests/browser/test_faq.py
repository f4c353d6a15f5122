"""The FAQ in Chromium with axe-core: a citizen finds an answer and votes; the front desk answers a
caller after two typed characters."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from servq.faq import services
from servq.faq.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_citizen_searches_the_faq_and_the_front_desk_answers_in_two_keystrokes(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    cache.clear()
    keeper = user_with_role(agency_tree["mof"], "coordinator", username="mof")
    entry = services.save_entry(
        by=keeper,
        agency=agency_tree["mof"],
        question="綜合所得稅可以線上申報嗎？",
        answer="可以，使用網路申報或報稅軟體。",
        published=True,
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/faq/")
    page.get_by_label("搜尋常見問題").fill("申報")
    page.get_by_role("button", name="搜尋", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=entry.question).is_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("^有幫助")).click()
    page.wait_for_load_state()
    assert "謝謝您的回饋" in page.content() and Entry.objects.get().helpful == 1
    login("mof")
    page.goto(f"{live_server.url}/faq/desk/")
    # htmx (a deferred script) must be running before typing, or the keystrokes send nothing.
    page.wait_for_function("window.htmx !== undefined && document.readyState === 'complete'")
    assert page.evaluate("document.activeElement.id") == "desk-q", "the search box has focus"
    page.keyboard.type("線上")  # two keystrokes
    page.get_by_role("heading", name=entry.question).wait_for()
    assert axe_violations(page) == []
    assert page.evaluate("document.body.scrollWidth") <= width
