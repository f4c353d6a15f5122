"""Long-running loops (the task worker, the scheduler) outlive a database outage.

A worker that exits on the first refused connection stops mail, notices, checks and the lease
reaper until someone restarts it by hand. Instead each loop catches the database's "cannot reach"
errors, logs them, drops its broken connections and tries again after a wait that doubles up to a
ceiling; the first success starts the waits over. Other errors are not caught: they are bugs, and
the process supervisor (deploy/systemd) restarts a process that dies of one.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connections

DATABASE_DOWN = (OperationalError, InterfaceError)
T = TypeVar("T")
logger = logging.getLogger(__name__)


class Backoff:
    """Waits of first, 2×first, 4×first … up to longest seconds; reset() after a success."""

    def __init__(self, *, first: float = 1.0, longest: float = 30.0) -> None:
        self.first = first
        self.longest = longest
        self.failures = 0

    def next_wait(self) -> float:
        wait = min(self.first * 2**self.failures, self.longest)
        self.failures += 1
        return wait

    def reset(self) -> None:
        self.failures = 0


def through_outages(
    step: Callable[[], T],
    *,
    what: str,
    backoff: Backoff,
    keep_going: Callable[[], bool] = lambda: True,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T | None:
    """Run ``step`` until it returns, waiting out database outages; None if told to stop meanwhile.

    A step may be a loop that runs for days (the worker): one that ran longer than the longest wait
    before failing had got through, so a new outage starts the waits over."""
    while keep_going():
        started = clock()
        try:
            result = step()
        except DATABASE_DOWN as error:
            if clock() - started >= backoff.longest:
                backoff.reset()
            wait = backoff.next_wait()
            logger.warning(
                "%s: the database cannot be reached (%s); trying again in %.0f s", what, error, wait
            )
            _drop_broken_connections()
            sleep(wait)
            continue
        if backoff.failures:
            logger.warning("%s: the database is back after %d failed attempts", what, backoff.failures)
        backoff.reset()
        return result
    return None


def _drop_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(*DATABASE_DOWN):  # already gone; Django opens a new one on next use
            connection.close()
