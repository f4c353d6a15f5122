"""Inspection measures by hand: replies in time against the reply deadline, and award entries in the
three years 003's ranking rule reads (typed in, or made in the award module)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from servq.core.measures import Scope, get
from servq.inspections import services
from servq.inspections.models import Finding


def test_replied_on_time_counts_findings_by_reply_deadline(agency_tree, sent_finding):
    due = sent_finding.reply_due
    scope = Scope(agency_tree["root"].path, due - dt.timedelta(days=1), due + dt.timedelta(days=1))
    assert get("inspections.replied_on_time").value(scope) == Decimal("0.0")  # due, not answered
    Finding.objects.filter(pk=sent_finding.pk).update(first_replied_on=due)
    assert get("inspections.replied_on_time").value(scope) == Decimal("100.0")
    Finding.objects.filter(pk=sent_finding.pk).update(first_replied_on=due + dt.timedelta(days=1))
    assert get("inspections.replied_on_time").value(scope) == Decimal("0.0")
    later = Scope(agency_tree["root"].path, due + dt.timedelta(days=2), due + dt.timedelta(days=30))
    assert get("inspections.replied_on_time").value(later) is None  # nothing due: 無資料


def test_award_entries_in_the_last_three_years(agency_tree, inspector):
    for year in (2022, 2024, 2026):
        services.record_award_entry(
            by=inspector, body=agency_tree["root"], agency=agency_tree["mof"], year=year
        )
    scope = Scope(agency_tree["mof"].path, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert get("inspections.award_entries_three_years").value(scope) == 2  # 2024, 2026
