"""A document fetched by its address (core.fetching, webcheck's downloader): the link checker's
outgoing rules hold — internal addresses refused unless the operator allowed their network, every
redirect checked, a size cap — and every refusal is worded for the user. Then a coordinator imports
last year's plan by pasting its page's address."""

from __future__ import annotations

import pytest
from aiohttp import web
from django.urls import reverse

from servq.core import fetching
from tests.plans.importing.test_bad_input import SMALL_PLAN
from tests.webcheck.conftest import html, status, threaded_site


def text(body: bytes, content_type: str = "text/plain; charset=utf-8"):
    async def handler(request):
        return web.Response(body=body, headers={"Content-Type": content_type})

    return handler


ROUTES = {
    "/plans/115plan.txt": text(SMALL_PLAN.encode()),
    "/moved": status(302, Location="/plans/115plan.txt"),
    "/page": html("<html><body><main><h1>計畫</h1></main></body></html>"),
    "/big.pdf": text(b"%PDF" + b"0" * 5000, "application/pdf"),
    "/gone": status(404),
}


@pytest.fixture
def allowed(settings):
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]


def test_an_internal_address_is_refused_unless_the_operator_allowed_its_network(settings):
    settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS = []
    with threaded_site(ROUTES) as base, pytest.raises(fetching.DownloadError, match="內部網路"):
        fetching.download(f"{base}/plans/115plan.txt", 10_000)


def test_a_document_is_fetched_through_redirects_and_named(allowed):
    with threaded_site(ROUTES) as base:
        moved = fetching.download(f"{base}/moved", 10_000)
        page = fetching.download(f"{base}/page", 10_000)
    assert (moved.name, moved.url, moved.data) == (
        "115plan.txt",
        f"{base}/plans/115plan.txt",
        SMALL_PLAN.encode(),
    )
    assert page.name == "page.html" and "計畫" in page.data.decode()


@pytest.mark.parametrize(
    ("path", "limit", "message"),
    [
        ("/big.pdf", 1000, "文件超過 1000 位元組的上限"),
        ("/gone", 10_000, "網站回應 HTTP 404"),
    ],
)
def test_refusals_say_why(allowed, path, limit, message):
    with threaded_site(ROUTES) as base, pytest.raises(fetching.DownloadError, match=message):
        fetching.download(f"{base}{path}", limit)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "只能匯入 http"),
        ("javascript:alert(1)", "只能匯入 http"),
        ("https://no-such-host.invalid/", "找不到"),
    ],
)
def test_addresses_that_are_not_documents_on_the_web(url, message):
    with pytest.raises(fetching.DownloadError, match=message):
        fetching.download(url, 10_000)


@pytest.mark.django_db
def test_a_coordinator_imports_last_years_plan_by_its_address(client, allowed, agency_tree, user_with_role):
    from tests.factories import open_cycle

    cycle = open_cycle(agency_tree, user_with_role(agency_tree["root"], "supervisor"))
    client.force_login(user_with_role(agency_tree["mof"], "coordinator"))
    url = reverse("plans:cycle_import", args=[cycle.pk])
    with threaded_site(ROUTES) as base:
        refused = client.post(url, {"agency": agency_tree["mof"].pk, "plan_url": f"{base}/gone"}, follow=True)
        assert "網站回應 HTTP 404" in refused.text and not cycle.plans.exists()
        response = client.post(url, {"agency": agency_tree["mof"].pk, "plan_url": f"{base}/moved"})
    plan = cycle.plans.get(agency=agency_tree["mof"])
    assert response["Location"] == reverse("plans:edit", args=[plan.pk])
    assert plan.items.count() == 2 and plan.status == "draft"
