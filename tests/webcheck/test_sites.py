"""Sites, scheduled runs, stored results and measures, against real sites on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from servq.core import measures
from servq.core.models import AuditEntry
from servq.webcheck import services, tasks
from servq.webcheck.models import BrokenLink, PageFreshness, Site, SiteCheck
from tests.factories import AgencyFactory
from tests.webcheck.conftest import html, status, threaded_site

pytestmark = pytest.mark.django_db

PAGES = {
    "/": html('<a href="/news/a.html">新聞</a>\n<a href="/gone">舊頁</a>\n<a href="/about.html">關於</a>'),
    "/news/a.html": html('<p>更新日期：100-01-01</p>\n<img src="/news/missing.png">'),
    "/about.html": html("<p>更新日期：2026-11-01</p>"),
    "/gone": status(404),
    "/news/missing.png": status(404),
}


@pytest.fixture
def coordinator(agency_tree, user_with_role):
    return user_with_role(agency_tree["mof"], "coordinator", username="lin")


@pytest.fixture
def allow_private(settings):
    """The operator allows the loopback network these tests serve their sites on."""
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.SERVQ_WEBCHECK_A11Y_PAGES = 0


def register(coordinator, agency, url, **extra):
    fields = {
        "name": "財政部全球資訊網",
        "start_url": url,
        "schedule": "weekly",
        "max_pages": 100,
        "stale_after_days": 365,
        "excludes": "",
        "allow_private": True,
        "active": True,
    }
    return services.register_site(by=coordinator, agency=agency, **{**fields, **extra})


# --- registering ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.mof.gov.tw/", "http"),
        ("javascript:alert(1)", "http"),
        ("https://", "主機"),
        ("http://[::1", "格式"),
    ],
)
def test_only_http_sites_can_be_registered(coordinator, agency_tree, url, message):
    with pytest.raises(services.SiteError, match=message):
        register(coordinator, agency_tree["mof"], url, allow_private=False)
    assert not Site.objects.exists()


def test_private_addresses_need_the_operator_setting(coordinator, agency_tree, settings):
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(services.SiteError, match="SERVQ_OUTBOUND_ALLOWED_NETWORKS"):
        register(coordinator, agency_tree["mof"], "http://10.0.0.5/")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.2:8765/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:5432/",
        "http://[::ffff:127.0.0.1]:8200/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
        "http://[64:ff9b::a9fe:a9fe]/",
    ],
)
def test_internal_addresses_are_refused_at_registration(coordinator, agency_tree, settings, url):
    """The probe's SSRF: a coordinator registered these, the worker crawled them and showed the answers."""
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = []
    with pytest.raises(services.SiteError, match="內部網址"):
        register(coordinator, agency_tree["mof"], url, allow_private=False)
    assert not Site.objects.exists()


def test_an_operator_allowed_range_admits_only_sites_that_ask_for_it(coordinator, agency_tree, settings):
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    with pytest.raises(services.SiteError, match="內部網址"):
        register(coordinator, agency_tree["mof"], "http://10.20.1.1/", allow_private=False)
    with pytest.raises(services.SiteError, match="內部網址"):
        register(coordinator, agency_tree["mof"], "http://10.30.1.1/", allow_private=True)
    assert register(coordinator, agency_tree["mof"], "http://10.20.1.1/", allow_private=True).pk


def test_a_site_whose_name_turned_internal_after_registering_is_not_crawled(
    coordinator, agency_tree, settings
):
    """The check repeats at crawl time: the start host gets no exemption from the policy."""
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = []
    seen = []

    async def counting(request):
        seen.append(request.path)
        return await html("<p>internal</p>")(request)

    with threaded_site({"/": counting}) as base:
        site = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)
        Site.objects.filter(pk=site.pk).update(start_url=base + "/")  # as if its name now pointed inside
        check = services.queue_check(by=coordinator, site=site)
        assert services.run_check(check.pk)
    check.refresh_from_db()
    assert seen == []
    assert check.pages == 0 and check.broken == 1
    assert "private" in BrokenLink.objects.get(check_run=check).error


