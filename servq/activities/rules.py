"""Pure rules of the records: which months a review covers, and what share of them was kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable


def months_in(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of every month the range touches, in order."""
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def review_months_due(
    sections: Iterable[tuple[int, dt.date]], months: list[dt.date]
) -> set[tuple[int, dt.date]]:
    """(section, month) pairs a monthly review is owed for: every month from the one the section came
    under review (its 列管起始日) on."""
    return {
        (section, month) for section, since in sections for month in months if month >= since.replace(day=1)
    }
