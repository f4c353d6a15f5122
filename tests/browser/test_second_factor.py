"""A second factor in Chromium with axe-core at 1366 and 390 px (issue 34.6): the body requires it,
the supervisor sets up an authenticator app after signing in, keeps the recovery codes, and is
asked for a code the next time."""

from __future__ import annotations

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from servq.agencies import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def code_now(user) -> str:
    device = TOTPDevice.objects.get(user=user)
    device.throttle_reset()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("width", [1366, 390])
def test_a_supervisor_sets_up_and_then_uses_a_second_factor(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    supervisor = user_with_role(agency_tree["root"], "supervisor", username="rdec", first_name="王督導")
    services.require_second_factor(by=None, body=agency_tree["root"], required=True)
    page.set_viewport_size({"width": width, "height": 900})
    login("rdec")
    page.goto(f"{live_server.url}/people/")
    assert page.url.endswith("/accounts/2fa/")  # nothing else before the factor is set up
    assert page.locator("figure.qr svg").count() == 1
    assert axe_violations(page) == []
    assert page.evaluate("document.body.scrollWidth") <= width
    page.get_by_label("驗證碼（6 位數字）").fill(code_now(supervisor))
    page.get_by_role("button", name="啟用雙重驗證").click()
    page.wait_for_load_state()
    assert page.locator("ol.recovery-codes li").count() == 10
    assert axe_violations(page) == []

    page.get_by_role("button", name="登出").click()
    page.wait_for_load_state()
    login("rdec")
    page.goto(f"{live_server.url}/people/")
    assert "/accounts/2fa/verify/" in page.url
    assert axe_violations(page) == []
    page.get_by_label("驗證碼或復原碼").fill(code_now(supervisor))
    page.get_by_role("button", name="驗證").click()
    page.wait_for_load_state()
    assert page.url.endswith("/people/")
