"""The cycle's calendar (作業時程) and report due dates as an iCalendar feed people subscribe to."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from servq.plans.models import PlanCycle
from servq.reporting.models import ReportingPeriod


def feed(cycle: PlanCycle) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//servq//作業時程//ZH-TW")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{cycle.agency.name} {cycle.title} 作業時程")
    calendar.add("x-wr-timezone", "Asia/Taipei")
    # The UIDs' domain is the site's configured name, never the request's Host: a client that
    # subscribes under another name (localhost, an IP) must see the same events, not each twice.
    host = urlsplit(settings.SERVQ_SITE_URL).hostname or "servq"
    stamp = dt.datetime.combine(cycle.created_at.date(), dt.time(), tzinfo=dt.UTC)
    for step in cycle.schedule.all():
        calendar.add_component(
            _event(
                uid=f"step-{cycle.pk}-{step.position}@{host}",
                summary=f"{step.action}" + (f"（{step.actor}）" if step.actor else ""),
                start=step.starts_on,
                end=step.ends_on,
                description=f"時程：{step.when_text}",
                stamp=stamp,
            )
        )
    for period in ReportingPeriod.objects.filter(cycle=cycle).order_by("due_on"):
        calendar.add_component(
            _event(
                uid=f"period-{period.pk}@{host}",
                summary=f"{period.label}辦理情形填報截止",
                start=period.due_on,
                end=period.due_on,
                description=f"{period.label}（{period.start:%m/%d}–{period.end:%m/%d}）；期限規則：{period.due_rule}",
                stamp=stamp,
            )
        )
    return calendar.to_ical()


def _event(
    *, uid: str, summary: str, start: dt.date, end: dt.date, description: str, stamp: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", start)
    # All-day events end on the day after their last day (RFC 5545).
    event.add("dtend", end + dt.timedelta(days=1))
    event.add("description", description)
    return event
