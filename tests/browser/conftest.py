"""Real-browser tests: Debian's Chromium driven by Playwright, accessibility checked with axe-core.

Without /usr/bin/chromium these tests skip with a reason, except under CI=true where a missing
browser fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The same browser flags and WCAG 2.1 A/AA tags as servq's own accessibility audit.
from servq.webcheck.a11y import CHROMIUM_ARGS
from servq.webcheck.a11y import WCAG_TAGS as WCAG_AA_TAGS

CHROMIUM = Path(os.environ.get("SERVQ_CHROMIUM", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make are still
# synchronous, so Django's async-safety guard is lifted for browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _serialize_requests_on_a_shared_sqlite_connection() -> None:
    """On the SQLite pass every live-server thread shares the test's one in-memory connection, and
    two requests at once (an htmx autosave fired by the blur of a field as its form is submitted)
    interleave on it: 「cannot release savepoint - SQL statements in progress」. A real deployment has
    a connection per thread (and PostgreSQL), so only the test server takes one request at a time."""
    import threading

    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.test.testcases import LiveServerThread

    class OneRequestAtATime(ThreadedWSGIServer):
        def set_app(self, application):
            if not self.connections_override:
                return super().set_app(application)
            lock = threading.Lock()

            def serialized(environ, start_response):
                with lock:  # the body is read, and the response closed, inside the lock
                    response = application(environ, start_response)
                    try:
                        return list(response)
                    finally:
                        if hasattr(response, "close"):
                            response.close()

            return super().set_app(serialized)

    LiveServerThread.server_class = OneRequestAtATime


_serialize_requests_on_a_shared_sqlite_connection()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing and CI=true: install Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    """A fresh page; any Content-Security-Policy violation during the test fails it (an inline
    script or style that slipped into a template would be blocked for real users)."""
    context = chromium.new_context(locale="zh-TW", timezone_id="Asia/Taipei")
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    context.close()
    assert refused == [], "the Content-Security-Policy blocked something on a servq page"


@pytest.fixture
def axe_violations():
    """Runs axe-core (WCAG 2.1 A/AA rules) on the page and returns its violations, readable."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
            for v in results.response["violations"]
        ]

    return check


@pytest.fixture
def login(page, live_server):
    def sign_in(username, password="servq-test-pass"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("帳號").fill(username)
        page.get_by_label("密碼").fill(password)
        page.get_by_role("button", name="登入").click()
        page.wait_for_load_state()

    return sign_in
