"""The service catalogue in Chromium with axe-core: a citizen finds a service, downloads its form
and follows an application; a clerk takes one for another agency; a supervisor sees the board move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from servq.cases import services as case_services
from servq.cases.models import Case
from servq.services import services
from servq.services.services import Document, ServiceData

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def service(agency_tree, user_with_role):
    cache.clear()
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="lin")
    return services.save_service(
        by=coordinator,
        agency=agency_tree["mof"],
        data=ServiceData(
            code="tax-certificate",
            name="納稅證明書申請",
            time_limit="3個工作天",
            summary="申請綜合所得稅納稅證明",
            channels=["counter", "online"],
            online_level=3,
            documents=[
                Document("身分證正本"),
                Document("戶籍謄本", e_check=True, e_source="內政部戶役政資訊系統"),
            ],
            steps="櫃檯人員：受理並核對身分（即時）\n承辦人：查調稅籍資料並製發證明（2個工作天）\n課長：核定",
            published=True,
        ),
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_a_citizen_finds_a_service_downloads_its_form_and_follows_the_application(
    page, live_server, service, axe_violations, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/services/")
    page.get_by_label("搜尋服務").fill("納稅")
    page.get_by_role("button", name="搜尋").click()
    page.get_by_role("link", name="納稅證明書申請").click()
    page.wait_for_load_state()
    assert page.get_by_role("img", name="納稅證明書申請作業流程圖").is_visible()
    assert axe_violations(page) == [], "the page and its SOP flowchart pass axe-core"
    with page.expect_download() as download:
        page.get_by_role("link", name="下載申請書（ODT）").click()
    assert download.value.suggested_filename == "納稅證明書申請申請書.odt"
    page.get_by_role("link", name="線上申辦").click()
    page.get_by_label("申請事項說明").fill("申請114年度綜合所得稅納稅證明")
    page.get_by_label("電子郵件").fill("ming@example.tw")
    page.get_by_role("button", name="送出申請").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    password = page.locator("code").first.inner_text()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/cases/track/")
    page.get_by_label("案號").fill(case.number)
    page.get_by_label("查詢密碼").fill(password)
    page.get_by_role("button", name="查詢").click()
    page.wait_for_load_state()
    assert "已收件" in page.content() and "納稅證明書申請" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing wider than the screen"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_clerk_takes_an_application_for_another_agency_and_the_supervisor_sees_the_rate_move(
    page, live_server, login, agency_tree, user_with_role, service, axe_violations, width
):
    page.set_viewport_size({"width": width, "height": 900})
    user_with_role(agency_tree["moea_unit"], "unit_staff", username="clerk")
    login("clerk")
    page.goto(f"{live_server.url}/services/counter/")
    assert axe_violations(page) == []
    page.get_by_label("服務項目").select_option(label="納稅證明書申請（財政部）")
    page.get_by_label("申請事項說明").fill("民眾於經濟部櫃檯申請納稅證明")
    page.get_by_label("申請人姓名").fill("王小明")
    page.get_by_role("button", name="收件").click()
    page.wait_for_load_state()
    assert "請將案號與查詢密碼告知民眾" in page.content()
    case = Case.objects.get()
    assert case.agency == agency_tree["mof"]
    assert case.events.get().kind == "handed_over"

    page.context.clear_cookies()
    user_with_role(agency_tree["root"], "supervisor", username="rdec")
    login("rdec")
    page.goto(f"{live_server.url}/services/board/")
    row = page.get_by_role("row", name="納稅證明書申請")
    assert "—" in row.inner_text(), "nothing closed or overdue yet: no rate"
    assert axe_violations(page) == []
    Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    page.reload()
    assert "0.0%" in page.get_by_role("row", name="納稅證明書申請").inner_text()
    other, _ = services.take_application(
        by=user_with_role(agency_tree["mof"], "coordinator"),
        counter=agency_tree["mof"],
        service=service,
        description="乙",
    )
    case_services.reply(
        by=user_with_role(agency_tree["root"], "supervisor"), case=other, outcome="approved", text="已核發"
    )
    page.reload()
    assert "50.0%" in page.get_by_role("row", name="納稅證明書申請").inner_text()
    assert page.evaluate("document.body.scrollWidth") <= width, (
        "the board scrolls inside its table, not the page"
    )


def test_a_coordinator_keeps_the_catalogue_without_losing_typed_text(
    page, live_server, login, service, axe_violations
):
    login("lin")
    page.goto(f"{live_server.url}/services/manage/")
    assert axe_violations(page) == []
    page.get_by_label("代碼").fill("refund")
    page.get_by_label("服務名稱").fill("退稅申請")
    page.get_by_label("處理期限").fill("儘速")
    page.get_by_label("作業流程（SOP）").fill("承辦人：審核")
    page.get_by_role("button", name="新增").click()
    page.wait_for_load_state()
    assert "看不懂" in page.content()
    assert page.get_by_label("服務名稱").input_value() == "退稅申請"
    assert page.get_by_label("作業流程（SOP）").input_value() == "承辦人：審核"
    page.get_by_label("處理期限").fill("30日")
    page.get_by_role("button", name="新增").click()
    page.wait_for_load_state()
    assert "已新增服務項目「退稅申請」" in page.content()
    assert axe_violations(page) == []
