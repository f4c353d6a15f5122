"""Website measures by hand: checks finished in the range (002 checks weekly)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from servq.core.measures import Scope, get
from servq.webcheck.models import CheckStatus, Site, SiteCheck


def test_checks_run_counts_finished_checks_in_the_range(agency_tree):
    site = Site.objects.create(agency=agency_tree["mof"], name="財政部", start_url="https://www.mof.gov.tw/")
    now = timezone.now()
    for status, finished in [
        (CheckStatus.DONE, now),
        (CheckStatus.DONE, now - dt.timedelta(days=7)),
        (CheckStatus.DONE, now - dt.timedelta(days=400)),
        (CheckStatus.FAILED, now),
    ]:
        SiteCheck.objects.create(site=site, status=status, finished_at=finished)
    today = timezone.localdate()
    scope = Scope(agency_tree["root"].path, today - dt.timedelta(days=30), today)
    assert get("webcheck.checks_run").value(scope) == 2
