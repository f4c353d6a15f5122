"""Set up a body on an empty servq: the body, its first supervisor, and a one-time sign-in link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from servq.agencies import services
from servq.agencies.models import Agency, AgencyKind, Role


class Command(BaseCommand):
    help = "Create a body (name, official agency code) and invite its first supervisor; safe to run again."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--name", required=True, help="the body's name, e.g. 新竹縣政府")
        parser.add_argument(
            "--code", required=True, help="its official agency code (機關代碼), e.g. 376440000A"
        )
        parser.add_argument("--supervisor-email", required=True, help="the first supervisor's e-mail address")

    def handle(self, *args: Any, name: str, code: str, supervisor_email: str, **options: Any) -> None:
        email = supervisor_email.strip().lower()
        try:
            validate_email(email)
        except Exception:
            raise CommandError(f"--supervisor-email: {supervisor_email!r} is not an e-mail address") from None
        with transaction.atomic():
            body = Agency.objects.filter(code=code).first()
            if body is None:
                body = services.create_agency(
                    by=None, code=code, name=name.strip(), kind=AgencyKind.PARENT_BODY
                )
                self.stdout.write(f"start_body: {body.name} ({body.code}) created")
            elif body.kind != AgencyKind.PARENT_BODY:
                raise CommandError(f"{code} is {body.name}, an agency inside a body, not a body")
            else:
                self.stdout.write(f"start_body: {body.name} ({body.code}) exists; nothing changed")
            user = get_user_model().objects.filter(email__iexact=email).first()
            if user is None:
                user = get_user_model().objects.create_user(
                    username=email, email=email
                )  # no usable password yet
            services.grant_role(by=None, user=user, agency=body, role=Role.SUPERVISOR)
        if user.has_usable_password():
            self.stdout.write(f"{email} signs in at {settings.SERVQ_SITE_URL.rstrip('/')}{reverse('login')}")
            return
        link = reverse(
            "password_reset_confirm",
            args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)],
        )
        self.stdout.write(f"{email} sets a password (once) at: {settings.SERVQ_SITE_URL.rstrip('/')}{link}")
