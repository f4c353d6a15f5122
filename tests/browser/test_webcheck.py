"""The website-health pages in Chromium, with axe-core: the site list and a site with findings."""

from __future__ import annotations

import pytest
from django.utils import timezone

from servq.webcheck.models import A11yFinding, BrokenLink, PageFreshness, Site, SiteCheck

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_site_pages_show_findings_and_pass_axe(
    page, live_server, login, agency_tree, user_with_role, axe_violations
):
    user_with_role(agency_tree["mof"], "coordinator", username="lin")
    site = Site.objects.create(
        agency=agency_tree["mof"], name="財政部全球資訊網", start_url="https://www.mof.gov.tw/"
    )
    for broken in (3, 1):
        run = SiteCheck.objects.create(
            site=site,
            status="done",
            finished_at=timezone.now(),
            pages=40,
            links=400,
            broken=broken,
            a11y_violations=2,
        )
    BrokenLink.objects.create(
        check_run=run,
        url="https://www.mof.gov.tw/old.pdf",
        status=404,
        is_new=True,
        sources=[{"page": "https://www.mof.gov.tw/news", "line": 12, "unit": agency_tree["mof_unit"].pk}],
    )
    PageFreshness.objects.create(
        check_run=run, url="https://www.mof.gov.tw/faq", updated_on="2020-01-01", stale=True, from_page=True
    )
    A11yFinding.objects.create(
        check_run=run, page="https://www.mof.gov.tw/", rule="image-alt", level="A", nodes=2
    )
    login("lin")
    page.goto(f"{live_server.url}/sites/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="財政部全球資訊網").click()
    page.wait_for_load_state()
    assert (
        "第 12 行" in page.content() and "秘書處" in page.get_by_role("table", name="依負責單位").inner_text()
    )
    assert page.get_by_role("img", name="歷次檢測").is_visible()
    assert "image-alt" in page.get_by_role("table", name="違反的規則：等級、網頁數、元素數").inner_text()
    assert axe_violations(page) == []
