"""Import a body's agency list (CSV or ODS: 機關代碼, 機關名稱, 上級機關代碼, 層級), or show what it would do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from servq.agencies import services
from servq.agencies.models import Agency


class Command(BaseCommand):
    help = "Import the body's agency list; --dry-run shows what would be added, renamed, moved, unlisted."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--body", required=True, help="the body's agency code")
        parser.add_argument("--dry-run", action="store_true", help="change nothing; say what would change")

    def handle(self, *args: Any, file: Path, body: str, dry_run: bool, **options: Any) -> None:
        found = Agency.objects.filter(code=body).first()
        if found is None:
            raise CommandError(f"--body: no agency with code {body!r} (manage.py start_body creates one)")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            plan = services.import_agencies(
                by=None, body=found, data=data, filename=file.name, dry_run=dry_run
            )
        except services.AgencyError as error:
            raise CommandError(str(error)) from None
        verb = "would add" if dry_run else "added"
        self.stdout.write(
            f"import_agencies: {verb} {len(plan.add)}, renamed {len(plan.rename)}, moved {len(plan.move)}, "
            f"new level {len(plan.relevel)}; {len(plan.unlisted)} of the body's agencies not in the list (kept)"
        )
        for row, old in plan.rename:
            self.stdout.write(f"  rename {row.code}: {old} → {row.name}")
        for row, old in plan.move:
            self.stdout.write(f"  move {row.code} {row.name}: under {old} → under {row.parent or body}")
        for agency in plan.unlisted:
            self.stdout.write(f"  not in the list: {agency.code} {agency.name}")
