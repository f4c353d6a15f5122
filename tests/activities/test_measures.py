"""Each records measure computed by hand on a small world: 財政部 keeps records, 經濟部 does too and
must not be counted in 財政部's subtree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from servq.activities import rules, services
from servq.core.measures import Scope, get

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)


def _scope(agency, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)):
    return Scope(agency.path, start, end)


def _add(by, agency, what, **values):
    return services.add_record(by=by, kind=what, agency=agency, values=values)


def test_training_sessions_and_attendance_in_the_range(agency_tree, coordinator, outsider):
    for held_on, attendees in [
        (dt.date(2026, 3, 1), 30),
        (dt.date(2026, 5, 1), 12),
        (dt.date(2025, 12, 31), 50),
    ]:
        _add(
            coordinator,
            agency_tree["mof"],
            "training",
            title="研習",
            held_on=held_on,
            hours=Decimal(2),
            attendees=attendees,
            note="",
        )
    _add(
        outsider,
        agency_tree["moea"],
        "training",
        title="研習",
        held_on=dt.date(2026, 3, 1),
        hours=Decimal(2),
        attendees=99,
        note="",
    )
    assert get("activities.training_sessions").value(_scope(agency_tree["mof"])) == 2
    assert get("activities.training_attendance").value(_scope(agency_tree["mof"])) == 42


def test_points_and_hotspots_open_on_the_last_day(agency_tree, coordinator):
    def point(kind, district, opened, closed=None):
        _add(
            coordinator,
            agency_tree["mof"],
            "points",
            kind=kind,
            name=f"{district}{kind}",
            district=district,
            address="",
            opened_on=opened,
            closed_on=closed,
        )

    point("counter", "中正區", dt.date(2020, 1, 1))
    point("outreach", "萬華區", dt.date(2026, 3, 1))
    point("counter", "大安區", dt.date(2020, 1, 1), dt.date(2026, 2, 1))  # closed before the end
    point("wifi", "中正區", dt.date(2020, 1, 1))
    point("wifi", "中正區", dt.date(2021, 1, 1))
    point("wifi", "信義區", dt.date(2026, 1, 1))
    point("wifi", "文山區", dt.date(2027, 1, 1))  # opens after the range
    scope = _scope(agency_tree["mof"], end=dt.date(2026, 6, 30))
    assert get("activities.service_points").value(scope) == 2
    assert get("activities.wifi_hotspots").value(scope) == 3
    assert get("activities.wifi_districts").value(scope) == 2


def test_monthly_reviews_count_section_months_kept_of_those_owed(agency_tree, coordinator):
    a = _add(
        coordinator,
        agency_tree["mof"],
        "sections",
        name="法規專區",
        unit=None,
        reviewer=coordinator,
        since=dt.date(2026, 1, 1),
    )
    b = _add(
        coordinator,
        agency_tree["mof"],
        "sections",
        name="出版品",
        unit=None,
        reviewer=coordinator,
        since=dt.date(2026, 4, 10),
    )
    for section, day in [
        (a, dt.date(2026, 1, 5)),
        (a, dt.date(2026, 1, 20)),
        (a, dt.date(2026, 3, 3)),
        (b, dt.date(2026, 5, 2)),
    ]:
        _add(
            coordinator,
            agency_tree["mof"],
            "reviews",
            section=section,
            reviewed_on=day,
            all_correct=True,
            note="",
        )
    # Owed to today (6月15日): a for 1–6 (6 months), b for 4–6 (3 months) = 9; kept: a 1月, a 3月, b 5月 = 3.
    assert get("activities.monthly_reviews").value(_scope(agency_tree["mof"])) == Decimal("33.3")


def test_e_exchange_share_sums_the_months(agency_tree, coordinator):
    _add(coordinator, agency_tree["mof"], "exchange", month=dt.date(2026, 1, 1), electronic=90, total=100)
    _add(coordinator, agency_tree["mof"], "exchange", month=dt.date(2026, 2, 1), electronic=60, total=100)
    assert get("activities.e_exchange_share").value(_scope(agency_tree["mof"])) == Decimal("75.0")


def test_a_rate_over_no_records_has_no_data(agency_tree):
    scope = _scope(agency_tree["mof"])
    assert get("activities.e_exchange_share").value(scope) is None
    assert get("activities.monthly_reviews").value(scope) is None


def test_posts_in_the_range(agency_tree, coordinator):
    for day in [dt.date(2026, 2, 1), dt.date(2026, 2, 2), dt.date(2025, 2, 2)]:
        _add(
            coordinator, agency_tree["mof"], "posts", platform="youtube", posted_on=day, title="影音", url=""
        )
    assert get("activities.social_posts").value(_scope(agency_tree["mof"])) == 2


def test_months_in_and_review_months_due():
    months = rules.months_in(dt.date(2026, 11, 20), dt.date(2027, 2, 1))
    assert months == [dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1), dt.date(2027, 2, 1)]
    due = rules.review_months_due([(1, dt.date(2026, 12, 31))], months)
    assert due == {(1, dt.date(2026, 12, 1)), (1, dt.date(2027, 1, 1)), (1, dt.date(2027, 2, 1))}
