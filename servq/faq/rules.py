"""FAQ rules with no Django: when an answer is due for review, and which frequent case topics no
entry covers yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from servq.core.rules import normalize


def review_due(confirmed_on: dt.date, review_days: int) -> dt.date:
    return confirmed_on + dt.timedelta(days=review_days)


def overdue(confirmed_on: dt.date, review_days: int, today: dt.date) -> bool:
    """An answer not confirmed within its review period: flagged, counted, reminded."""
    return today > review_due(confirmed_on, review_days)


def uncovered(
    terms: Iterable[tuple[str, int]], questions: Sequence[str], minimum: int
) -> list[tuple[str, int]]:
    """The frequent case terms (term, count) at or above ``minimum`` that no question mentions:
    what citizens keep asking and the FAQ does not answer yet."""
    folded = [normalize(q).lower() for q in questions]
    return [
        (term, count)
        for term, count in terms
        if count >= minimum and not any(normalize(term).lower() in q for q in folded)
    ]
