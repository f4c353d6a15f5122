"""One inspection in Chromium with axe-core: from the priority list through scoring, approval,
findings, a subordinate's reply through its 主管機關, a return and a closing."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.utils import timezone

from servq.inspections import services
from servq.inspections.models import Finding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visit_from_the_priority_list_to_a_closed_finding(
    page, live_server, login, agency_tree, user_with_role, axe_violations
):
    cache.clear()
    inspector = user_with_role(agency_tree["root"], "supervisor", username="rdec")
    user_with_role(agency_tree["root"], "head", username="minister")
    user_with_role(agency_tree["mof"], "coordinator", username="mof")
    user_with_role(agency_tree["ntbt"], "coordinator", username="ntbt")
    services.save_criteria(
        by=inspector,
        body=agency_tree["root"],
        name="服務品質考核",
        lines="A1｜服務流程｜10｜2\nA2｜服務禮儀｜10｜1",
    )
    services.note_criticism(
        by=inspector,
        body=agency_tree["root"],
        agency=agency_tree["ntbt"],
        noted_on=timezone.localdate(),
        source="地方新聞",
        note="退稅查詢電話難以接通",
    )

    login("rdec")
    page.goto(f"{live_server.url}/inspections/plans/new/")
    assert axe_violations(page) == []
    page.get_by_label("名稱").fill("115年度服務品質實地考核")
    page.get_by_role("button", name="產生優先順序").click()
    page.wait_for_load_state()
    first = page.get_by_role("row").nth(1).inner_text()
    assert "臺北國稅局" in first and "曾受媒體或民眾批評" in first, (
        "the agency criticised comes first, with why"
    )
    assert axe_violations(page) == []

    page.get_by_role("link", name="依本計畫安排訪查").click()
    page.get_by_label("訪查日期").fill(timezone.localdate().strftime("%Y-%m-%d"))
    page.get_by_label("臺北國稅局").check()
    page.get_by_label("評核項目").select_option(label="服務品質考核（第1版）")
    page.get_by_role("button", name="建立訪查").click()
    page.wait_for_load_state()
    assert axe_violations(page) == []

    page.get_by_role("link", name=re.compile("評分.*臺北國稅局")).click()
    page.get_by_label("分數").first.fill("8")
    page.get_by_label("意見").first.fill("流程已簡化")
    page.get_by_label("分數").nth(1).fill("9")
    page.get_by_text("已自動儲存").wait_for()  # saved as typed, before the button is pressed
    page.wait_for_load_state("networkidle")
    assert axe_violations(page) == []
    page.get_by_role("button", name="儲存評分").click()
    page.wait_for_load_state()
    assert "已儲存評分" in page.content()
    page.get_by_label(re.compile("缺失或建議事項.*臺北國稅局")).fill("退稅查詢專線尖峰時段接通率偏低")
    page.get_by_role("button", name=re.compile("新增.*臺北國稅局")).click()
    page.wait_for_load_state()
    page.get_by_label("核定人").select_option(label="minister")
    page.get_by_role("button", name="送陳核").click()
    page.wait_for_load_state()
    visit_url = page.url

    page.context.clear_cookies()
    login("minister")
    page.goto(visit_url)
    page.get_by_role("button", name="核定").click()
    assert "已核定" not in page.get_by_text("狀態").locator("xpath=following-sibling::dd[1]").inner_text(), (
        "unticked: not approved"
    )
    page.get_by_label("核定後報告內容即不能修改").check()
    page.get_by_role("button", name="核定").click()
    page.wait_for_load_state()

    page.context.clear_cookies()
    login("rdec")
    page.goto(visit_url)
    page.get_by_label("函送後受訪機關即收到缺失及建議事項，回復期限開始計算").check()
    page.get_by_role("button", name="函送受訪機關").click()
    page.wait_for_load_state()
    finding = Finding.objects.get()
    assert finding.reply_due is not None

    page.context.clear_cookies()
    login("mof")  # 財政部, the 主管機關, answers for 臺北國稅局
    page.goto(f"{live_server.url}/inspections/")
    page.get_by_role("link", name="退稅查詢專線尖峰時段接通率偏低").click()
    assert axe_violations(page) == []
    page.get_by_label("改善情形").fill("已督導臺北國稅局增設尖峰時段人力")
    page.get_by_role("button", name="送出回復").click()
    page.wait_for_load_state()
    assert "由主管機關代為回復" in page.content()

    page.context.clear_cookies()
    login("rdec")
    page.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    page.get_by_label("退回再改善").check()
    page.get_by_label("審查意見").fill("請附接通率統計")
    page.get_by_role("button", name="送出審查").click()
    page.wait_for_load_state()

    page.context.clear_cookies()
    login("ntbt")
    page.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    page.get_by_label("改善情形").fill("10 月尖峰接通率 92%，統計表如附")
    page.get_by_role("button", name="送出回復").click()
    page.wait_for_load_state()

    page.context.clear_cookies()
    login("rdec")
    page.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    page.get_by_role("radio", name="同意解除列管").check()
    page.get_by_role("button", name="送出審查").click()  # 解除列管 not confirmed: refused, said why
    page.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.state != "closed" and "同意解除列管前請勾選確認" in page.inner_text("main")
    page.get_by_role("radio", name="同意解除列管").check()
    page.get_by_label("選「同意解除列管」時請勾選", exact=False).check()
    page.get_by_role("button", name="送出審查").click()
    page.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.state == "closed" and finding.replies.count() == 2
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/inspections/board/")
    assert axe_violations(page) == []
    assert page.evaluate("document.body.scrollWidth") <= 390
