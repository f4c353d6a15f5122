"""Cases services: outbox: mail to citizens."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from servq.cases.models import (
    CitizenMail,
)
from servq.core import outbox

# --- outbox: mail to citizens -----------------------------------------------------------------------


def _mail_on_commit(to: str, subject: str, body: str) -> None:
    """Queue mail to the citizen in this transaction (the outbox); the worker sends it within a minute."""
    CitizenMail.objects.create(to=to, subject=subject[:200], body=body)


def track_url() -> str:
    """The public query page, as a link a citizen can follow from an e-mail."""
    return f"{settings.SERVQ_SITE_URL.rstrip('/')}{reverse('cases:track')}"


def send_pending_mail() -> int:
    """Send queued citizen mail through the outbox: one message at a time, a bad one set aside."""
    return outbox.deliver(CitizenMail.objects.all(), _send_citizen_mail).sent


def _send_citizen_mail(mail: CitizenMail) -> None:
    send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, [mail.to], fail_silently=False)
