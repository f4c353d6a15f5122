from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servq.plans.exporting import FORMATS, export
from servq.plans.exporting.pdf import FontMissing
from servq.plans.models import Plan


class Command(BaseCommand):
    help = "Export a plan as odt, docx, pdf, ods, xlsx or csv."

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--format", required=True, choices=sorted(FORMATS), dest="fmt")
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args, plan_id: int, fmt: str, output: Path, **options):
        plan = Plan.objects.filter(pk=plan_id).select_related("agency").first()
        if plan is None:
            raise CommandError(f"no plan with the id {plan_id}")
        directory = output.resolve().parent
        if not directory.is_dir():
            raise CommandError(f"{output}: the directory {directory} does not exist")
        try:
            content = export(plan, fmt)
        except FontMissing as error:
            raise CommandError(str(error)) from error
        # Write beside the target and rename, so a failure never leaves half a file behind.
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".servq-export-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(content)
            os.replace(temporary, output)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise CommandError(f"{output}: cannot write ({error.strerror})") from error
        self.stdout.write(f"{output}: 「{plan.title}」 as {fmt.upper()}, {len(content):,} bytes")
