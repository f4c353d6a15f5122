from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from servq.core import demo


class Command(BaseCommand):
    help = "Load the demo agencies, users and plans (idempotent; refuses to run in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo refuses to run with SERVQ_ENV=production: it creates known passwords."
            )
        report = demo.DemoReport()
        demo.load_agencies_and_users(report)
        demo.load_plans(report, log=self.stdout.write)
        demo.ensure_demo_cycle(report)
        from servq.reporting.demo import ensure_demo_reporting

        if ensure_demo_reporting():
            self.stdout.write("demo: reporting periods, calendar, a reported quarter and a self-evaluation")
        from servq.cases.demo import ensure_demo_cases
        from servq.webcheck.demo import ensure_demo_site

        if ensure_demo_cases():
            self.stdout.write("demo: case categories, a routing rule and five citizen cases")

        if ensure_demo_site():
            self.stdout.write("demo: a website to check (servq's own plan pages), first run by the scheduler")
        self.stdout.write(
            f"demo: {report.agencies_created} agencies and {report.users_created} users created, "
            f"{report.plans_imported} plans imported, {report.plans_skipped} already there"
        )
        self.stdout.write(f"demo users (password for all: {demo.DEMO_PASSWORD}):")
        for user in demo.USERS:
            self.stdout.write(f"  {user.username:<14} {user.role:<12} {user.does}")
