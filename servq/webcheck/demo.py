"""The demo's website: servq's own public plan pages, registered for 民政局 and checked by the scheduler."""

from __future__ import annotations

import os

from django.conf import settings
from django.contrib.auth import get_user_model

from servq.agencies.models import Agency
from servq.core import demo
from servq.webcheck import services
from servq.webcheck.models import Site

DEMO_SITE_URL = os.environ.get("SERVQ_DEMO_SITE_URL", "http://127.0.0.1:8000/plans/")


def ensure_demo_site() -> bool:
    """Idempotent; the scheduler queues the first run a minute after the server starts."""
    agency = Agency.objects.filter(code="demo-civil").first()
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    if agency is None or coordinator is None or Site.objects.filter(agency=agency).exists():
        return False
    if not settings.SERVQ_OUTBOUND_ALLOWED_NETWORKS:
        return False
    site = services.register_site(
        by=coordinator,
        agency=agency,
        name="示範網站（servq 公開的計畫頁面）",
        start_url=DEMO_SITE_URL,
        schedule="weekly",
        max_pages=300,
        stale_after_days=365,
        excludes="/export/\n/accounts/\n/i18n/",
        # servq's own pages are on loopback, which a development machine allows
        # (SERVQ_OUTBOUND_ALLOWED_NETWORKS); elsewhere the demo site is refused like any internal one.
        allow_private=True,
        active=True,
    )
    unit = Agency.objects.filter(code="demo-civil-hh").first()
    if unit is not None:
        services.set_path_owner(by=coordinator, site=site, prefix="/plans/", unit=unit)
    return True


@demo.part(60, "website")
def _load_demo_part(log: demo.Log) -> str | None:
    return (
        "demo: a website to check (servq's own plan pages), first run by the scheduler"
        if ensure_demo_site()
        else None
    )
