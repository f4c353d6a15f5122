from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from servq.core import services
from servq.core.models import OfficeDayKind


class Command(BaseCommand):
    help = "Record a day the office calendar did not know: a typhoon day off (停止上班) or a make-up working day."

    def add_arguments(self, parser):
        parser.add_argument("date", help="YYYY-MM-DD")
        parser.add_argument("--kind", default=OfficeDayKind.TYPHOON, choices=OfficeDayKind.values)
        parser.add_argument("--name", default="颱風停止上班")

    def handle(self, *args, date: str, kind: str, name: str, **options):
        try:
            day = dt.date.fromisoformat(date)
        except ValueError as error:
            raise CommandError(f"date {date!r} is not YYYY-MM-DD") from error
        services.record_office_day(by=None, date=day, kind=kind, name=name)
        self.stdout.write(f"{day}: {OfficeDayKind(kind).label} — {name}")