def test_a_bad_exclude_pattern_names_its_line(coordinator, agency_tree):
    with pytest.raises(services.SiteError, match="第 2 列"):
        register(
            coordinator,
            agency_tree["mof"],
            "https://www.mof.gov.tw/",
            allow_private=False,
            excludes="/print/\n(unclosed",
        )


def test_registering_is_audited_and_only_for_the_agencys_editors(coordinator, agency_tree, user_with_role):
    site = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)
    assert AuditEntry.objects.filter(action="site.register", object_id=str(site.pk)).exists()
    staff = user_with_role(agency_tree["mof_unit"], "unit_staff")
    with pytest.raises(services.SiteError):
        register(staff, agency_tree["mof"], "https://other.mof.gov.tw/", allow_private=False)


# --- running ------------------------------------------------------------------------------------


def test_a_run_left_running_without_a_lease_is_not_handed_back(agency_tree, settings):
    """A run whose worker died before taking its lease (or under an older release) recovers too."""
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = []
    site = Site.objects.create(agency=agency_tree["mof"], name="站", start_url="https://www.mof.gov.tw/")
    stuck = SiteCheck.objects.create(
        site=site, status="running", started_at=timezone.now() - dt.timedelta(hours=3)
    )
    fresh = services.queue_check(by=None, site=site)
    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == "failed"


def test_a_run_stores_broken_links_by_page_and_owner_and_stale_pages(coordinator, agency_tree, allow_private):
    with threaded_site(PAGES) as base:
        site = register(coordinator, agency_tree["mof"], base + "/")
        services.set_path_owner(by=coordinator, site=site, prefix="/news/", unit=agency_tree["mof_unit"])
        check = services.queue_check(by=coordinator, site=site)
        assert services.run_check(check.pk)
    check.refresh_from_db()
    assert (check.status, check.pages, check.broken) == ("done", 3, 2)
    assert check.stale_pages == 1
    missing = BrokenLink.objects.get(url=base + "/news/missing.png")
    assert missing.status == 404
    assert missing.sources == [{"page": base + "/news/a.html", "line": 3, "unit": agency_tree["mof_unit"].pk}]
    stale = check.pages_seen.get(stale=True)
    assert stale.url == base + "/news/a.html" and stale.updated_on == dt.date(2011, 1, 1) and stale.from_page


def test_the_second_run_shows_what_is_new_and_what_was_fixed(client, coordinator, agency_tree, allow_private):
    first = dict(PAGES)
    second = {
        **PAGES,
        "/gone": html("回來了"),
        "/": html('<a href="/gone">舊頁</a>\n<a href="/new-broken">新</a>'),
        "/new-broken": status(500),
    }
    with threaded_site(first) as base:
        site = register(coordinator, agency_tree["mof"], base + "/")
        services.run_check(services.queue_check(by=coordinator, site=site).pk)
    with threaded_site(second) as other_base:
        Site.objects.filter(pk=site.pk).update(start_url=other_base + "/")
        site.refresh_from_db()
        services.run_check(services.queue_check(by=coordinator, site=site).pk)
    latest = site.checks.order_by("-id").first()
    assert [link.url for link in latest.broken_links.filter(is_new=True)] == [other_base + "/new-broken"]
    client.force_login(coordinator)
    page = client.get(reverse("webcheck:site", args=[site.pk])).content.decode()
    assert "新發現 1 個失效連結" in page and "/new-broken" in page


def test_the_run_task_crawls_once_however_often_it_is_called(
    coordinator, agency_tree, allow_private, monkeypatch
):
    calls = []
    real = services.check_site

    async def counting(*args, **kwargs):
        calls.append(1)
        return await real(*args, **kwargs)

    monkeypatch.setattr(services, "check_site", counting)
    with threaded_site(PAGES) as base:
        site = register(coordinator, agency_tree["mof"], base + "/")
        check = services.queue_check(by=coordinator, site=site)
        tasks.run_site_check.call(check_id=check.pk)
        assert tasks.run_site_check.call(check_id=check.pk) == "nothing to do"
    assert len(calls) == 1


