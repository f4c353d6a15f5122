"""Load the demo: every app's part, in order, each part once (refuses to run in production, or on a
database that holds a body the demo did not make)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from servq.agencies.demo import AGENCIES
from servq.agencies.models import Agency
from servq.core import demo
from servq.core.models import DemoLoaded

DEMO_BODIES = frozenset(code for code, _name, _level, parent, _english in AGENCIES if parent is None)


class Command(BaseCommand):
    help = "Load the demo agencies, users, plans, reports, cases and website (each part once; not in production)."

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo refuses to run with SERVQ_ENV=production: it creates known passwords."
            )
        foreign = list(
            Agency.objects.filter(parent=None).exclude(code__in=DEMO_BODIES).values_list("name", flat=True)
        )
        if foreign:
            raise CommandError(
                f"load_demo refuses to run: this database holds bodies the demo did not make ({'、'.join(foreign[:5])}). "
                "The demo is for a database of its own."
            )
        loaded = set(DemoLoaded.objects.values_list("part", flat=True))
        for part in demo.parts():
            if part.name in loaded:
                continue  # loaded before: what the demo body did since is its own, never touched
            with transaction.atomic():
                line = part.load(self.stdout.write)
                DemoLoaded.objects.create(part=part.name)
            if line:
                self.stdout.write(line)
