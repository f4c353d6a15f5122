"""Accessibility checks: axe-core in headless Chromium, reduced to WCAG 2.1 A / AA findings.

The checked site's scripts run only inside that throwaway browser — a fresh context with no servq
cookies, downloads refused, non-web schemes blocked — never in servq's own pages.
"""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from servq.core.addresses import AddressPolicy
from servq.webcheck import rules

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


def audit_pages(urls: list[str], policy: AddressPolicy) -> list[Finding]:
    """Findings for every page, in a thread of its own (Playwright's sync API needs a thread without a loop).

    Every request the browser makes (the page, its scripts, images, frames, each redirect hop)
    passes the address policy first: a checked page cannot make servq's worker fetch from inside."""
    chromium = Path(settings.SERVQ_CHROMIUM)
    if not chromium.exists():
        raise BrowserMissing(f"{chromium} is missing (SERVQ_CHROMIUM); install Debian's chromium")
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_audit, urls, str(chromium), policy).result()


def _audit(urls: list[str], chromium: str, policy: AddressPolicy) -> list[Finding]:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe = Axe()
    findings: list[Finding] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for url in urls:
                context = browser.new_context(accept_downloads=False, java_script_enabled=True)
                context.route("**/*", _only_public_web(policy, refused_hosts={}))
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


def _only_public_web(policy: AddressPolicy, refused_hosts: dict[str, bool]) -> Any:
    """A route handler letting through data: URLs and http(s) to hosts the policy permits."""

    def handle(route: Any, request: Any) -> None:
        url = request.url
        if url.startswith("data:"):
            route.continue_()
            return
        host = (urlsplit(url).hostname or "").lower() if url.startswith(("http://", "https://")) else ""
        if host and host not in refused_hosts:
            refused_hosts[host] = policy.refused_address_of_host(host) is not None
        if host and not refused_hosts[host]:
            route.continue_()
        else:
            route.abort("blockedbyclient")

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
