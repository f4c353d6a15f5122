"""Restore a backup made by `manage.py backup` into an empty database and the file storages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from servq.core.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore SOURCE (made by `manage.py backup`) into an empty database and the file storages."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", type=Path)

    def handle(self, *args: Any, source: Path, **options: Any) -> None:
        try:
            manifest = restore(source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"restored: the database and the files of the backup made at {manifest['made_at']}")
