"""Writes to core data (the office calendar): atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction

from servq.core import audit
from servq.core.actors import Actor
from servq.core.calendar_sources import CalendarRow
from servq.core.models import OfficeDay, OfficeDayKind
from servq.core.selectors import forget_office_calendar

OPERATOR = "operator"


def forget_now_and_on_commit(forget: Callable[[], None]) -> None:
    """Drop cached reference data a write changes: now, for this transaction's own reads; again on
    commit, for a process that cached the old data while this transaction was open."""
    forget()
    transaction.on_commit(forget)


@transaction.atomic
def record_office_day(*, by: Actor, date: dt.date, kind: str, name: str) -> OfficeDay:
    """An operator's entry, e.g. a typhoon day off (停止上班) announced the evening before."""
    day, _ = OfficeDay.objects.update_or_create(
        date=date, defaults={"kind": OfficeDayKind(kind), "name": name, "source": OPERATOR}
    )
    audit.record(by=by, action="calendar.record", obj=day, after=audit.snapshot(day))
    forget_now_and_on_commit(forget_office_calendar)
    return day


@transaction.atomic
def load_office_calendar(
    *, by: Actor, rows: Iterable[CalendarRow], source: str, years: tuple[int, int]
) -> int:
    """Replace the calendar of those years from one source, all or nothing; operator entries stay."""
    rows = [r for r in rows if years[0] <= r.date.year <= years[1]]
    stale = OfficeDay.objects.filter(date__year__gte=years[0], date__year__lte=years[1]).exclude(
        source=OPERATOR
    )
    removed = stale.count()
    stale.delete()
    operator_days = set(
        OfficeDay.objects.filter(date__year__gte=years[0], date__year__lte=years[1]).values_list(
            "date", flat=True
        )
    )
    fresh = [
        OfficeDay(date=r.date, kind=r.kind, name=r.name[:120], source=source)
        for r in {r.date: r for r in rows}.values()
        if r.date not in operator_days
    ]
    OfficeDay.objects.bulk_create(fresh)
    if fresh or removed:
        audit.record(
            by=by,
            action="calendar.load",
            obj=audit.Subject(
                "core.officeday", f"{years[0]}-{years[1]}", f"行政機關辦公日曆 {years[0]}–{years[1]}"
            ),
            extra={"source": source, "years": list(years), "days": len(fresh), "replaced": removed},
        )
    forget_now_and_on_commit(forget_office_calendar)
    return len(fresh)