def test_scheduling_twice_queues_one_run_and_the_next_after_the_interval(coordinator, agency_tree):
    site = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)
    now = timezone.now()
    assert services.schedule_due_checks(now=now) == 1
    assert services.schedule_due_checks(now=now) == 0
    assert SiteCheck.objects.filter(site=site).count() == 1
    SiteCheck.objects.update(status="done", finished_at=now)
    assert services.schedule_due_checks(now=now + dt.timedelta(days=3)) == 0
    assert services.schedule_due_checks(now=now + dt.timedelta(days=8)) == 1


def test_a_run_that_fails_says_why_and_the_worker_goes_on(
    coordinator, agency_tree, allow_private, monkeypatch
):
    async def broken(*args, **kwargs):
        raise OSError("network unreachable")

    monkeypatch.setattr(services, "check_site", broken)
    site = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)
    check = services.queue_check(by=coordinator, site=site)
    assert services.run_check(check.pk)
    check.refresh_from_db()
    assert check.status == "failed" and "network unreachable" in check.error
    assert services.queue_check(by=coordinator, site=site).pk != check.pk  # a new run can be queued


def test_a_host_that_does_not_resolve_is_a_clear_entry_in_the_report(coordinator, agency_tree, allow_private):
    site = register(coordinator, agency_tree["mof"], "http://no-such-host.invalid/", allow_private=False)
    check = services.queue_check(by=coordinator, site=site)
    services.run_check(check.pk)
    link = BrokenLink.objects.get(check_run=check)
    assert "does not resolve" in link.error or "refused" in link.error


# --- measures -------------------------------------------------------------------------------------


