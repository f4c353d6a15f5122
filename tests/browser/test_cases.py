"""Citizen and staff case pages in Chromium, with axe-core."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from servq.cases.models import Case, CaseCategory
from servq.cases.services import load_default_categories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look_up(page, live_server, number: str, password: str) -> None:
    """The citizen's query: the case number and its password on 案件查詢."""
    page.goto(f"{live_server.url}/cases/track/")
    page.get_by_label("案號").fill(number)
    page.get_by_label("查詢密碼").fill(password)
    page.get_by_role("button", name="查詢").click()
    page.wait_for_load_state()


def test_a_citizen_files_and_tracks_a_case_and_staff_see_it(
    page, live_server, login, agency_tree, user_with_role, axe_violations
):
    cache.clear()
    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.update(agency=agency_tree["mof"])
    page.goto(f"{live_server.url}/cases/new/")
    assert axe_violations(page) == []
    page.get_by_label("類別").select_option(label="報修")
    page.get_by_label("內容").fill("中山路二段路燈不亮")
    page.get_by_label("電子郵件").fill("ming@example.tw")
    page.get_by_role("button", name="送出").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert case.number in page.content()
    password = page.locator("code").first.inner_text()
    assert axe_violations(page) == []
    look_up(page, live_server, case.number, password)
    assert "已收件" in page.content()
    assert axe_violations(page) == []
    user_with_role(agency_tree["mof"], "coordinator", username="lin")
    login("lin")
    for path in ["/cases/", f"/cases/{case.number}/", "/cases/analytics/", "/cases/intake/"]:
        page.goto(live_server.url + path)
        assert axe_violations(page) == [], path
    user_with_role(agency_tree["root"], "supervisor", username="rdec")
    page.context.clear_cookies()
    login("rdec")
    page.goto(live_server.url + "/cases/configuration/")
    assert "處理期限" in page.content()
    assert axe_violations(page) == []


def test_a_citizen_places_a_repair_on_the_map_and_keeps_the_number(
    page, live_server, agency_tree, settings, axe_violations, login, user_with_role
):
    """Issue 14.13: the map where the operator allows one (tiles from servq's own origin here, so the
    Content-Security-Policy holds), the place kept with the case, and 「列印本頁」 on the received page."""
    cache.clear()
    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.update(agency=agency_tree["mof"])
    settings.SERVQ_MAP_TILES = (
        f"{live_server.url}/static/servq/leaflet-1.9.4/images/marker-shadow.png?{{z}}/{{x}}/{{y}}"
    )
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/cases/new/")
        page.locator("#case-map").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []
    page.get_by_label("類別").select_option(label="報修")
    page.get_by_label("內容").fill("這裡的路燈不亮")
    page.locator("#case-map").click(position={"x": 120, "y": 100})
    assert page.locator("#map-chosen").inner_text().startswith("已選位置：")
    # 「使用我的位置」 (issue 33.9) asks the browser, only when pressed.
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 25.0375, "longitude": 121.5637})
    page.get_by_role("button", name="使用我的位置").click()
    expect(page.locator("#map-chosen")).to_have_text("已選位置：25.037500, 121.563700")
    page.get_by_role("button", name="送出").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert (case.lat, case.long) == (Decimal("25.037500"), Decimal("121.563700"))
    assert page.get_by_role("button", name="列印本頁").is_visible()
    # Staff see where it was placed (issue 33.9).
    user_with_role(agency_tree["mof"], "coordinator", username="lin")
    login("lin")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.locator("#case-place .leaflet-marker-icon").wait_for()
    assert axe_violations(page) == []


@pytest.mark.parametrize("width", [1366, 390])
def test_a_drafted_reply_survives_assigning_the_case(
    page, live_server, login, agency_tree, user_with_role, width
):
    """Issue 33.3: a reply half written was lost when 分派 (another form on the page) was pressed."""
    from servq.cases import services

    cache.clear()
    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.update(agency=agency_tree["mof"])
    case, _ = services.submit_case(
        channel="web", body=agency_tree["root"], category=CaseCategory.objects.first(), description="路燈不亮"
    )
    user_with_role(agency_tree["mof"], "coordinator", username="lin")
    page.set_viewport_size({"width": width, "height": 900})
    login("lin")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.get_by_label("回覆內容").fill("您好，已派員於三日內修復。")
    page.get_by_role("button", name="分派", exact=True).click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.state == "assigned"
    assert page.get_by_label("回覆內容").input_value() == "您好，已派員於三日內修復。"
    page.get_by_label("回覆後本案即結案", exact=False).check()  # it says what happens, and to whom
    page.get_by_role("button", name="回覆結案").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.state == "closed" and case.reply == "您好，已派員於三日內修復。"
    page.goto(f"{live_server.url}/cases/{case.number}/")  # sent: the draft is gone with it
    assert page.get_by_label("外撥滿意度（1–5）").count() == 1


