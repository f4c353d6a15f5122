"""Staff sign in with the government's accounts (issue 34.5), in Chromium, through a real OpenID
Connect provider: node-oidc-provider (tests/oidc/provider.mjs, installed by ``make test`` from
tests/oidc/package-lock.json), with PKCE, state and nonce.

Needs Node.js and the provider's packages; without them these tests skip with the reason, except
under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth import get_user_model
from django.core.cache import cache

from servq.agencies import services
from servq.agencies.models import Invitation, Membership
from servq.webcheck.a11y import CHROMIUM_ARGS  # noqa: F401  (the flags the shared browser runs with)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "servq-test", "servq-test-secret-of-enough-length"


def _needs(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing and CI=true")
    pytest.skip(f"{what} is missing")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def provider(live_server, settings):
    """The provider on a free port, servq configured for it as an operator would (issuer, client
    id and secret; everything else from discovery)."""
    node = shutil.which("node")
    if node is None:
        _needs("node (Debian's nodejs package)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        _needs("tests/oidc/node_modules (npm ci --prefix tests/oidc)")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            node,
            "provider.mjs",
            str(port),
            CLIENT_ID,
            CLIENT_SECRET,
            f"{live_server.url}/accounts/oidc/callback/",
        ],
        cwd=PROVIDER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).raise_for_status()
            break
        except requests.RequestException:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"the OpenID provider did not start: {process.stdout.read().decode()[-2000:]}")
            time.sleep(0.2)
    settings.SERVQ_OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "servq.portal.oidc.GovernmentAccountBackend",
    ]
    cache.clear()
    yield issuer
    process.kill()
    process.wait(timeout=10)


@pytest.fixture
def browser_page(chromium):
    context = chromium.new_context(locale="zh-TW", timezone_id="Asia/Taipei")
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in_with_government_account(page, live_server, email: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="以公務帳號登入").click()
    page.locator("input[name=login]").fill(email)  # the provider's own screen
    page.locator("input[name=password]").fill("any")
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    if not page.url.startswith(live_server.url):  # the provider asks to consent once
        page.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.wait_for_load_state()


@pytest.mark.parametrize("width", [1366, 390])
def test_a_coordinator_signs_in_with_the_government_account(
    browser_page, live_server, provider, agency_tree, user_with_role, axe_violations, width
):
    coordinator = user_with_role(
        agency_tree["mof"], "coordinator", email="lin@mof.gov.tw", first_name="林聯絡人"
    )
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    assert axe_violations(page) == []
    assert page.evaluate("document.body.scrollWidth") <= width
    sign_in_with_government_account(page, live_server, "lin@mof.gov.tw")
    assert "/accounts/login/" not in page.url
    # Signed in as the coordinator: the people page (coordinators' and supervisors') opens.
    assert page.request.get(f"{live_server.url}/people/", max_redirects=0).status == 200
    assert get_user_model().objects.count() == 1 and coordinator.memberships.count() == 1


def test_an_invited_person_arrives_through_the_government_account(
    browser_page, live_server, provider, agency_tree, user_with_role
):
    supervisor = user_with_role(agency_tree["root"], "supervisor")
    services.invite(
        by=supervisor, email="new@mof.gov.tw", agency=agency_tree["mof"], role="head", name="新首長"
    )
    sign_in_with_government_account(browser_page, live_server, "new@mof.gov.tw")
    person = get_user_model().objects.get(email="new@mof.gov.tw")
    assert not person.has_usable_password()
    assert Membership.objects.filter(
        user=person, agency=agency_tree["mof"], role="head", granted_by=supervisor
    ).exists()
    assert Invitation.objects.get().accepted_by == person


@pytest.mark.parametrize(
    ("email", "said"),
    [
        ("stranger@example.gov.tw", "沒有帳號，也沒有待接受的邀請"),
        ("unverified-lin@mof.gov.tw", "未驗證電子郵件"),  # even with an invitation to that address
    ],
)
def test_an_unknown_or_unverified_person_is_refused_and_nothing_is_created(
    browser_page, live_server, provider, agency_tree, user_with_role, email, said
):
    supervisor = user_with_role(agency_tree["root"], "supervisor")
    services.invite(by=supervisor, email="unverified-lin@mof.gov.tw", agency=agency_tree["mof"], role="head")
    page = browser_page
    sign_in_with_government_account(page, live_server, email)
    assert "/accounts/login/" in page.url and said in page.content()
    assert list(get_user_model().objects.all()) == [supervisor]
    assert Invitation.objects.get().accepted_at is None


def test_a_callback_with_a_forged_state_is_refused(
    browser_page, live_server, provider, agency_tree, user_with_role
):
    user_with_role(agency_tree["mof"], "coordinator", email="lin@mof.gov.tw")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="以公務帳號登入").click()  # the session now holds a real state
    page.goto(f"{live_server.url}/accounts/oidc/callback/?code=stolen&state=forged")
    assert "/accounts/login/" in page.url and "登入驗證失敗" in page.content()
    assert page.request.get(f"{live_server.url}/people/", max_redirects=0).status == 302  # not signed in
