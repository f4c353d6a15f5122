"""Back up the database and every uploaded file into one new directory (servq.core.backups)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from servq.core.backups import BackupError, back_up


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or SQLite's online backup) and all uploaded files into DEST."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("destination", type=Path, help="a new or empty directory")

    def handle(self, *args: Any, destination: Path, **options: Any) -> None:
        try:
            manifest = back_up(destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        files = sum(entry["files"] for entry in manifest["files"].values())
        self.stdout.write(f"backup: {destination} — the database and {files} files")
