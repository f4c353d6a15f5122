"""axe-core in headless Chromium on a checked site's pages, reduced to WCAG 2.1 A / AA findings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone

from servq.webcheck import services
from servq.webcheck.models import PageFreshness, Site, SiteCheck
from tests.webcheck.conftest import html, threaded_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    """The operator allows 127.0.0.1, where these tests serve the pages (and nothing else internal)."""
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture(autouse=True)
def chromium_present(settings):
    if not Path(settings.SERVQ_CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{settings.SERVQ_CHROMIUM} is missing and CI=true")
        pytest.skip("no Chromium here")


def audited(agency, pages: list[str]) -> SiteCheck:
    """A finished check of a site whose pages were these, and its accessibility audit run."""
    site = Site.objects.create(agency=agency, name="測試", start_url=pages[0], allow_private=True)
    run = SiteCheck.objects.create(site=site, status="done", finished_at=timezone.now())
    PageFreshness.objects.bulk_create([PageFreshness(check_run=run, url=url) for url in pages])
    services.run_accessibility(check=run, pages=len(pages))
    return run


def test_violations_are_stored_by_rule_and_level_and_counted(agency_tree):
    pages = {
        "/": html('<main><h1>首頁</h1><img src="/logo.png"><a href="/ok.html">好</a></main>'),
        "/ok.html": html('<main><h1>好頁</h1><img src="/logo.png" alt="標誌"></main>'),
        "/logo.png": html(""),
    }
    with threaded_site(pages) as base:
        run = audited(agency_tree["mof"], [base + "/", base + "/ok.html"])
    findings = {(f.page.removeprefix(base), f.rule, f.level) for f in run.a11y_findings.all()}
    assert ("/", "image-alt", "A") in findings
    assert not any(page == "/ok.html" and rule == "image-alt" for page, rule, _ in findings)
    run.refresh_from_db()
    assert run.a11y_violations >= 1


def test_the_audit_browser_cannot_reach_an_internal_address_a_page_points_at(agency_tree):
    """A checked page's image, script and frame on 127.0.0.2 (internal, not allowed) are never fetched."""
    asked = []

    async def inside(request):
        asked.append(request.path)
        return await html("secret")(request)

    with threaded_site({"/{tail:.*}": inside}, host="127.0.0.2") as internal:
        page = (
            f'<main><h1>頁</h1><img alt="x" src="{internal}/img.png"><script src="{internal}/s.js"></script>'
            f'<iframe title="f" src="{internal}/frame"></iframe></main>'
        )
        with threaded_site({"/": html(page)}) as base:
            run = audited(agency_tree["mof"], [base + "/"])
    assert asked == []
    assert not run.a11y_findings.filter(rule="page-not-checked").exists()


def test_a_name_that_turns_internal_after_the_check_reaches_nothing(agency_tree, monkeypatch):
    """DNS rebinding: 「rebind.example」 looks public when checked, then resolves to 127.0.0.2 (internal,
    not allowed). Chromium is told to resolve it there too, as a rebinding server would make it; the
    audit browser still reaches nothing, because it never connects by itself."""
    import socket

    from aiohttp.resolver import ThreadedResolver

    from servq.webcheck import a11y
    from servq.webcheck.crawler.fetch import AddressGuard

    asked = []

    async def inside(request):
        asked.append(request.path)
        return await html("secret")(request)

    real_resolve, real_check = ThreadedResolver.resolve, AddressGuard._check

    async def resolve(self, host, port=0, family=socket.AF_INET):
        if host == "rebind.example":  # the connection's own lookup: internal
            return [
                {
                    "hostname": host,
                    "host": "127.0.0.2",
                    "port": port,
                    "family": family,
                    "proto": 0,
                    "flags": 0,
                }
            ]
        return await real_resolve(self, host, port, family)

    async def check(self, host):
        return None if host == "rebind.example" else await real_check(self, host)  # the check: public

    monkeypatch.setattr(ThreadedResolver, "resolve", resolve)
    monkeypatch.setattr(AddressGuard, "_check", check)
    monkeypatch.setattr(
        a11y, "CHROMIUM_ARGS", [*a11y.CHROMIUM_ARGS, "--host-resolver-rules=MAP rebind.example 127.0.0.2"]
    )
    with threaded_site({"/{tail:.*}": inside}, host="127.0.0.2") as internal:
        port = internal.rsplit(":", 1)[1]
        page = f'<main><h1>頁</h1><img alt="x" src="http://rebind.example:{port}/img.png"></main>'
        with threaded_site({"/": html(page)}) as base:
            run = audited(agency_tree["mof"], [base + "/"])
    assert asked == []
    assert not run.a11y_findings.filter(rule="page-not-checked").exists()
