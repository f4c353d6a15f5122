"""The scheduler: enqueues registered periodic tasks on time, once per time slot however many run.

django-tasks runs tasks but does not schedule them. Each app registers its periodic tasks here (in its
AppConfig.ready); `manage.py run_scheduler` wakes every minute and enqueues every job whose slot has
come. Claiming a slot is an insert into a unique index, so schedulers on several machines, or one
restarted mid-minute, enqueue each slot exactly once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from servq.core.models import SchedulerTick
from servq.core.outages import DATABASE_DOWN


@dataclass(frozen=True)
class Job:
    name: str
    every_minutes: int
    enqueue: Callable[[], Any]

    def slot(self, now: dt.datetime) -> str:
        """The time slot ``now`` falls in: minutes since the epoch, floored to the job's interval."""
        minutes = int(now.timestamp() // 60)
        return str(minutes - minutes % self.every_minutes)


_JOBS: dict[str, Job] = {}
log = logging.getLogger(__name__)


def every(minutes: int, *, name: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register the decorated function (which enqueues a task) to run every ``minutes`` minutes."""

    def decorate(enqueue: Callable[[], Any]) -> Callable[[], Any]:
        _JOBS[name] = Job(name, minutes, enqueue)
        return enqueue

    return decorate


def jobs() -> list[Job]:
    return sorted(_JOBS.values(), key=lambda job: job.name)


def run_due(now: dt.datetime) -> list[str]:
    """Enqueue every job whose current slot nobody has claimed yet; the names of those enqueued."""
    started = []
    for job in jobs():
        try:
            with transaction.atomic():
                SchedulerTick.objects.create(job=job.name, slot=job.slot(now))
                job.enqueue()
        except IntegrityError:
            continue  # another scheduler claimed this slot
        except DATABASE_DOWN:
            raise  # the whole tick waits the outage out (run_scheduler), not each job in turn
        except Exception:
            # The slot stays unclaimed (its insert rolled back), so the next wake-up retries it.
            log.exception("scheduler: could not enqueue %s", job.name)
            continue
        started.append(job.name)
    return started
