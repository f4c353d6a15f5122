"""Wake every minute and enqueue the periodic tasks that are due (see servq.core.scheduler)."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from servq.core import scheduler
from servq.core.models import SchedulerTick
from servq.core.outages import Backoff, through_outages

KEEP_TICKS = dt.timedelta(days=7)


class Command(BaseCommand):
    help = "Enqueue periodic tasks on time; safe to run on several machines at once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="check once and exit (for cron)")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks")

    def handle(self, *args, once: bool, interval: int, **options):
        names = ", ".join(f"{job.name} (/{job.every_minutes} min)" for job in scheduler.jobs())
        self.stdout.write(f"scheduler: {names or 'no jobs registered'}")
        backoff = Backoff()
        while True:
            # A database outage is waited out (logged, retried with back-off), never the end.
            through_outages(self.tick, what="scheduler", backoff=backoff)
            if once:
                return
            time.sleep(interval - time.time() % interval)

    def tick(self) -> None:
        now = timezone.now()
        for name in scheduler.run_due(now):
            self.stdout.write(f"{now:%Y-%m-%d %H:%M} enqueued {name}")
        SchedulerTick.objects.filter(created_at__lt=now - KEEP_TICKS).delete()
