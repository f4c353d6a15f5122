"""A mail backend that refuses what an SMTP server refuses, so outbox tests meet real failures."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class StrictBackend(EmailBackend):
    """locmem, except that a recipient with a comma, space or angle bracket is refused (as SMTP does)."""

    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                if any(ch in address for ch in ", <>;") or address.count("@") != 1:
                    raise smtplib.SMTPRecipientsRefused(
                        {address: (501, b"5.1.3 Bad recipient address syntax")}
                    )
        return super().send_messages(messages)
