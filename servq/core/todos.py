"""The 待辦 registry: each app registers what waits for a user in it, as measures and demo parts do.

The portal (above every app) shows them on a signed-in user's home page, each with its due date in
民國 and the working days left. A source returns only what the user is the one to act on, a few
at most per kind: the page is a list of next steps, not a report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# How many entries of one kind the home page shows; the kind's own page lists the rest.
SHOWN_PER_KIND = 8


@dataclass(frozen=True)
class Todo:
    title: str
    url: str
    due: dt.date | None = None
    note: str = ""


@dataclass(frozen=True)
class TodoSource:
    order: int
    heading: Any  # a lazily translated string
    find: Callable[[Any, dt.date], list[Todo]]


_SOURCES: dict[str, TodoSource] = {}


def source(
    order: int, heading: Any
) -> Callable[[Callable[[Any, dt.date], list[Todo]]], Callable[..., list[Todo]]]:
    """Register the decorated ``find(user, today)`` under ``heading`` (e.g. 「待審查的計畫」)."""

    def register(find: Callable[[Any, dt.date], list[Todo]]) -> Callable[..., list[Todo]]:
        _SOURCES[str(find.__module__) + "." + find.__name__] = TodoSource(order, heading, find)
        return find

    return register


def todos_for(user: Any, today: dt.date) -> list[tuple[str, list[Todo]]]:
    """Every registered kind that has something for the user, in order, soonest due first."""
    found = []
    for entry in sorted(_SOURCES.values(), key=lambda s: s.order):
        todos = entry.find(user, today)
        if todos:
            ordered = sorted(todos, key=lambda t: (t.due is None, t.due or today, t.title))
            found.append((str(entry.heading), ordered[:SHOWN_PER_KIND]))
    return found
