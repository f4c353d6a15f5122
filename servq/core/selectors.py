"""Reads shared by core views: the audit log, limited to what the reader may see."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.core.cache import cache
from django.db.models import QuerySet

from servq.core.models import AuditEntry, OfficeDay, OfficeDayKind
from servq.core.rules import OfficeCalendar


def history_of(obj: Any) -> QuerySet[AuditEntry]:
    """Changes to an object and to everything recorded as living in it (a plan and its items)."""
    from django.db.models import Q

    label, pk = obj._meta.label_lower, str(obj.pk)
    return AuditEntry.objects.filter(
        Q(object_type=label, object_id=pk) | Q(within_type=label, within_id=pk)
    ).order_by("-at", "-id")


CALENDAR_VERSION_KEY = "core:office-calendar:version"
CALENDAR_TTL = 300


def office_calendar(years: tuple[int, int] | None = None) -> OfficeCalendar:
    """The government office calendar, cached (it changes a few times a year; writes bump the version)."""
    version = cache.get_or_set(CALENDAR_VERSION_KEY, 1, None)
    span = f"{years[0]}-{years[1]}" if years else "all"
    calendar = cache.get_or_set(
        f"core:office-calendar:{version}:{span}", lambda: _office_calendar_from_db(years), CALENDAR_TTL
    )
    return cast(OfficeCalendar, calendar)


def forget_office_calendar() -> None:
    """Called by every write to the calendar, so every process reads the new days."""
    try:
        cache.incr(CALENDAR_VERSION_KEY)
    except ValueError:
        cache.set(CALENDAR_VERSION_KEY, 2, None)


def _office_calendar_from_db(years: tuple[int, int] | None) -> OfficeCalendar:
    """The government office calendar from the database (a few hundred rows a decade)."""
    days = OfficeDay.objects.all()
    if years:
        days = days.filter(date__year__gte=years[0], date__year__lte=years[1])
    rest: set[dt.date] = set()
    work: set[dt.date] = set()
    for day, kind in days.values_list("date", "kind"):
        (work if kind == OfficeDayKind.MAKEUP_WORKDAY else rest).add(day)
    return OfficeCalendar(holidays=frozenset(rest), makeup_workdays=frozenset(work))
