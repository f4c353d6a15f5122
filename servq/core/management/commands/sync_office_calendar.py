from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from servq.core import services
from servq.core.calendar_sources import from_holidays_package


def year_span(text: str) -> tuple[int, int]:
    first, _, last = text.partition("-")
    try:
        span = int(first), int(last or first)
    except ValueError as exc:
        raise CommandError(f"--years {text!r}: write a year or a span such as 2024-2030") from exc
    if not 1912 <= span[0] <= span[1] <= 2200:
        raise CommandError(f"--years {text!r}: years must be Gregorian and in order, e.g. 2024-2030")
    return span


class Command(BaseCommand):
    help = "Fill the office calendar of some years from the `holidays` package (operator entries stay)."

    def add_arguments(self, parser):
        parser.add_argument("--years", default="2015-2030", help="Gregorian years, e.g. 2024-2030")

    def handle(self, *args, years, **options):
        span = year_span(years)
        count = services.load_office_calendar(
            by=None, rows=from_holidays_package(*span), source="holidays", years=span
        )
        self.stdout.write(f"office calendar {span[0]}–{span[1]}: {count} days from the holidays package")
