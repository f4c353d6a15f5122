"""Invite (or grant roles to) the people a list names — 姓名, 電子郵件, 機關代碼, 單位, 角色 — or show
what it would do; the same service as the page's 以清單批次邀請, run by an operator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from servq.agencies import services


class Command(BaseCommand):
    help = "Invite the people of a list (CSV/ODS/XLSX); --dry-run shows the invitations and grants it would make."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="change nothing; say what would change")

    def handle(self, *args: Any, file: Path, dry_run: bool, **options: Any) -> None:
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from None
        try:
            plan = services.invite_people(by=None, data=data, filename=file.name, dry_run=dry_run)
        except services.AgencyError as error:
            raise CommandError(str(error)) from None
        verb = "would invite" if dry_run else "invited"
        self.stdout.write(
            f"invite_people: {verb} {len(plan.invite)}, granted {len(plan.grant)} to existing accounts; "
            f"{len(plan.unchanged)} lines already in force"
        )
