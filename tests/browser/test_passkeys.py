"""Passkeys as the second factor, in Chromium with its virtual authenticator (issue 34.6): a person
adds one, and the next sign-in is finished by it instead of a typed code; at 1366 and 390 px."""

from __future__ import annotations

import pytest

from servq.agencies.models import Passkey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def virtual_authenticator(page) -> None:
    """Chromium's own WebAuthn test authenticator: a platform authenticator that always verifies."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


@pytest.mark.parametrize("width", [1366, 390])
def test_a_coordinator_adds_a_passkey_and_signs_in_with_it(
    page, live_server, login, agency_tree, user_with_role, axe_violations, width
):
    coordinator = user_with_role(agency_tree["mof"], "coordinator", username="lin", first_name="林聯絡人")
    page.set_viewport_size({"width": width, "height": 900})
    virtual_authenticator(page)
    login("lin")
    page.goto(f"{live_server.url}/accounts/2fa/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="新增通行金鑰").click()
    page.locator("#passkeys-h ~ ul li").wait_for()  # the page reloads with the new passkey listed
    assert Passkey.objects.filter(user=coordinator, confirmed=True).count() == 1
    assert page.evaluate("document.body.scrollWidth") <= width

    page.get_by_role("button", name="登出").click()
    page.wait_for_load_state()
    login("lin")
    page.goto(f"{live_server.url}/people/")
    assert "/accounts/2fa/verify/" in page.url
    assert axe_violations(page) == []
    page.get_by_role("button", name="使用通行金鑰").click()
    page.wait_for_url(f"{live_server.url}/people/")
    assert Passkey.objects.get(user=coordinator).last_used_at is not None
