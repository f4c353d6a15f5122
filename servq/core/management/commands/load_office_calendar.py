from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servq.core import services
from servq.core.calendar_sources import CalendarFileError, read_government_csv


class Command(BaseCommand):
    help = "Load the government's office calendar CSV (政府行政機關辦公日曆表) for the years it covers."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            rows = read_government_csv(path)
        except CalendarFileError as error:
            raise CommandError(str(error)) from error
        if not rows:
            raise CommandError(f"{path.name}: no holidays or make-up working days found")
        years = (min(r.date.year for r in rows), max(r.date.year for r in rows))
        count = services.load_office_calendar(by=None, rows=rows, source=f"file:{path.name}", years=years)
        self.stdout.write(f"{path.name}: {count} days loaded for {years[0]}–{years[1]}")
