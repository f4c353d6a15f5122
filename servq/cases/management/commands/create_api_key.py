"""Issue an API key for a system, with only the scopes it needs; the key is printed once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from servq.agencies.models import Agency
from servq.cases.services import create_api_client
from servq.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Issue an API key: --cases for Open311 intake, --counts-agency CODE for one agency's monthly counts."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--body", required=True, help="the body's agency code (cases are filed with it)")
        parser.add_argument("--name", required=True, help="the system's name, e.g. 市民 App")
        parser.add_argument("--cases", action="store_true", help="may file cases through Open311")
        parser.add_argument("--counts-agency", default="", help="may push this agency's monthly counts")

    def handle(
        self, *args: Any, body: str, name: str, cases: bool, counts_agency: str, **options: Any
    ) -> None:
        found = {a.code: a for a in Agency.objects.filter(code__in=[body, counts_agency])}
        if body not in found:
            raise CommandError(f"--body: no agency with code {body!r}")
        if counts_agency and counts_agency not in found:
            raise CommandError(f"--counts-agency: no agency with code {counts_agency!r}")
        try:
            _client, key = create_api_client(
                by=None,
                name=name,
                body=found[body],
                files_cases=cases,
                counts_agency=found.get(counts_agency),
            )
        except ServiceError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(key)
