"""Accessibility checks: axe-core in headless Chromium, reduced to WCAG 2.1 A / AA findings.

The checked site's scripts run only inside that throwaway browser — a fresh context with no servq
cookies, downloads refused, non-web schemes blocked — never in servq's own pages.
"""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from servq.webcheck import rules
from servq.webcheck.crawler.download import Refused, relay
from servq.webcheck.crawler.fetch import Limits
from servq.webcheck.services import run_async

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PAGE_TIMEOUT_MS = 20_000
RELAYED_BYTES = 10 * 1024 * 1024  # one response the audit browser is given, at most


class BrowserMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Finding:
    page: str
    rule: str
    level: str
    impact: str
    nodes: int
    help: str


def audit_pages(urls: list[str], limits: Limits) -> list[Finding]:
    """Findings for every page, in a thread of its own (Playwright's sync API needs a thread without a loop).

    Every request the browser makes (the page, its scripts, images, frames, each redirect hop) is
    made by servq under the address policy: a checked page cannot make servq's worker fetch from
    inside."""
    chromium = Path(settings.SERVQ_CHROMIUM)
    if not chromium.exists():
        raise BrowserMissing(f"{chromium} is missing (SERVQ_CHROMIUM); install Debian's chromium")
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_audit, urls, str(chromium), limits).result()


def _audit(urls: list[str], chromium: str, limits: Limits) -> list[Finding]:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    findings: list[Finding] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for url in urls:
                context = browser.new_context(accept_downloads=False, java_script_enabled=True)
                context.route("**/*", _only_public_web(limits))
                page = context.new_page()
                page.set_default_timeout(PAGE_TIMEOUT_MS)
                try:
                    page.goto(url, wait_until="load")
                    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
                    findings.extend(_findings(url, results.response.get("violations", [])))
                except Exception as error:  # one page that will not load must not end the audit
                    findings.append(
                        Finding(url, "page-not-checked", "", "", 0, f"{error.__class__.__name__}"[:300])
                    )
                finally:
                    context.close()
        finally:
            browser.close()
    return findings


def _only_public_web(limits: Limits) -> Any:
    """A route handler making every request the browser wants itself, through the address guard:
    data: URLs pass, http(s) is relayed (redirects go back to the browser and come here again), the
    rest is blocked. The browser never resolves a name or opens a connection of its own, so a name
    that turns private after a check (DNS rebinding) gets it nowhere."""

    def handle(route: Any, request: Any) -> None:
        url = request.url
        if url.startswith("data:"):
            route.continue_()
            return
        try:
            answer = run_async(
                relay(request.method, url, request.headers, request.post_data_buffer, limits, RELAYED_BYTES)
            )
        except Refused:
            route.abort("blockedbyclient")
            return
        route.fulfill(status=answer.status, headers=answer.headers, body=answer.body)

    return handle


def _findings(url: str, violations: list[dict[str, Any]]) -> list[Finding]:
    found = []
    for violation in violations:
        level = rules.wcag_level(violation.get("tags", []))
        if level is None:
            continue
        found.append(
            Finding(
                page=url,
                rule=str(violation.get("id", "")),
                level=level,
                impact=str(violation.get("impact") or ""),
                nodes=len(violation.get("nodes", [])),
                help=str(violation.get("help", "")),
            )
        )
    return found
