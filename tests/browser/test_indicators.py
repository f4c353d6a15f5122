"""Closing the loop in Chromium with axe-core, at desk and phone width: a coordinator keeps a record,
the indicator bound to it counts it, a correction needs a reason and keeps what was typed, and a
premises item marked for fixing waits on the coordinator's 待辦, is answered, and closed above."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from servq.inspections.models import Finding
from servq.plans.models import Indicator, IndicatorTarget
from servq.surveys import services as survey_services
from tests.factories import PlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_kept_record_fills_its_indicator_and_a_correction_needs_a_reason(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="mof")
    year = timezone.localdate().year
    plan = PlanFactory(agency=agency_tree["mof"], status="published", first_year=year, last_year=year)
    indicator = Indicator.objects.create(
        plan=plan, name="辦理研習場次", unit="場", measure_key="activities.training_sessions", position=0
    )
    IndicatorTarget.objects.create(indicator=indicator, year=year, value=Decimal(2))
    page.set_viewport_size({"width": width, "height": 900})
    login("mof")
    page.goto(f"{live_server.url}/records/training/?agency={agency_tree['mof'].pk}")
    page.get_by_label("研習名稱").fill("電話禮貌研習")
    page.get_by_label("辦理日期").fill(f"{year - 1911}/1/5")
    page.get_by_label("時數").fill("2")
    page.get_by_label("參加人數").fill("30")
    page.get_by_role("button", name="登錄", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("rowheader", name="電話禮貌研習").is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.body.scrollWidth") <= width

    page.goto(f"{live_server.url}/reporting/indicators/{indicator.pk}/")
    assert "1 場" in page.inner_text("main") and "未達成" in page.inner_text("main")
    page.get_by_label("更正值（場）").fill("3")
    page.get_by_role("button", name="儲存更正").click()
    page.wait_for_load_state()
    assert "請說明更正的理由" in page.inner_text("main")
    assert page.get_by_label("更正值（場）").input_value() == "3"  # nothing typed is lost
    page.get_by_label("更正理由").fill("另有 2 場由人事室辦理，未在本平台登錄")
    page.get_by_role("button", name="儲存更正").click()
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "另有 2 場由人事室辦理" in text and "3 場" in text
    assert axe_violations(page) == []
    assert page.evaluate("document.body.scrollWidth") <= width
    assert coordinator.pk  # the record and the correction are the coordinator's own


@pytest.mark.parametrize("width", [1366, 390])
def test_a_premises_item_to_fix_waits_on_the_coordinators_todo(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="mof")
    survey_services.record_premises_check(
        by=coordinator,
        agency=agency_tree["mof"],
        location="一樓服務台",
        on=timezone.localdate() - dt.timedelta(days=1),
        results={"bilingual": "fix"},
    )
    finding = Finding.objects.get()
    page.set_viewport_size({"width": width, "height": 900})
    login("mof")
    page.goto(f"{live_server.url}/")
    link = page.get_by_role("link", name="一樓服務台洽公環境檢查", exact=False).first
    assert link.is_visible()
    link.click()
    page.wait_for_load_state()
    assert "雙語標示" in page.inner_text("main")
    assert axe_violations(page) == []
    page.get_by_label("改善情形").fill("已增設英文標示牌")
    page.get_by_role("button", name="送出回復").click()
    page.wait_for_load_state()

    user_with_role(agency_tree["root"], "supervisor", username="rdec")
    page.context.clear_cookies()
    login("rdec")
    page.goto(f"{live_server.url}/inspections/findings/{finding.pk}/")
    page.get_by_role("radio", name="同意解除列管").check()
    page.get_by_label("選「同意解除列管」時請勾選", exact=False).check()
    page.get_by_role("button", name="送出審查").click()
    page.wait_for_load_state()
    finding.refresh_from_db()
    assert finding.state == "closed"
    assert axe_violations(page) == []
    assert page.evaluate("document.body.scrollWidth") <= width
