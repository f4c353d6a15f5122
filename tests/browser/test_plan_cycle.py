"""One plan from draft to published, as a coordinator and a supervisor would do it, in Chromium.

Every page on the way is checked with axe-core (WCAG 2.1 A/AA).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from servq.plans import services
from servq.plans.models import Plan, PlanCycle
from tests.factories import open_cycle

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cycle(agency_tree, user_with_role):
    boss = user_with_role(agency_tree["root"], "supervisor", username="boss", first_name="陳督導")
    user_with_role(agency_tree["mof"], "coordinator", username="lin", first_name="林聯絡人")
    return open_cycle(agency_tree, boss)


def add_item(page, text, deadline, units):
    form = page.locator("form.item-form").last
    form.get_by_label("項目內容").fill(text)
    form.get_by_label("完成期限").fill(deadline)
    form.get_by_label("承辦單位").fill(units)
    form.get_by_role("button", name="新增項目").click()
    page.get_by_role("cell", name=text, exact=True).wait_for()


def test_plan_from_draft_to_published(page, live_server, login, cycle, axe_violations):
    # The coordinator opens the cycle and starts the agency's draft.
    login("lin")
    page.goto(f"{live_server.url}/plans/cycles/{cycle.pk}/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="建立財政部的計畫草稿").click()
    page.wait_for_url("**/edit/")
    assert axe_violations(page) == []

    # Items are added inline; the deadline field says what it understood while typing.
    form = page.locator("form.item-form").last
    form.get_by_label("完成期限").fill("經常辦理")
    expect(form.locator("output")).to_contain_text("系統理解為")
    form.get_by_label("完成期限").fill("等長官決定")
    expect(form.locator("output")).to_contain_text("看不懂這個期限")
    add_item(page, "網站提供正確之連結資訊", "經常辦理", "秘書處")
    add_item(page, "建置常見問題集", "每季", "秘書處、資訊處")
    assert page.url.endswith("/edit/"), "adding an item must not reload the page"

    # Inline edit of one row.
    row = page.locator("tr", has_text="建置常見問題集")
    row.get_by_role("link", name="編輯").click()
    editor = page.locator("form.item-form", has=page.get_by_role("button", name="儲存"))
    editor.get_by_label("項目內容").fill("建置並每季更新常見問題集")
    editor.get_by_role("button", name="儲存").click()
    page.get_by_role("cell", name="建置並每季更新常見問題集", exact=True).wait_for()
    assert axe_violations(page) == []

    # Submitting an incomplete plan names what is missing; the basis came prefilled from the cycle.
    page.get_by_role("button", name="送審").click()
    page.wait_for_load_state()
    gaps = page.inner_text("main")
    assert "還不能送審" in gaps and "缺少「計畫目標」" in gaps and "計畫依據" not in gaps.split("。")[0]
    page.get_by_label("計畫目標").fill("網站資訊正確、常見問題即時更新")
    page.get_by_label("實施對象").fill("本部各單位")
    page.get_by_label("實施步驟").fill("1月底前訂定並公開於網站")
    page.get_by_label("管制考核").fill("每季填報辦理情形，每半年自行考核")
    page.get_by_label("獎勵方式").fill("績優人員依規定敘獎")
    page.get_by_role("button", name="儲存計畫本文").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="送審").click()
    page.wait_for_load_state()
    assert "已送審" in page.inner_text("main")
    page.get_by_role("button", name="登出").click()

    # The supervisor sees it on the board, reviews, and returns it with a comment on one item.
    login("boss")
    page.goto(f"{live_server.url}/plans/cycles/{cycle.pk}/")
    assert "已送審" in page.inner_text("main")
    page.get_by_role("link", name="審查").first.click()
    page.wait_for_url("**/review/")
    assert axe_violations(page) == []
    page.get_by_label("對此項目的意見：網站提供正確之連結資訊").fill("請寫明檢查頻率")
    page.get_by_label("整體審查意見").fill("請補充量化指標")
    page.get_by_role("button", name="退回修正").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="登出").click()

    # The coordinator sees the comments, resubmits.
    login("lin")
    plan = Plan.objects.get(agency__code="mof")
    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/")
    assert "請寫明檢查頻率" in page.inner_text("main")
    page.get_by_role("button", name="送審").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="登出").click()

    # The supervisor approves; the coordinator publishes.
    login("boss")
    page.goto(f"{live_server.url}/plans/{plan.pk}/review/")
    page.get_by_label("整體審查意見").fill("同意核定，請於公告後通知各單位")
    page.get_by_role("button", name="核定").click()  # not yet confirmed: refused, the comment kept
    page.wait_for_load_state()
    assert "核定前請勾選確認" in page.inner_text("main")
    page.get_by_label("整體審查意見").fill("同意核定，請於公告後通知各單位")
    page.get_by_label("核定時請勾選", exact=False).check()
    page.get_by_role("button", name="核定").click()
    page.wait_for_load_state()
    # The comment typed before 核定 goes with the decision (it was silently dropped before).
    assert plan.comments.filter(body="同意核定，請於公告後通知各單位").exists()
    page.get_by_role("button", name="登出").click()
    login("lin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/")
    # Publishing asks first, and says what becomes public.
    page.get_by_role("button", name="公告").click()
    assert Plan.objects.get(pk=plan.pk).status == "approved"  # the box is required: nothing sent
    page.get_by_label("公告後，任何人都能閱讀並下載本計畫全文").check()
    page.get_by_role("button", name="公告").click()
    page.wait_for_load_state()
    assert Plan.objects.get(pk=plan.pk).status == "published"
    page.get_by_role("button", name="登出").click()

    # A citizen reads it.
    page.goto(f"{live_server.url}/plans/")
    page.get_by_role("link", name=plan.title).click()
    assert "建置並每季更新常見問題集" in page.inner_text("main")
    assert axe_violations(page) == []


def test_keyboard_reaches_the_item_editor(page, live_server, login, cycle, agency_tree):
    plan = services.start_plan(by=None, cycle=cycle, agency=agency_tree["mof"])
    login("lin")
    page.goto(f"{live_server.url}/plans/{plan.pk}/edit/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "跳到主要內容"


def test_cycle_pages_pass_axe(page, live_server, login, cycle, axe_violations):
    login("boss")
    for path in ["/plans/cycles/", "/plans/cycles/new/"]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path


def test_review_versions_diff_search_and_item_pages_pass_axe(
    page, live_server, login, cycle, agency_tree, axe_violations
):
    from servq.plans.models import PlanItem

    coordinator = cycle.participants.get(code="mof").memberships.get(role="coordinator").user
    boss = cycle.agency.memberships.get(role="supervisor").user
    plan = services.start_plan(by=coordinator, cycle=cycle, agency=agency_tree["mof"])
    services.add_item(
        by=coordinator, plan=plan, text="網站無障礙檢測", deadline_raw="經常辦理", unit_names=["秘書處"]
    )
    plan.refresh_from_db()
    services.update_plan(
        by=coordinator,
        plan=plan,
        expected_lock=plan.lock_version,
        goals="網站無障礙",
        scope="本部",
        steps="1月底前訂定",
        oversight="每半年自行考核",
        rewards="依規定敘獎",
    )
    services.transition(by=coordinator, plan=plan, action="submit")
    login("boss")
    page.goto(f"{live_server.url}/plans/{plan.pk}/review/")
    assert axe_violations(page) == [], "review"
    services.transition(by=boss, plan=plan, action="approve")
    services.transition(by=coordinator, plan=plan, action="publish")
    v2 = services.transition(by=coordinator, plan=plan, action="revise", revision_note="新增項目")
    services.add_item(by=coordinator, plan=v2, text="新增電話禮貌測試", deadline_raw="每季")
    for path in [
        f"/plans/{v2.pk}/versions/",
        f"/plans/{v2.pk}/diff/?a={plan.pk}&b={v2.pk}",
        "/search/?q=網站",
        "/search/?q=" + "網" * 200,
    ]:
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    page.get_by_role("button", name="登出").click()
    login("lin")
    item = PlanItem.objects.filter(plan=v2).first()
    page.goto(f"{live_server.url}/plans/{v2.pk}/items/{item.pk}/edit/")
    assert axe_violations(page) == [], "item form page"


def test_each_role_starts_from_what_waits_for_it_and_hears_of_decisions(
    page, live_server, login, cycle, agency_tree, axe_violations
):
    """Issue 14.9 and 14.10 as the people walk them: the supervisor's home lists the plan to review,
    the return reaches the coordinator as a notice, and the coordinator's home lists the plan to fix."""
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    PlanCycle.objects.filter(pk=cycle.pk).update(
        submit_by=today + dt.timedelta(days=7),
        review_by=today + dt.timedelta(days=21),
        approve_by=today + dt.timedelta(days=40),
    )
    coordinator = cycle.participants.get(code="mof").memberships.get(role="coordinator").user
    plan = services.start_plan(by=coordinator, cycle=cycle, agency=agency_tree["mof"])
    services.add_item(
        by=coordinator, plan=plan, text="網站無障礙檢測", deadline_raw="經常辦理", unit_names=["秘書處"]
    )
    plan.refresh_from_db()
    services.update_plan(
        by=coordinator,
        plan=plan,
        expected_lock=plan.lock_version,
        goals="網站無障礙",
        scope="本部",
        steps="1月底前訂定",
        oversight="每半年自行考核",
        rewards="依規定敘獎",
    )
    services.transition(by=coordinator, plan=plan, action="submit")

    login("boss")
    todo = page.get_by_role("region", name="待審查的計畫")
    assert "財政部" in todo.inner_text() and "個工作日" in todo.inner_text()
    assert axe_violations(page) == []
    todo.get_by_role("link").first.click()
    page.wait_for_url("**/review/")
    page.get_by_label("整體審查意見").fill("請補充量化指標")
    page.get_by_role("button", name="退回修正").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="登出").click()

    login("lin")
    assert page.get_by_role("link", name="通知 1 則未讀").is_visible()
    assert "退回修正" in page.get_by_role("region", name="待撰寫、修正或公告的計畫").inner_text()
    page.get_by_role("link", name="通知 1 則未讀").click()
    assert "請補充量化指標" in page.inner_text("main")
    assert axe_violations(page) == []
    page.get_by_role("button", name="全部標示為已讀").click()
    assert page.get_by_role("link", name="通知", exact=True).is_visible()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_coordinator_imports_last_years_plan_by_its_address(
    page, live_server, login, cycle, settings, axe_violations, width
):
    """Pasting the plan's page address on the cycle board: a bad address is refused in Chinese, the
    real one becomes a draft with its items."""
    from tests.plans.importing.test_bad_input import SMALL_PLAN
    from tests.webcheck.conftest import status, threaded_site
    from tests.webcheck.test_fetching import text

    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    page.set_viewport_size({"width": width, "height": 900})
    login("lin")
    with threaded_site({"/plan.txt": text(SMALL_PLAN.encode()), "/gone": status(404)}) as base:
        page.goto(f"{live_server.url}/plans/cycles/{cycle.pk}/")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.get_by_label("或貼上計畫網頁、檔案的網址").fill(f"{base}/gone")
        page.get_by_role("button", name="匯入為草稿").click()
        page.wait_for_load_state()
        assert "網站回應 HTTP 404" in page.inner_text("main")
        assert axe_violations(page) == []
        page.get_by_label("或貼上計畫網頁、檔案的網址").fill(f"{base}/plan.txt")
        page.get_by_role("button", name="匯入為草稿").click()
        page.wait_for_url("**/edit/")
    assert "已由 plan.txt 匯入 2 個項目為草稿" in page.inner_text("main")
    assert page.get_by_role("cell", name="(一)建置常見問題集").count() >= 1
