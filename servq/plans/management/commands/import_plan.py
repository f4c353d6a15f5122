from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from servq.agencies.models import Agency
from servq.agencies.selectors import find_by_name
from servq.core.rules import year_from_either
from servq.plans import services
from servq.plans.importing import PlanFileError, parse_file
from servq.plans.models import PlanStatus, Program


class Command(BaseCommand):
    help = "Import a plan from a .txt, .docx, .odt or .pdf file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--agency", help="code of the agency the plan belongs to (default: from its title)"
        )
        parser.add_argument("--program", help="slug of the program (default: the 「…方案」 its basis names)")
        parser.add_argument(
            "--year", type=int, help="the plan's year (ROC 115 or 2026) when the file names none"
        )
        parser.add_argument("--dry-run", action="store_true", help="read and report, write nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--replace", action="store_true", help="replace a plan imported before")
        parser.add_argument("--publish", action="store_true", help="import as published instead of draft")

    def handle(
        self,
        *args,
        path: Path,
        agency=None,
        program=None,
        dry_run=False,
        replace=False,
        publish=False,
        **options,
    ):
        as_json = options["json"]
        try:
            parsed = parse_file(path, max_bytes=settings.SERVQ_IMPORT_MAX_BYTES)
        except PlanFileError as error:
            raise CommandError(str(error)) from error
        if dry_run:
            self.report(parsed.as_json(), as_json=as_json)
            return
        owner = self.agency(agency, parsed.agency_name, path)
        try:
            plan, parsed = services.import_plan_file(
                by=None,
                path=path,
                parsed=parsed,
                agency=owner,
                program=self.program(program) if program else None,
                replace=replace,
                status=PlanStatus.PUBLISHED if publish else PlanStatus.DRAFT,
                year=year_from_either(options["year"]) if options.get("year") else None,
            )
        except services.PlanImportError as error:
            if error.existing is None:
                raise CommandError(f"{path.name}: {error}") from error
            raise CommandError(
                f"{path.name}: already imported as plan {error.existing.pk}; use --replace to replace its contents"
            ) from error
        except services.PlanError as error:
            raise CommandError(f"{path.name}: {error}") from error
        chosen = plan.program
        result = {**parsed.as_json(), "id": plan.pk, "agency_code": owner.code, "program": chosen.slug}
        if as_json:
            self.stdout.write(_json(result))
        else:
            self.stdout.write(
                f"{path.name}: imported 「{plan.title}」 as plan {plan.pk} for {owner.name} "
                f"({len(parsed.items)} items, {len(parsed.warnings)} warnings)"
            )
            self.write_warnings(parsed.as_json()["warnings"])

    def agency(self, code: str | None, name: str, path: Path) -> Agency:
        if code:
            found = Agency.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"{path.name}: no agency with the code {code!r} (--agency)")
            return found
        found = find_by_name(name)
        if found is None:
            raise CommandError(f"{path.name}: no agency named 「{name}」; name one with --agency CODE")
        return found

    def program(self, slug: str) -> Program:
        found = Program.objects.filter(slug=slug).first()
        if found is None:
            raise CommandError(f"no program with the slug {slug!r} (--program)")
        return found

    def report(self, data: dict, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(_json(data))
            return
        plan = data["plan"]
        self.stdout.write(
            f"{plan['title']} ({plan['agency']}, {plan['years'][0]}–{plan['years'][1]}): "
            f"{len(data['items'])} items, {len(data['warnings'])} warnings (dry run, nothing written)"
        )
        self.write_warnings(data["warnings"])

    def write_warnings(self, warnings: list[dict]) -> None:
        for warning in warnings:
            self.stderr.write(f"  line {warning['line']}: {warning['message']}")


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
