"""TEMPORARY interface placeholder until the rules branch lands (replaced wholesale at merge)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Deadline:
    raw: str
    kind: str = "text"
    due: dt.date | None = None
    start: dt.date | None = None
    every: str | None = None
    milestones: tuple = field(default_factory=tuple)

    @property
    def meaning(self) -> str:
        return self.raw

    def as_dict(self) -> dict[str, Any]:
        return {"raw": self.raw, "kind": self.kind, "due": self.due.isoformat() if self.due else None}


def parse_deadline(raw: str, *, years: tuple[int, int] | None = None) -> Deadline:
    text = raw.strip()
    kind = {"經常辦理": "continuous", "每季": "recurring", "115年6月30日": "date"}.get(text, "text")
    return Deadline(raw=text, kind=kind, due=dt.date(2026, 6, 30) if kind == "date" else None)


@dataclass(frozen=True)
class OfficeCalendar:
    holidays: frozenset = frozenset()
    makeup_workdays: frozenset = frozenset()


def is_working_day(day: dt.date, cal: OfficeCalendar) -> bool:
    if day in cal.makeup_workdays:
        return True
    return day.weekday() < 5 and day not in cal.holidays


def working_days_between(start: dt.date, end: dt.date, cal: OfficeCalendar) -> int:
    if end < start:
        return -working_days_between(end, start, cal)
    return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + dt.timedelta(n), cal))
