"""Load the demo: every app's part, in order (idempotent; refuses to run in production)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from servq.core import demo


class Command(BaseCommand):
    help = "Load the demo agencies, users, plans, reports, cases and website (idempotent; not in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo refuses to run with SERVQ_ENV=production: it creates known passwords."
            )
        for part in demo.parts():
            line = part.load(self.stdout.write)
            if line:
                self.stdout.write(line)
