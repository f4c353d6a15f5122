"""The demo's records for 民政局: this year's training, its counters and hotspots, a website section
reviewed every month but one, posts, and the months' 公文 e-exchange figures — enough that every
records measure has a value and one month shows as missed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from servq.activities import rules, services
from servq.activities.models import TrainingSession, WebsiteSection
from servq.agencies.models import Agency
from servq.core import demo

POINTS = [
    ("counter", "民政局服務台", "前鎮區"),
    ("outreach", "行動櫃檯（偏鄉巡迴）", "茂林區"),
    ("wifi", "區公所大廳", "前鎮區"),
    ("wifi", "活動中心", "苓雅區"),
    ("wifi", "圖書分館", "旗山區"),
]


def ensure_demo_records() -> bool:
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    civil = Agency.objects.filter(code="demo-civil").first()
    if coordinator is None or civil is None or TrainingSession.objects.filter(agency=civil).exists():
        return False
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)

    def add(what: str, **values: object) -> object:
        return services.add_record(by=coordinator, kind=what, agency=civil, values=values)

    add(
        "training",
        title="電話禮貌與櫃檯服務研習",
        held_on=year_start + dt.timedelta(days=130),
        hours=Decimal(3),
        attendees=42,
    )
    add(
        "training",
        title="陳情案件處理實務",
        held_on=year_start + dt.timedelta(days=250),
        hours=Decimal(2),
        attendees=35,
    )
    for kind, name, district in POINTS:
        add(
            "points",
            kind=kind,
            name=name,
            district=district,
            address="",
            opened_on=year_start.replace(year=today.year - 2),
            closed_on=None,
        )
    section = add("sections", name="便民服務專區", unit=None, reviewer=coordinator, since=year_start)
    assert isinstance(section, WebsiteSection)
    months = rules.months_in(year_start, today)[:-1]  # this month's review is not done yet
    for month in months:
        if month.month == 4:
            continue  # the month the demo shows as missed
        add(
            "reviews",
            section=section,
            reviewed_on=month + dt.timedelta(days=9),
            all_correct=month.month != 6,
            note="",
        )
        add("exchange", month=month, electronic=180 + month.month * 3, total=230)
    for number, month in enumerate(months, start=1):
        add(
            "posts",
            platform="facebook",
            posted_on=month + dt.timedelta(days=14),
            title=f"民政服務快訊第{number}期",
            url="",
        )
    return True


@demo.part(96, "activities")
def _load_demo_part(log: demo.Log) -> str | None:
    return (
        "demo: 民政局's training, service points, website reviews, posts and 公文 figures"
        if ensure_demo_records()
        else None
    )