def test_measures_read_the_last_run_of_each_site_in_the_scope(coordinator, agency_tree):
    mof = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)
    other = Site.objects.create(
        agency=agency_tree["ntbt"], name="國稅局", start_url="https://www.ntbt.gov.tw/"
    )
    day = timezone.make_aware(dt.datetime(2026, 3, 1, 9))
    SiteCheck.objects.create(site=mof, status="done", finished_at=day, links=100, broken=50, stale_pages=9)
    SiteCheck.objects.create(
        site=mof,
        status="done",
        finished_at=day + dt.timedelta(days=7),
        links=100,
        broken=2,
        stale_pages=4,
        a11y_violations=3,
    )
    SiteCheck.objects.create(site=other, status="done", finished_at=day, links=300, broken=0, stale_pages=1)
    scope = measures.Scope(agency_tree["mof"].path, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert measures.get("webcheck.valid_link_rate").value(scope) == Decimal("99.5")  # (98 + 300) / 400
    assert measures.get("webcheck.stale_pages").value(scope) == Decimal(5)
    assert measures.get("webcheck.a11y_violations").value(scope) == Decimal(3)
    elsewhere = measures.Scope(agency_tree["moea"].path, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert measures.get("webcheck.valid_link_rate").value(elsewhere) is None


# --- pages ----------------------------------------------------------------------------------------


def test_another_agencys_site_is_404(client, coordinator, agency_tree, user_with_role):
    site = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)
    client.force_login(user_with_role(agency_tree["moea"], "coordinator"))
    assert client.get(reverse("webcheck:site", args=[site.pk])).status_code == 404
    assert client.post(reverse("webcheck:check_now", args=[site.pk])).status_code == 404
    assert not SiteCheck.objects.exists()


def test_registering_through_the_page_and_a_script_name_is_refused(client, coordinator, agency_tree):
    client.force_login(coordinator)
    data = {
        "agency": agency_tree["mof"].pk,
        "name": "<script>x</script>",
        "start_url": "https://www.mof.gov.tw/",
        "schedule": "monthly",
        "max_pages": 100,
        "stale_after_days": 365,
        "active": "on",
    }
    response = client.post(reverse("webcheck:sites"), data, follow=True)
    assert "純文字" in response.content.decode() and not Site.objects.exists()
    response = client.post(reverse("webcheck:sites"), {**data, "name": "財政部"})
    assert response.status_code == 302 and Site.objects.get().name == "財政部"


def test_the_site_page_escapes_what_the_site_sent(client, coordinator, agency_tree):
    site = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)
    run = SiteCheck.objects.create(site=site, status="done", finished_at=timezone.now(), links=1, broken=1)
    BrokenLink.objects.create(
        check_run=run,
        url='https://x/"><script>alert(1)</script>',
        error="<b>bad</b>",
        sources=[{"page": "https://www.mof.gov.tw/<img onerror=alert(1)>", "line": 1, "unit": None}],
    )
    client.force_login(coordinator)
    page = client.get(reverse("webcheck:site", args=[site.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page and "<img onerror" not in page
    assert "&lt;script&gt;" in page


def test_the_site_page_query_count_does_not_grow_with_the_findings(
    client, coordinator, agency_tree, django_assert_num_queries
):
    unit = AgencyFactory(code="mof-it", name="資訊處", kind="unit", parent=agency_tree["mof"])
    site = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)

    def add_run(n):
        run = SiteCheck.objects.create(
            site=site, status="done", finished_at=timezone.now(), links=10 * n, broken=n
        )
        BrokenLink.objects.bulk_create(
            BrokenLink(
                check_run=run,
                url=f"https://www.mof.gov.tw/x{i}",
                status=404,
                sources=[{"page": "https://www.mof.gov.tw/", "line": i, "unit": unit.pk}],
            )
            for i in range(n)
        )

    add_run(2)
    add_run(3)
    client.force_login(coordinator)
    url = reverse("webcheck:site", args=[site.pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url)
    add_run(40)
    add_run(60)
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(url)


# --- issue 24.9: how old is too old, per site and per kind of page -------------------------------


def test_news_pages_go_stale_after_a_month_and_other_pages_after_the_sites_limit(
    coordinator, agency_tree, allow_private
):
    """000 asks 「即時更新」 with a review at least monthly: a 45-day-old news page is stale, a
    45-day-old 關於 page is not (365 days, servq's own default for pages that rarely change)."""
    shown = (timezone.localdate() - dt.timedelta(days=45)).strftime("%Y-%m-%d")
    pages = {
        "/": html('<a href="/news/b.html">新聞</a>\n<a href="/about.html">關於</a>'),
        "/news/b.html": html(f"<p>更新日期：{shown}</p>"),
        "/about.html": html(f"<p>更新日期：{shown}</p>"),
    }
    with threaded_site(pages) as base:
        site = register(coordinator, agency_tree["mof"], base + "/")
        assert site.freshness_rules.startswith("news｜30") and site.schedule == "weekly"
        check = services.queue_check(by=coordinator, site=site)
        assert services.run_check(check.pk)
    stale = {
        page.url.removeprefix(base): page.stale for page in PageFreshness.objects.filter(check_run=check)
    }
    assert stale["/news/b.html"] is True and stale["/about.html"] is False


def test_a_bad_page_kind_line_is_named_and_nothing_is_registered(coordinator, agency_tree):
    with pytest.raises(services.SiteError, match="頁面類型第 2 列「法規」"):
        register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", freshness_rules="news｜30\n法規")
    assert not Site.objects.exists()


def test_a_link_behind_a_login_is_shown_apart_and_not_counted_broken(
    client, coordinator, agency_tree, allow_private
):
    """Issue 21.3: a unit is not told to fix a link that works for people."""
    pages = {
        "/": html('<a href="/members">會員</a>\n<a href="/gone">舊頁</a>'),
        "/members": status(401),
        "/gone": status(404),
    }
    with threaded_site(pages) as base:
        site = register(coordinator, agency_tree["mof"], base + "/")
        check = services.queue_check(by=coordinator, site=site)
        assert services.run_check(check.pk)
    check.refresh_from_db()
    assert check.broken == 1
    assert set(BrokenLink.objects.values_list("url", "unverified")) == {
        (base + "/gone", False),
        (base + "/members", True),
    }
    client.force_login(coordinator)
    page = client.get(reverse("webcheck:site", args=[site.pk])).content.decode()
    assert "無法確認的連結" in page and "/members" in page.split("無法確認的連結")[1].split("</section>")[0]


def test_links_a_screen_reader_cannot_use_are_kept_with_the_accessibility_findings(
    client, coordinator, agency_tree, allow_private
):
    from servq.webcheck.models import A11yFinding

    pages = {
        "/": html('<a href="/logo"><img src="/logo.png"></a>\n<a href="/a">請點此</a>'),
        "/logo": html("x"),
        "/a": html("a"),
    }
    with threaded_site(pages) as base:
        site = register(coordinator, agency_tree["mof"], base + "/")
        check = services.queue_check(by=coordinator, site=site)
        assert services.run_check(check.pk)
    found = set(A11yFinding.objects.values_list("rule", "page", "nodes"))
    assert ("servq-image-link-alt", base + "/", 1) in found and (
        "servq-vague-link-text",
        base + "/",
        1,
    ) in found
    client.force_login(coordinator)
    assert "servq-image-link-alt" in client.get(reverse("webcheck:site", args=[site.pk])).content.decode()


def test_the_supervisors_combined_report_lists_every_site_with_its_trend(
    client, coordinator, agency_tree, user_with_role, django_assert_max_num_queries
):
    """Issue 21.5: every agency's sites, broken and unverifiable links, and the trend; ODS and XLSX."""
    import io
    import zipfile

    mof = Site.objects.create(
        agency=agency_tree["mof"], name="財政部網站", start_url="https://www.mof.gov.tw/"
    )
    Site.objects.create(agency=agency_tree["moea"], name="經濟部網站", start_url="https://www.moea.gov.tw/")
    for n, broken in enumerate([9, 4]):
        run = SiteCheck.objects.create(
            site=mof,
            status="done",
            finished_at=timezone.now() - dt.timedelta(days=7 - n),
            links=100,
            broken=broken,
        )
    BrokenLink.objects.create(check_run=run, url="https://x.gov.tw/login", status=401, unverified=True)
    supervisor = user_with_role(agency_tree["root"], "supervisor", username="boss")
    client.force_login(supervisor)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("webcheck:report")).content.decode()
    assert "財政部網站" in page and "經濟部網站" in page and "9→4" in page and "尚未檢測" in page
    xlsx = client.get(reverse("webcheck:report"), {"format": "xlsx"})
    from urllib.parse import quote

    assert quote("網站健檢總表.xlsx") in xlsx["Content-Disposition"] and xlsx.content[:2] == b"PK"
    ods = client.get(reverse("webcheck:report"), {"format": "ods"})
    assert "9→4" in zipfile.ZipFile(io.BytesIO(ods.content)).read("content.xml").decode()
    # A coordinator sees only their own agency's sites.
    client.force_login(coordinator)
    assert "經濟部網站" not in client.get(reverse("webcheck:report")).content.decode()


def test_certificate_warnings_are_kept_with_the_run_and_shown_in_chinese(client, coordinator, agency_tree):
    from servq.webcheck.crawler import Report

    site = register(coordinator, agency_tree["mof"], "https://www.mof.gov.tw/", allow_private=False)
    check = services.queue_check(by=coordinator, site=site)
    report = Report(pages=1, certificates={"www.mof.gov.tw": "certificate expires on 2026-12-09 (9 days)"})
    services.store_report(check, report, today=timezone.localdate())
    check.refresh_from_db()
    assert check.certificates == {"www.mof.gov.tw": "certificate expires on 2026-12-09 (9 days)"}
    assert check.broken == 0, "a certificate warning is not a broken link"
    client.force_login(coordinator)
    page = client.get(reverse("webcheck:site", args=[site.pk])).content.decode()
    assert "憑證警告" in page and "憑證將於 2026-12-09 到期（剩 9 天）" in page


def test_scheduled_runs_start_together_and_each_site_keeps_its_own_report(
    coordinator, agency_tree, allow_private
):
    """The night's due sites run as one crawl (shared external checks, 21.6); each run is stored
    with its own pages and broken links, and a second call finds nothing left to claim."""
    with threaded_site(PAGES) as first, threaded_site({**PAGES, "/gone": html("在")}) as second:
        sites = [
            register(coordinator, agency_tree["mof"], first + "/", name="甲"),
            register(coordinator, agency_tree["mof"], second + "/", name="乙"),
        ]
        checks = [services.queue_check(by=None, site=site, start=False) for site in sites]
        assert services.run_checks_together([c.pk for c in checks]) == 2
        assert services.run_checks_together([c.pk for c in checks]) == 0
    done = {c.site.name: (c.status, c.pages, c.broken) for c in SiteCheck.objects.select_related("site")}
    assert done == {"甲": ("done", 3, 2), "乙": ("done", 4, 1)}  # 乙's /gone is a page there