def test_on_a_phone_a_refused_form_opens_on_what_to_fix_and_keeps_the_photo(
    page, live_server, agency_tree, axe_violations, tmp_path
):
    """Issue 33.3: on a phone the error sat below the fold while the page returned to the top, and
    the photo chosen was gone."""
    from tests.cases.test_views import jpeg_with_location

    cache.clear()
    load_default_categories(by=None, body=agency_tree["root"])
    CaseCategory.objects.update(agency=agency_tree["mof"])
    photo = tmp_path / "路燈.jpg"
    photo.write_bytes(jpeg_with_location())
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("類別").select_option(label="報修")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_role("button", name="送出").click()  # 內容 forgotten
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible() and summary.evaluate("element => element === document.activeElement")
    box = summary.bounding_box()
    assert box is not None and -1 < box["y"] < 700, "the summary is on screen (to the sub-pixel)"
    assert "已保留您選的附件：路燈.jpg" in page.content()
    assert axe_violations(page) == []
    summary.get_by_role("link").first.click()  # the summary's link goes to the field
    page.get_by_label("內容").fill("中山路二段路燈不亮")
    page.get_by_role("button", name="送出").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert case.attachments.count() == 1 and case.number in page.content()


@pytest.mark.parametrize("width", [1366, 390])
def test_an_applicant_sends_documents_answers_a_correction_online_and_receives_the_decision(
    page, live_server, login, agency_tree, user_with_role, axe_violations, tmp_path, width
):
    """Issue 33.8: an online application could attach nothing; after staff asked for a 補正 the
    query page said 待民眾補充 with no way to answer; an application ended with no decision."""
    from servq.services.services import Document, ServiceData, save_service
    from tests.cases.test_corrections_and_decisions import png

    cache.clear()
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="lin")
    service = save_service(
        by=coordinator,
        agency=agency_tree["mof"],
        data=ServiceData(
            code="tax-certificate",
            name="納稅證明書申請",
            time_limit="3個工作天",
            channels=["online"],
            online_level=3,
            documents=[Document("身分證正反面影本")],
            published=True,
        ),
    )
    scan = tmp_path / "身分證.png"
    scan.write_bytes(png())
    page.set_viewport_size({"width": width, "height": 900})

    def no_overflow() -> None:
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    page.goto(f"{live_server.url}/services/{service.pk}/apply/")
    assert "身分證正反面影本" in page.content()
    page.get_by_label("申請事項說明").fill("申請114年度綜合所得稅納稅證明")
    page.get_by_label("電子郵件").fill("ming@example.tw")
    page.get_by_label("應備文件").set_input_files(str(scan))
    no_overflow()
    assert axe_violations(page) == []
    page.get_by_role("button", name="送出申請").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert [a.name for a in case.attachments.all()] == ["身分證.png"]
    password = page.locator("code").first.inner_text()

    login("lin")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.get_by_role("button", name="分派", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("button", name="開始處理").click()
    page.wait_for_load_state()
    page.get_by_label("請民眾補充的資料").fill("影本不清楚，請重新上傳身分證背面")
    page.get_by_role("button", name="請民眾補充").click()
    page.wait_for_load_state()
    page.context.clear_cookies()

    look_up(page, live_server, case.number, password)
    assert "影本不清楚，請重新上傳身分證背面" in page.content()
    page.get_by_label("補正說明").fill("已重新掃描背面")
    page.get_by_label("補正檔案").set_input_files(str(scan))
    no_overflow()
    assert axe_violations(page) == []
    page.get_by_role("button", name="送出補正").click()
    page.wait_for_load_state()
    assert "已收到您的補正" in page.content() and "民眾補正：已重新掃描背面" in page.content()
    case.refresh_from_db()
    assert case.state == "in_progress" and case.attachments.count() == 2

    login("lin")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.get_by_label("審查結果", exact=True).select_option(label="駁回")
    assert "訴願" in page.get_by_label("救濟方法（駁回時寄給申請人）").input_value()
    page.get_by_label("審查結果說明（理由）").fill("查無該年度所得資料")
    page.get_by_label("回覆後本案即結案", exact=False).check()
    page.get_by_role("button", name="回覆結案").click()
    page.wait_for_load_state()
    page.context.clear_cookies()

    look_up(page, live_server, case.number, password)
    assert "審查結果：駁回" in page.content() and "查無該年度所得資料" in page.content()
    assert (
        "訴願"
        in page.get_by_role("heading", name="救濟方法").locator("xpath=following-sibling::p[1]").inner_text()
    )
    no_overflow()
    assert axe_violations(page) == []
