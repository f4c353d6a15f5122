"""`manage.py prepare_fonts`: make sure the PDF exports have their CJK font, without root.

Run by `make setup`. With Debian's fonts-noto-cjk installed there is nothing to do; otherwise the
font is fetched once into var/fonts (pinned and checksummed). Offline, it says how to fix it and
setup goes on: everything but the PDF export works, and that page names the same fix.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from servq.core import fonts


class Command(BaseCommand):
    help = "Fetch the CJK font the PDF exports embed into var/fonts, unless the system has one."

    def handle(self, *args: object, **options: object) -> None:
        var_dir = Path(settings.VAR_DIR)
        if fonts.has_system_font() or fonts.usable(fonts.fetched_dir(var_dir)):
            return
        try:
            target = fonts.fetch(var_dir)
        except (OSError, ValueError) as error:
            self.stderr.write(
                f"prepare_fonts: could not fetch the CJK font for PDF exports ({error}); "
                "install Debian's fonts-noto-cjk or run `make setup` again when online."
            )
            return
        self.stdout.write(f"prepare_fonts: the CJK font for PDF exports is in {target}")
