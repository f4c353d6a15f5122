"""Import past citizen cases from another system's export (案號, 來源, 類別, 收件日期, 結案日期,
機關代碼, 狀態), or show what it would bring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from servq.agencies.models import Agency
from servq.cases import services


class Command(BaseCommand):
    help = "Import past cases (CSV/ODS/XLSX) into a body, all or nothing; --dry-run shows what would come in."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--body", required=True, help="the body's agency code")
        parser.add_argument("--dry-run", action="store_true", help="change nothing; say what would come in")

    def handle(self, *args: Any, file: Path, body: str, dry_run: bool, **options: Any) -> None:
        found = Agency.objects.filter(code=body, kind="parent_body").first()
        if found is None:
            raise CommandError(f"--body: no body with code {body!r}")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            plan = services.import_case_history(
                by=None, body=found, data=data, filename=file.name, dry_run=dry_run
            )
        except services.CaseError as error:
            raise CommandError(str(error)) from None
        verb = "would import" if dry_run else "imported"
        years = ", ".join(f"{year}: {n}" for year, n in plan.by_year.items())
        self.stdout.write(
            f"import_cases: {verb} {plan.cases} cases ({years}); {plan.closed} closed, {plan.on_time} on time"
        )
