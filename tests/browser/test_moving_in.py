"""A body moves in, in Chromium with axe-core at 1366 and 390 px (issue 34): its supervisor imports
the agency list (preview, then confirm), invites a coordinator, who accepts the e-mailed link, sets
a password, adds a unit and invites its staff."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from servq.agencies import services
from servq.agencies.models import Agency, Invitation, Membership
from tests.agencies.test_tree_import import CITY
from tests.factories import AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-enough-passphrase-115"


def no_overflow(page, width):
    assert page.evaluate("document.body.scrollWidth") <= width


@pytest.mark.parametrize("width", [1366, 390])
def test_a_body_imports_its_tree_and_invites_its_people(
    page, live_server, login, user_with_role, axe_violations, tmp_path, width
):
    body = AgencyFactory(code="376440000H", name="新竹縣政府", kind="parent_body", parent=None)
    user_with_role(body, "supervisor", username="chen", first_name="陳督導")
    page.set_viewport_size({"width": width, "height": 900})
    login("chen")

    page.goto(f"{live_server.url}/agencies/import/")
    listed = tmp_path / "機關.csv"
    listed.write_bytes(CITY.encode("cp950"))
    page.get_by_label("機關清單檔").set_input_files(str(listed))
    page.get_by_role("button", name="預覽變更").click()
    page.wait_for_load_state()
    assert "新增 4 個機關或單位" in page.content() and Agency.objects.count() == 1
    assert axe_violations(page) == []
    no_overflow(page, width)
    page.get_by_label(re.compile("確認匯入：")).check()
    page.get_by_role("button", name="確認匯入").click()
    page.wait_for_load_state()
    assert Agency.objects.count() == 5 and "新增 4" in page.content()

    page.goto(f"{live_server.url}/people/")
    page.get_by_role("textbox", name="姓名", exact=True).fill("林聯絡人")
    page.get_by_role("textbox", name="電子郵件", exact=True).fill("lin@hsinchu.gov.tw")
    page.get_by_role("combobox", name="機關或單位").fill("新竹縣政府民政處")
    page.get_by_role("combobox", name="角色", exact=True).select_option(label="機關聯絡人")
    page.get_by_role("button", name="寄出邀請").click()
    page.wait_for_load_state()
    assert "已寄出邀請給 lin@hsinchu.gov.tw" in page.content()
    assert axe_violations(page) == []
    no_overflow(page, width)

    services.send_invitations_due()  # the worker's job
    link = re.search(r"http://\S+(/accounts/invitation/\S+/)", mail.outbox[-1].body).group(1)
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{link}")
    assert axe_violations(page) == []
    page.get_by_label("設定密碼").fill(PASSWORD)
    page.get_by_label("再輸入一次密碼").fill(PASSWORD)
    page.get_by_role("button", name="設定密碼並登入").click()
    page.wait_for_load_state()
    assert "歡迎使用 servq" in page.content()

    page.goto(f"{live_server.url}/agencies/376440100A/units/")
    page.get_by_label("單位名稱").fill("人事室")
    page.get_by_role("button", name="新增", exact=True).click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    no_overflow(page, width)
    page.goto(f"{live_server.url}/people/")
    page.get_by_role("textbox", name="姓名", exact=True).fill("王承辦")
    page.get_by_role("textbox", name="電子郵件", exact=True).fill("wang@hsinchu.gov.tw")
    page.get_by_role("combobox", name="機關或單位").fill("新竹縣政府民政處 › 人事室")
    page.get_by_role("combobox", name="角色", exact=True).select_option(label="承辦人員")
    page.get_by_role("button", name="寄出邀請").click()
    page.wait_for_load_state()
    assert Invitation.objects.filter(email="wang@hsinchu.gov.tw", role="unit_staff").exists()
    assert Membership.objects.filter(user__email="lin@hsinchu.gov.tw", role="coordinator").exists()
