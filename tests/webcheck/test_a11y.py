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
def chromium_present(settings):
    if not Path(settings.SERVQ_CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{settings.SERVQ_CHROMIUM} is missing and CI=true")
        pytest.skip("no Chromium here")


def test_violations_are_stored_by_rule_and_level_and_counted(agency_tree):
    pages = {
        "/": html('<main><h1>首頁</h1><img src="/logo.png"><a href="/ok.html">好</a></main>'),
        "/ok.html": html('<main><h1>好頁</h1><img src="/logo.png" alt="標誌"></main>'),
        "/logo.png": html(""),
    }
    with threaded_site(pages) as base:
        site = Site.objects.create(agency=agency_tree["mof"], name="測試", start_url=base + "/")
        run = SiteCheck.objects.create(site=site, status="done", finished_at=timezone.now())
        PageFreshness.objects.bulk_create(
            [
                PageFreshness(check_run=run, url=base + "/"),
                PageFreshness(check_run=run, url=base + "/ok.html"),
            ]
        )
        services.run_accessibility(check=run, pages=10)
    findings = {(f.page.removeprefix(base), f.rule, f.level) for f in run.a11y_findings.all()}
    assert ("/", "image-alt", "A") in findings
    assert not any(page == "/ok.html" and rule == "image-alt" for page, rule, _ in findings)
    run.refresh_from_db()
    assert run.a11y_violations >= 1
